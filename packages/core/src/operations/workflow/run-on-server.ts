// Task "Run on server": decides whether a target may still start (cancel, max_errors), marks it running and runs the operation on it.
import type { FleetContext } from "../../context.js";
import { keys } from "../../store/keys.js";
import type { ServerItem } from "../../servers/server-item.js";
import { operationKind } from "../kinds/index.js";
import { isFinished, truncateBytes, type TargetItem } from "../operation-item.js";
import { operationItem } from "../queries.js";
import type { RunOutcome, ServerStep } from "./task-io.js";

const MAX_ERROR_BYTES = 2 * 1024;

export async function runOnServer(ctx: FleetContext, step: ServerStep): Promise<RunOutcome> {
  const operation = await operationItem(ctx, step.organization_id, step.operation_id);
  const targetKey = keys.operationTarget(step.organization_id, step.operation_id, step.position);
  const target = await ctx.table.get<TargetItem>(targetKey, { consistent: true });
  if (!target) throw new Error(`operation ${step.operation_id} has no target at position ${step.position}`);
  if (target.status !== "pending" && target.status !== "running") return { outcome: "done" };
  if (isFinished(operation.status)) return { outcome: "done" };

  // A target already `running` was interrupted mid-call (a retry, or a restart): finish it, whatever else happened since.
  if (target.status === "pending") {
    if (operation.status === "cancelling") return { outcome: "cancelled" };
    if (operation.failed_servers > operation.effective_max_errors) {
      return { outcome: "skipped", reason: `not started: ${operation.failed_servers} servers failed, more than max_errors (${operation.effective_max_errors})` };
    }
  }

  try {
    await ctx.table.update({
      Key: targetKey,
      UpdateExpression: "SET #status = :running, started_at = if_not_exists(started_at, :now) ADD attempts :one",
      ConditionExpression: "#status IN (:pending, :running)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":running": "running", ":pending": "pending", ":now": ctx.clock.now().toISOString(), ":one": 1 },
    });
  } catch (error) {
    if ((error as Error).name === "ConditionalCheckFailedException") return { outcome: "done" };
    throw error;
  }

  const server = await ctx.table.get<ServerItem>(keys.server(step.organization_id, target.server_id), { consistent: true });
  if (!server || server.status === "decommissioned") {
    return { outcome: "ran", result: { status: "failed", output: "", error: "the server was decommissioned or deleted after the operation was created", duration_ms: 0 } };
  }
  const kind = operationKind(operation.operation_type);
  const result = await kind.run(ctx, server, {
    parameters: operation.parameters,
    // Derived from the operation, so every retry and every resumed execution sends the same key to this server.
    idempotency_key: `${operation.id}/${server.id}`,
    timeout_seconds: operation.timeout_seconds,
  });
  return {
    outcome: "ran",
    result: { ...result, output: truncateBytes(result.output, kind.outputLimitBytes), error: truncateBytes(result.error, MAX_ERROR_BYTES) },
  };
}
