// Serves the static web console from web/ beside the API, as CloudFront does in AWS.
import { fileURLToPath } from "node:url";
import { relative } from "node:path";
import { Hono } from "hono";
import { serveStatic } from "@hono/node-server/serve-static";

const WEB_ROOT = fileURLToPath(new URL("../../../web/", import.meta.url));

export function consoleApp(api: { fetch: (request: Request) => Response | Promise<Response> }): Hono {
  const app = new Hono();
  app.all("/api/*", (c) => api.fetch(c.req.raw));
  app.use("/*", serveStatic({ root: relative(process.cwd(), WEB_ROOT) || "." }));
  app.all("*", (c) => api.fetch(c.req.raw));
  return app;
}
