// Serves the static web console from web/ beside the API, as CloudFront does in AWS, with the same headers.
import { fileURLToPath } from "node:url";
import { relative } from "node:path";
import { Hono } from "hono";
import { serveStatic } from "@hono/node-server/serve-static";

const WEB_ROOT = fileURLToPath(new URL("../../../web/", import.meta.url));

/** Locally the console and the API share an origin, so the console may call only its own origin. */
const CONSOLE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
};

export function consoleApp(api: { fetch: (request: Request) => Response | Promise<Response> }): Hono {
  const app = new Hono();
  app.all("/api/*", (c) => api.fetch(c.req.raw));
  app.use("/*", async (c, next) => {
    await next();
    if (c.res.status < 400) for (const [name, value] of Object.entries(CONSOLE_HEADERS)) c.res.headers.set(name, value);
  });
  app.use("/*", serveStatic({ root: relative(process.cwd(), WEB_ROOT) || "." }));
  app.all("*", (c) => api.fetch(c.req.raw));
  return app;
}
