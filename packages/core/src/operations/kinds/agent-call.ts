// Sends one operation request to a server's agent and sorts the answer: a result, a permanent failure, or a transient one to retry.
import type { AgentFailure } from "../../agents/agent-client.js";
import { agentTarget } from "../../agents/agent-target.js";
import type { FleetContext } from "../../context.js";
import type { ServerItem } from "../../servers/server-item.js";
import type { OperationType } from "../schema.js";
import { AgentUnavailable, type ServerRunRequest, type ServerRunResult } from "./kind.js";

/** The agent enforces `timeout_seconds` itself and then answers; the control plane waits this much longer. */
export const AGENT_ANSWER_GRACE_SECONDS = 10;

export async function runOnAgent(
  ctx: FleetContext,
  server: ServerItem,
  type: OperationType,
  request: ServerRunRequest,
): Promise<ServerRunResult> {
  const target = await agentTarget(ctx, server);
  const answer = await ctx.agents.runOperation(
    target,
    {
      operation_type: type,
      parameters: request.parameters,
      idempotency_key: request.idempotency_key,
      timeout_seconds: request.timeout_seconds,
    },
    { timeoutMs: (request.timeout_seconds + AGENT_ANSWER_GRACE_SECONDS) * 1000 },
  );
  if (answer.ok) {
    const { status, output, error, duration_ms } = answer.value;
    return { status, output: output ?? "", error: error ?? "", duration_ms: duration_ms ?? answer.response_time_ms };
  }
  if (isTransient(answer.error)) throw new AgentUnavailable(`${answer.error.kind}: ${answer.error.message}`);
  return { status: "failed", output: "", error: describeFailure(answer.error), duration_ms: answer.response_time_ms };
}

/** Worth retrying with the same idempotency key: the agent may not have seen the request, or is still running it. */
export function isTransient(failure: AgentFailure): boolean {
  if (failure.kind === "timeout" || failure.kind === "connection") return true;
  return failure.kind === "http" && failure.status !== undefined && (failure.status >= 500 || failure.status === 429);
}

function describeFailure(failure: AgentFailure): string {
  if (failure.kind === "unauthorized" && failure.status === 403) return "the agent does not allow this operation type (403)";
  if (failure.kind === "http" && failure.status === 400) return "the agent rejected the parameters (400)";
  if (failure.kind === "http" && failure.status === 409) return "the agent already used this idempotency key for another request (409)";
  if (failure.kind === "forbidden_address") return failure.message; // "refused: <host> resolves to <address>, ..."
  return `${failure.kind}: ${failure.message}`;
}
