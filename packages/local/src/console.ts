// Serves the web console beside the API, as CloudFront does in AWS, with the same headers: the esbuild bundle
// of web/ (console-bundle.ts), built in memory on the first request; hashed assets cached for a year,
// index.html revalidated on every load.
import { Hono } from "hono";
import { bundleConsole, type ConsoleFile } from "./console-bundle.js";

/** Locally the console and the API share an origin, so the console may call only its own origin. */
const CONSOLE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
};
export const IMMUTABLE = "public, max-age=31536000, immutable";
export const REVALIDATE = "no-cache";

export function consoleApp(api: { fetch: (request: Request) => Response | Promise<Response> }): Hono {
  const app = new Hono();
  let bundle: Promise<Map<string, ConsoleFile>> | undefined;
  app.all("/api/*", (c) => api.fetch(c.req.raw));
  app.on(["GET", "HEAD"], "/*", async (c, next) => {
    bundle ??= bundleConsole();
    const files = await bundle;
    const path = c.req.path === "/" ? "/index.html" : c.req.path;
    const file = files.get(path);
    if (!file) return next();
    const headers = { ...CONSOLE_HEADERS, "Content-Type": file.type, "Cache-Control": file.immutable ? IMMUTABLE : REVALIDATE };
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200, headers);
  });
  app.all("*", (c) => api.fetch(c.req.raw));
  return app;
}
