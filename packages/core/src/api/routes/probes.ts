// Health and metrics routes: latest health, checks now, history, metrics and rollups, fleet overview.
// Viewers read; operators run checks and collections. Each handler parses, calls the domain, responds.
import { createRoute, z } from "@hono/zod-openapi";
import { onServerPurged } from "../../servers/registry.js";
import { HealthStatus, ServerListQuery } from "../../servers/schema.js";
import { HealthCheck } from "../../probes/health-record.js";
import { healthHistory, healthOverview, serverHealth } from "../../probes/health-queries.js";
import { PERIODS } from "../../probes/metrics-point.js";
import { aggregatedMetrics, serverMetrics } from "../../probes/metrics-queries.js";
import { checkAllServers, checkServerNow, collectServerMetricsNow, sweepStatus } from "../../probes/on-demand.js";
import { forgetProbeState } from "../../probes/probe-history-purge.js";
import { errorResponses, IdParam, json, router } from "../env.js";
import { requireRole } from "../middleware/auth.js";

export const probes = router();
const tags = ["health", "metrics"];

// The API is where servers get purged; its probe state goes with it.
onServerPurged(forgetProbeState);

const Alert = z.object({ rule: z.string(), severity: z.string(), raised_at: z.string() });
const ProbeFacts = {
  consecutive_failures: z.number(),
  next_check_at: z.string().nullable(),
  unreachable_since: z.string().nullable(),
  last_success_at: z.string().nullable(),
  stale: z.boolean(),
  open_alerts: z.array(Alert),
};
const ServerHealth = z
  .object({
    server_id: z.string(),
    name: z.string(),
    status: z.string(),
    health_status: HealthStatus,
    last_seen_at: z.string().nullable(),
    last_health_check_at: z.string().nullable(),
    response_time_ms: z.number().nullable(),
    ...ProbeFacts,
    latest_check: HealthCheck.nullable(),
  })
  .openapi("ServerHealth");

const time = z.string().datetime({ offset: true }).optional();
const HistoryQuery = z.object({
  from: time,
  to: time,
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional(),
});
const MetricsQuery = z.object({
  from: time,
  to: time,
  period: z.enum(PERIODS).default("1m"),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
const Point = z.record(z.string(), z.unknown());

probes.openapi(
  createRoute({
    method: "get",
    path: "/servers/{id}/health",
    tags,
    summary: "Latest health of a server",
    operationId: "getServerHealth",
    request: { params: IdParam },
    responses: { 200: json(ServerHealth), ...errorResponses },
  }),
  async (c) => c.json(await serverHealth(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id), 200),
);

for (const path of ["/servers/{id}/check", "/servers/{id}/health-check"]) {
  probes.openapi(
    createRoute({
      method: "post",
      path,
      tags,
      summary: "Check a server's health now",
      operationId: path.endsWith("/check") ? "checkServer" : "checkServerHealth",
      middleware: [requireRole("operator")],
      request: { params: IdParam },
      responses: { 200: json(HealthCheck.extend({ health_status: HealthStatus })), ...errorResponses },
    }),
    async (c) => c.json(await checkServerNow(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id), 200),
  );
}

probes.openapi(
  createRoute({
    method: "get",
    path: "/servers/{id}/health-history",
    tags,
    summary: "Health checks of a server, newest first",
    operationId: "listServerHealthHistory",
    request: { params: IdParam, query: HistoryQuery },
    responses: { 200: json(z.object({ items: z.array(HealthCheck), next_cursor: z.string().nullable() })), ...errorResponses },
  }),
  async (c) =>
    c.json(await healthHistory(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id, c.req.valid("query")), 200),
);

probes.openapi(
  createRoute({
    method: "get",
    path: "/servers/{id}/metrics",
    tags,
    summary: "Metrics of a server: 1m points or 5m/1h/1d rollups (avg, min, max; counters summed)",
    operationId: "getServerMetrics",
    request: { params: IdParam, query: MetricsQuery },
    responses: {
      200: json(
        z.object({
          server_id: z.string(),
          period: z.string(),
          from: z.string(),
          to: z.string(),
          points: z.array(Point),
          truncated: z.boolean(),
        }),
      ),
      ...errorResponses,
    },
  }),
  async (c) =>
    c.json(await serverMetrics(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id, c.req.valid("query")), 200),
);

probes.openapi(
  createRoute({
    method: "post",
    path: "/servers/{id}/metrics/collect",
    tags,
    summary: "Collect a server's metrics now (buffered minutes since the last collection)",
    operationId: "collectServerMetrics",
    middleware: [requireRole("operator")],
    request: { params: IdParam },
    responses: {
      200: json(
        z.object({ server_id: z.string(), collected_at: z.string(), samples_collected: z.number(), error_message: z.string().nullable() }),
      ),
      ...errorResponses,
    },
  }),
  async (c) => c.json(await collectServerMetricsNow(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id), 200),
);

const SweepStatus = z
  .object({
    id: z.string().nullable(),
    status: z.enum(["running", "completed"]),
    total_servers: z.number(),
    completed_servers: z.number(),
    progress_percent: z.number(),
    started_at: z.string(),
    by_health: z.record(z.string(), z.number()).optional(),
  })
  .openapi("HealthCheckRun");

probes.openapi(
  createRoute({
    method: "post",
    path: "/health-check/all",
    tags,
    summary: "Check every active server now: 200 with the outcome for a small fleet, 202 with a progress record above",
    operationId: "checkAllServers",
    middleware: [requireRole("operator")],
    responses: {
      200: json(SweepStatus, "checked"),
      202: json(SweepStatus, "accepted; follow GET /health-check/all/{id}"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { inline, status } = await checkAllServers(c.get("ctx"), c.get("caller").organizationId);
    if (inline) return c.json(status, 200);
    c.header("location", `/api/v1/fleet/health-check/all/${status.id}`);
    return c.json(status, 202);
  },
);

probes.openapi(
  createRoute({
    method: "get",
    path: "/health-check/all/{id}",
    tags,
    summary: "Progress of a fleet-wide health check",
    operationId: "getFleetHealthCheck",
    request: { params: IdParam },
    responses: { 200: json(SweepStatus), ...errorResponses },
  }),
  async (c) => c.json(await sweepStatus(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id), 200),
);

probes.openapi(
  createRoute({
    method: "get",
    path: "/health/overview",
    tags,
    summary: "Latest health of every server (paginated; filters as GET /servers)",
    operationId: "getHealthOverview",
    request: { query: ServerListQuery },
    responses: {
      200: json(z.object({ items: z.array(z.record(z.string(), z.unknown())), next_cursor: z.string().nullable() })),
      ...errorResponses,
    },
  }),
  async (c) => {
    const query = ServerListQuery.parse({ ...c.req.valid("query"), tag: c.req.queries("tag") });
    return c.json(await healthOverview(c.get("ctx"), c.get("caller").organizationId, query), 200);
  },
);

probes.openapi(
  createRoute({
    method: "get",
    path: "/metrics/aggregated",
    tags,
    summary: "Fleet-wide metrics per bucket over a range",
    operationId: "getAggregatedMetrics",
    request: {
      query: MetricsQuery.extend({ period: z.enum(PERIODS).default("5m"), limit: z.coerce.number().int().min(1).max(1000).default(288) }),
    },
    responses: { 200: json(z.object({ period: z.string(), from: z.string(), to: z.string(), points: z.array(Point) })), ...errorResponses },
  }),
  async (c) => c.json(await aggregatedMetrics(c.get("ctx"), c.get("caller").organizationId, c.req.valid("query")), 200),
);
