// Task "Run on server": decides whether a target may still start (cancel, max_errors), marks it running and runs the operation on it.
import type { FleetContext } from "../../context.js";
import { keys } from "../../store/keys.js";
import type { ServerItem } from "../../servers/server-item.js";
import { operationKind } from "../kinds/index.js";
import { isFinished, truncateBytes, type TargetItem } from "../operation-item.js";
import { loadOperation } from "../queries.js";
import { recordServerResult } from "./record-result.js";
import type { RunOutcome, ServerStep, TargetFacts } from "./task-io.js";
import { OperationCancelled } from "./workflow-errors.js";

const MAX_ERROR_BYTES = 2 * 1024;

/**
 * Runs the target and records what it ran itself, so a result survives the Map being ended by a cancel while
 * this call is in flight (and the iteration then skips "Record result"). If that write fails, the outcome goes
 * back to the state machine, whose "Record result" records it with its retries.
 */
export async function runOnServer(ctx: FleetContext, step: ServerStep): Promise<RunOutcome> {
  const outcome = await runTarget(ctx, step);
  if (outcome.outcome !== "ran") return outcome;
  try {
    await recordServerResult(ctx, { ...step, outcome });
    return { outcome: "done" };
  } catch {
    return outcome;
  }
}

async function runTarget(ctx: FleetContext, step: ServerStep): Promise<RunOutcome> {
  const operation = await loadOperation(ctx, step.organization_id, step.operation_id);
  if (isFinished(operation.status)) return { outcome: "done" };
  const targetKey = keys.operationTarget(step.organization_id, step.operation_id, step.position);

  const stop =
    operation.status === "cancelling"
      ? ({ outcome: "cancelled" } as const)
      : operation.failed_servers > operation.effective_max_errors
        ? ({
            outcome: "skipped",
            reason: `not started: ${operation.failed_servers} servers failed, more than max_errors (${operation.effective_max_errors})`,
          } as const)
        : undefined;
  // Only a target still pending is stopped; one already `running` was interrupted mid-call (a retry, or a
  // restart) and is finished whatever happened since, with the same idempotency key.
  const from = stop ? ["running"] : ["pending", "running"];
  let target: TargetItem;
  try {
    target = (await ctx.table.update<TargetItem>({
      Key: targetKey,
      UpdateExpression: "SET #status = :running, started_at = if_not_exists(started_at, :now) ADD attempts :one",
      ConditionExpression: from.length === 1 ? "#status = :running" : "#status IN (:pending, :running)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":running": "running",
        ...(from.length === 1 ? {} : { ":pending": "pending" }),
        ":now": ctx.clock.now().toISOString(),
        ":one": 1,
      },
      ReturnValues: "ALL_NEW",
    }))!;
  } catch (error) {
    if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
    // Pending while the operation stops (record it so), or already settled by an earlier attempt (nothing to do).
    if (!stop) return { outcome: "done" };
    const current = await ctx.table.get<TargetItem>(targetKey, { consistent: true });
    if (current?.status !== "pending") return { outcome: "done" };
    // Cancelled: end the Map here; Finalize marks this and every other pending target cancelled in one pass.
    if (stop.outcome === "cancelled") throw new OperationCancelled(step.operation_id);
    return { ...stop, ...targetFacts(current) };
  }

  const server = await ctx.table.get<ServerItem>(keys.server(step.organization_id, target.server_id), { consistent: true });
  if (!server || server.status === "decommissioned") {
    return {
      outcome: "ran",
      ...targetFacts(target),
      result: {
        status: "failed",
        output: "",
        error: "the server was decommissioned or deleted after the operation was created",
        duration_ms: 0,
      },
    };
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
    ...targetFacts(target),
    result: { ...result, output: truncateBytes(result.output, kind.outputLimitBytes), error: truncateBytes(result.error, MAX_ERROR_BYTES) },
  };
}

/** What Record result needs to know of the target, so it does not read it again. */
function targetFacts(target: TargetItem): TargetFacts {
  return { server_id: target.server_id, server_name: target.server_name, attempts: target.attempts };
}
