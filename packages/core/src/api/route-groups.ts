// The API's routers and, for each, the routes it serves (method and Hono path, in registration order), so an app
// can mount a router's routes before its module is loaded (api/app-on-first-request.ts). A test checks every
// list against its router (test/api/route-groups.test.ts).
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiEnv } from "./env.js";

export const API_BASE = "/api/v1/fleet";

export type RouteMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteGroup {
  name: string;
  /** Where the router is mounted. */
  base: string;
  load(): Promise<OpenAPIHono<ApiEnv>>;
  routes: ReadonlyArray<readonly [RouteMethod, string]>;
}

/** In the order the eager app mounts them (api/app.ts): a request matches the same route in both. */
export const ROUTE_GROUPS: readonly RouteGroup[] = [
  {
    name: "servers",
    base: API_BASE,
    load: async () => (await import("./routes/servers.js")).servers,
    routes: [
      ["POST", "/servers"],
      ["GET", "/servers"],
      ["GET", "/servers/:id"],
      ["PATCH", "/servers/:id"],
      ["PUT", "/servers/:id"],
      ["DELETE", "/servers/:id"],
      ["POST", "/servers/:id/token"],
    ],
  },
  {
    name: "groups",
    base: API_BASE,
    load: async () => (await import("./routes/groups.js")).groups,
    routes: [
      ["POST", "/groups"],
      ["GET", "/groups"],
      ["POST", "/groups/members"],
      ["DELETE", "/groups/members"],
      ["GET", "/groups/:id"],
      ["PATCH", "/groups/:id"],
      ["PUT", "/groups/:id"],
      ["DELETE", "/groups/:id"],
      ["GET", "/groups/:id/servers"],
      ["POST", "/groups/:id/servers"],
      ["DELETE", "/groups/:id/servers/:server_id"],
    ],
  },
  {
    name: "api-keys",
    base: API_BASE,
    load: async () => (await import("./routes/api-keys.js")).apiKeys,
    routes: [
      ["POST", "/api-keys"],
      ["GET", "/api-keys"],
      ["DELETE", "/api-keys/:id"],
      ["GET", "/me"],
    ],
  },
  {
    name: "summary",
    base: API_BASE,
    load: async () => (await import("./routes/summary.js")).summary,
    routes: [["GET", "/summary"]],
  },
  {
    name: "operations",
    base: API_BASE,
    load: async () => (await import("./routes/operations.js")).operations,
    routes: [
      ["POST", "/operations"],
      ["GET", "/operations"],
      ["GET", "/operations/:id"],
      ["GET", "/operations/:id/servers"],
      ["POST", "/operations/:id/cancel"],
    ],
  },
  {
    name: "probes",
    base: API_BASE,
    load: async () => (await import("./routes/probes.js")).probes,
    routes: [
      ["GET", "/servers/:id/health"],
      ["POST", "/servers/:id/check"],
      ["POST", "/servers/:id/health-check"],
      ["GET", "/servers/:id/health-history"],
      ["GET", "/servers/:id/metrics"],
      ["POST", "/servers/:id/metrics/collect"],
      ["POST", "/health-check/all"],
      ["GET", "/health-check/all/:id"],
      ["GET", "/health/overview"],
      ["GET", "/metrics/aggregated"],
    ],
  },
  {
    name: "events",
    base: API_BASE,
    load: async () => (await import("./routes/events.js")).events,
    routes: [["GET", "/events"]],
  },
  {
    name: "webhooks",
    base: API_BASE,
    load: async () => (await import("./routes/webhooks.js")).webhooks,
    routes: [
      ["POST", "/webhooks"],
      ["GET", "/webhooks"],
      ["GET", "/webhooks/:id"],
      ["PATCH", "/webhooks/:id"],
      ["DELETE", "/webhooks/:id"],
      ["GET", "/webhooks/:id/deliveries"],
      ["POST", "/webhooks/:id/deliveries/:delivery_id/retry"],
      ["POST", "/webhooks/:id/test"],
    ],
  },
  {
    name: "alerts",
    base: API_BASE,
    load: async () => (await import("./routes/alerts.js")).alerts,
    routes: [["GET", "/alerts"]],
  },
  {
    name: "organizations",
    base: "/api/v1",
    load: async () => (await import("./routes/api-keys.js")).organizations,
    routes: [["POST", "/organizations"]],
  },
];
