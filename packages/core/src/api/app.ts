// The Fleetplane HTTP API as one Hono app: the same app behind API Gateway (Lambda) and the local server.
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { FleetContext } from "../context.js";
import { PayloadTooLarge } from "../errors.js";
import { API_DOCS_CSP, apiDocsPage } from "./docs-page.js";
import type { ApiEnv } from "./env.js";
import { errorResponse, notFoundResponse } from "./errors.js";
import { requireApiKey } from "./middleware/auth.js";
import { requestLog } from "./middleware/request-log.js";
import { storableJsonBody } from "./middleware/json-body.js";
import { securityHeaders } from "./middleware/security-headers.js";
import { alerts } from "./routes/alerts.js";
import { apiKeys, organizations } from "./routes/api-keys.js";
import { groups } from "./routes/groups.js";
import { servers } from "./routes/servers.js";
import { operations } from "./routes/operations.js";
import { probes } from "./routes/probes.js";
import { summary } from "./routes/summary.js";
import { events } from "./routes/events.js";
import { webhooks } from "./routes/webhooks.js";

export const API_BASE = "/api/v1/fleet";

/** Routers a capability mounts under /api/v1/fleet; the core ones first. */
export type FleetRouter = OpenAPIHono<ApiEnv>;

export function createApi(ctx: FleetContext, extraRouters: FleetRouter[] = []): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>();
  app.use("*", securityHeaders);
  app.use("*", async (c, next) => {
    c.set("ctx", ctx);
    await next();
  });
  app.use("*", requestLog);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: "Fleetplane API key" });
  // The document names the origin it was served from, so a generator pointed at a deployment gets that deployment's URL.
  app.doc31("/api/v1/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Fleetplane API",
      version: "1.0.0",
      description: "Serverless control plane for server fleets. Every request carries `Authorization: Bearer <API key>`.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: new URL(c.req.url).origin, description: "the Fleetplane API that served this document" }],
    security: [{ bearer: [] }],
  }));
  app.get("/api/v1/docs", (c) => {
    const page = c.html(apiDocsPage());
    page.headers.set("Content-Security-Policy", API_DOCS_CSP);
    return page;
  });

  const limitBody = bodyLimit({
    maxSize: ctx.config.maxBodyBytes,
    onError: () => {
      throw new PayloadTooLarge(`request bodies are limited to ${ctx.config.maxBodyBytes} bytes`);
    },
  });
  // GET and HEAD carry no body (the Node adapter gives them none). Asking one for its body makes the Node
  // adapter build a full fetch Request (an AbortController, a signal listener, a finalizer) for every read.
  app.use("/api/*", (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next)));
  app.use("/api/*", (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : storableJsonBody(c, next)));
  app.use(`${API_BASE}/*`, requireApiKey);
  app.use("/api/v1/organizations", requireApiKey);

  for (const routes of [servers, groups, apiKeys, summary, operations, probes, events, webhooks, alerts, ...extraRouters]) app.route(API_BASE, routes);
  app.route("/api/v1", organizations);

  app.onError(errorResponse);
  app.notFound(notFoundResponse);
  return app;
}
