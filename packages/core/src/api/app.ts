// The Fleetplane HTTP API as one Hono app: the same app behind the local server and, with its routers loaded on
// first request (app-on-first-request.ts), behind API Gateway (Lambda).
import { OpenAPIHono } from "@hono/zod-openapi";
import type { FleetContext } from "../context.js";
import { buildApi, documentConfig, OPENAPI_PATH, registerSecurityScheme } from "./base-app.js";
import type { ApiEnv } from "./env.js";
import { API_BASE } from "./route-groups.js";
import { alerts } from "./routes/alerts.js";
import { apiKeys, organizations } from "./routes/api-keys.js";
import { groups } from "./routes/groups.js";
import { servers } from "./routes/servers.js";
import { operations } from "./routes/operations.js";
import { probes } from "./routes/probes.js";
import { summary } from "./routes/summary.js";
import { events } from "./routes/events.js";
import { webhooks } from "./routes/webhooks.js";

export { API_BASE };

/** Routers a capability mounts under /api/v1/fleet; the core ones first. */
export type FleetRouter = OpenAPIHono<ApiEnv>;

export function createApi(ctx: FleetContext, extraRouters: FleetRouter[] = []): OpenAPIHono<ApiEnv> {
  return buildApi(ctx, new OpenAPIHono<ApiEnv>(), {
    document: (app) => {
      registerSecurityScheme(app);
      app.doc31(OPENAPI_PATH, documentConfig);
    },
    routers: (app) => {
      for (const routes of [servers, groups, apiKeys, summary, operations, probes, events, webhooks, alerts, ...extraRouters])
        app.route(API_BASE, routes);
      app.route("/api/v1", organizations);
    },
  });
}
