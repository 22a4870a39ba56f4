// run_health_check: a health check now, through the agent's /health endpoint (the probing path), not the operations endpoint.
import { z } from "zod";
import { agentTarget } from "../../agents/agent-target.js";
import { AGENT_ANSWER_GRACE_SECONDS, isTransient } from "./agent-call.js";
import { AgentUnavailable, type OperationKind } from "./kind.js";

export const runHealthCheck: OperationKind = {
  type: "run_health_check",
  parameters: z.object({}).strict(),
  outputLimitBytes: 4 * 1024,
  async run(ctx, server, request) {
    const answer = await ctx.agents.health(await agentTarget(ctx, server), {
      timeoutMs: Math.min(request.timeout_seconds, 30 + AGENT_ANSWER_GRACE_SECONDS) * 1000,
    });
    if (!answer.ok) {
      if (isTransient(answer.error)) throw new AgentUnavailable(`${answer.error.kind}: ${answer.error.message}`);
      return { status: "failed", output: "", error: `${answer.error.kind}: ${answer.error.message}`, duration_ms: answer.response_time_ms };
    }
    const health = answer.value;
    const unhealthy = Object.entries(health.components).filter(([, c]) => !c.healthy).map(([name]) => name);
    const output = JSON.stringify({ status: health.status, version: health.version ?? null, response_time_ms: answer.response_time_ms, unhealthy_components: unhealthy });
    // The check ran either way; a critical server is reported as a failed check so max_errors can stop a sweep.
    return health.status === "critical"
      ? { status: "failed", output, error: `server is critical (${unhealthy.join(", ") || "no component named"})`, duration_ms: answer.response_time_ms }
      : { status: "succeeded", output, error: "", duration_ms: answer.response_time_ms };
  },
};
