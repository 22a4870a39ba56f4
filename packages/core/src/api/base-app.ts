// What every Fleetplane API app shares whichever way its routes are mounted: the middleware chain in its order,
// the API docs, the error envelope, and where the routers and the OpenAPI document go in that order.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Hono } from "hono";
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
import { API_BASE } from "./route-groups.js";

export const OPENAPI_PATH = "/api/v1/openapi.json";

/** The OpenAPI document's header; it names the origin it was served from, so a generator pointed at a deployment gets that deployment's URL. */
export function documentConfig(c: Context) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Fleetplane API",
      version: "1.0.0",
      description: "Serverless control plane for server fleets. Every request carries `Authorization: Bearer <API key>`.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: new URL(c.req.url).origin, description: "the Fleetplane API that served this document" }],
    security: [{ bearer: [] }],
  };
}

export interface Mounting<App extends Hono<ApiEnv>> {
  /** Serves the OpenAPI document at OPENAPI_PATH (before authentication: the document is public). */
  document(app: App): void;
  /** Mounts every router, behind authentication. */
  routers(app: App): void;
}

/** Registers what the document says of authentication, on the app that generates the document. */
export function registerSecurityScheme(app: OpenAPIHono<ApiEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: "Fleetplane API key" });
}

/**
 * Builds the API on `app`: an OpenAPIHono where the routers are mounted (and the document generated) in place, a
 * plain Hono where each route loads its router on first request, so that a cold start loads no OpenAPI code.
 */
export function buildApi<App extends Hono<ApiEnv>>(ctx: FleetContext, app: App, mount: Mounting<App>): App {
  app.use("*", securityHeaders);
  app.use("*", async (c, next) => {
    c.set("ctx", ctx);
    await next();
  });
  app.use("*", requestLog);

  mount.document(app);
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

  mount.routers(app);

  app.onError(errorResponse);
  app.notFound(notFoundResponse);
  return app;
}
