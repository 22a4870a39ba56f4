// run_health_check: a health check now through the probing path (probes' checkServerNow), so the check lands in
// the server's health history and moves its health status exactly as a scheduled probe would.
import { z } from "zod";
import { checkServerNow } from "../../probes/on-demand.js";
import type { OperationKind } from "./kind.js";

export const runHealthCheck: OperationKind = {
  type: "run_health_check",
  parameters: z.object({}).strict(),
  outputLimitBytes: 4 * 1024,
  async run(ctx, server) {
    // The probe path does its own timeout and records an unreachable agent as a check; it is not retried here,
    // since a retry would only record a second check.
    const check = await checkServerNow(ctx, server.organization_id, server.id);
    const output = JSON.stringify({
      status: check.status,
      response_time_ms: check.response_time_ms,
      database_healthy: check.database_healthy,
      redis_healthy: check.redis_healthy,
      services_healthy: check.services_healthy,
    });
    const ok = check.status === "healthy" || check.status === "degraded";
    return {
      status: ok ? "succeeded" : "failed",
      output,
      error: ok ? "" : (check.error_message ?? `server is ${check.status}`),
      duration_ms: check.response_time_ms ?? 0,
    };
  },
};
