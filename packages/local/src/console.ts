// Serves the web console beside the API, as CloudFront does in AWS, with the same headers (console-headers.ts): the
// esbuild bundle of web/ (console-bundle.ts), built in memory at start (npm start) or on the first request;
// hashed assets cached for a year, index.html revalidated on every load; and config.json naming this server as
// the API, as the deploy writes it.
import { onFirstUse } from "@fleetplane/core";
import { Hono } from "hono";
import { bundleConsole } from "./console-bundle.js";
import { CONSOLE_CONFIG_FILE, consoleSecurityHeaders, IMMUTABLE, REVALIDATE, type ConsoleConfig } from "./console-headers.js";

export { IMMUTABLE, REVALIDATE } from "./console-headers.js";

/** Locally the console and the API share an origin, so the console may call only its own origin. */
const CONSOLE_HEADERS = consoleSecurityHeaders();

/**
 * The console beside the API. `bundleNow` builds the bundle at once (`npm start`, so the first page load does
 * not wait for esbuild); otherwise the first request for a console file builds it (tests that never load it).
 */
export function consoleApp(
  api: { fetch: (request: Request) => Response | Promise<Response> },
  options: { bundleNow?: boolean } = {},
): Hono {
  const app = new Hono();
  // A failed build is reported by the request that awaits it, and built again by the next one.
  const bundle = onFirstUse(bundleConsole);
  if (options.bundleNow) bundle().catch(() => undefined);
  app.all("/api/*", (c) => api.fetch(c.req.raw));
  app.on(["GET", "HEAD"], `/${CONSOLE_CONFIG_FILE}`, (c) => {
    const config: ConsoleConfig = { api_url: new URL(c.req.url).origin };
    return c.json(config, 200, { ...CONSOLE_HEADERS, "Cache-Control": REVALIDATE });
  });
  app.on(["GET", "HEAD"], "/*", async (c, next) => {
    const files = await bundle();
    const path = c.req.path === "/" ? "/index.html" : c.req.path;
    const file = files.get(path);
    if (!file) return next();
    const headers = { ...CONSOLE_HEADERS, "Content-Type": file.type, "Cache-Control": file.immutable ? IMMUTABLE : REVALIDATE };
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200, headers);
  });
  app.all("*", (c) => api.fetch(c.req.raw));
  return app;
}
