// Task "Finalize operation": settles targets left open, chooses the final status and publishes the Finished event.
import type { FleetContext } from "../../context.js";
import { fleetEvent, outboxPut } from "../../events/fleet-event.js";
import { keys, TARGET_PREFIX } from "../../store/keys.js";
import { TransactionRejected } from "../../store/table.js";
import { countUpdate, finishedSequence, isFinished, type COUNTERS, type OperationState, type TargetItem } from "../operation-item.js";
import { loadOperation } from "../queries.js";
import type { OperationStatus } from "../schema.js";
import { failureMessage, type FinalizeInput } from "./task-io.js";
import { OperationCancelled, ServersStillRunning } from "./workflow-errors.js";

export async function finalizeOperation(ctx: FleetContext, input: FinalizeInput): Promise<{ status: OperationStatus }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let operation = await loadOperation(ctx, input.organization_id, input.operation_id);
    if (isFinished(operation.status)) return { status: operation.status };
    if (settledCount(operation) < operation.total_servers) {
      await settleOpenTargets(ctx, operation, input);
      operation = await loadOperation(ctx, input.organization_id, input.operation_id);
    }
    const [status, summary] = outcomeOf(operation, input);
    const now = ctx.clock.now();
    const event = fleetEvent(
      "Bulk Operation Finished",
      operation.organization_id,
      {
        operation_id: operation.id,
        operation_type: operation.operation_type,
        status,
        total_servers: operation.total_servers,
        completed_servers: operation.completed_servers,
        failed_servers: operation.failed_servers,
        skipped_servers: operation.skipped_servers,
        cancelled_servers: operation.cancelled_servers,
        error_summary: summary,
        // Above every result's: no result can be counted any more (every target is settled).
        sequence: finishedSequence(operation),
      },
      now,
    );
    try {
      await ctx.table.transact([
        {
          Update: {
            Key: keys.operation(operation.organization_id, operation.id),
            UpdateExpression:
              "SET #status = :final, error_summary = :summary, completed_at = :now, updated_at = :now REMOVE gsi1pk, gsi1sk",
            ConditionExpression: "#status = :seen",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":final": status, ":summary": summary, ":now": now.toISOString(), ":seen": operation.status },
          },
        },
        outboxPut(event),
      ]);
      return { status };
    } catch (error) {
      // A cancel arrived in between: decide again from the new state.
      if (!(error instanceof TransactionRejected)) throw error;
    }
  }
  throw new Error(`operation ${input.operation_id} kept changing while being finalized`);
}

function settledCount(operation: OperationState): number {
  return operation.completed_servers + operation.failed_servers + operation.skipped_servers + operation.cancelled_servers;
}

/**
 * Normally every target is settled by its own iteration. Targets are still open only when the workflow
 * failed, or was cancelled before its Map began: pending ones become cancelled or skipped, and ones caught
 * mid-call failed (their result can no longer be recorded).
 */
async function settleOpenTargets(ctx: FleetContext, operation: OperationState, input: FinalizeInput): Promise<void> {
  const open = await ctx.table.queryAll<TargetItem>({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    FilterExpression: "#status IN (:pending, :running)",
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: {
      ":pk": keys.operationTargets(operation.organization_id, operation.id),
      ":prefix": TARGET_PREFIX,
      ":pending": "pending",
      ":running": "running",
    },
  });
  const at = ctx.clock.now();
  const now = at.toISOString();
  // A cancel ended the Map while these servers were mid-call: their runs go on and record their own results.
  // Wait (Finalize is retried) until each has, or is past the longest its task may take.
  if (operation.status === "cancelling" && input.task_timeout_seconds) {
    const deadline = at.getTime() - input.task_timeout_seconds * 1000;
    const inFlight = open.filter((t) => t.status === "running" && t.started_at && Date.parse(t.started_at) > deadline);
    if (inFlight.length) throw new ServersStillRunning(inFlight.length);
  }
  const reason = !input.failure
    ? "not started"
    : input.failure.Error === OperationCancelled.errorName
      ? "the operation was cancelled"
      : `the workflow failed: ${failureMessage(input.failure)}`;
  for (const target of open) {
    const [status, counter, error]: [string, (typeof COUNTERS)[number], string] =
      target.status === "running"
        ? ["failed", "failed_servers", `interrupted: ${reason}`]
        : operation.status === "cancelling"
          ? ["cancelled", "cancelled_servers", "not started: the operation was cancelled"]
          : ["skipped", "skipped_servers", reason];
    try {
      await ctx.table.transact([
        {
          Update: {
            Key: { pk: target.pk, sk: target.sk },
            UpdateExpression: "SET #status = :final, finished_at = :now, #error = :error",
            ConditionExpression: "#status = :seen",
            ExpressionAttributeNames: { "#status": "status", "#error": "error" },
            ExpressionAttributeValues: { ":final": status, ":now": now, ":error": error.slice(0, 2048), ":seen": target.status },
          },
        },
        {
          Update: countUpdate(
            operation.organization_id,
            operation.id,
            target.position,
            counter,
            at,
            ctx.config.operations.retentionSeconds,
          ),
        },
      ]);
    } catch (error) {
      if (!(error instanceof TransactionRejected)) throw error;
    }
  }
}

function outcomeOf(operation: OperationState, input: FinalizeInput): [OperationStatus, string | null] {
  const {
    total_servers: total,
    failed_servers: failed,
    skipped_servers: skipped,
    cancelled_servers: cancelled,
    effective_max_errors: maxErrors,
  } = operation;
  const failedPart = `${failed} of ${total} servers failed`;
  if (operation.status === "cancelling")
    return ["cancelled", `cancelled: ${cancelled} of ${total} servers not started${failed ? `; ${failedPart}` : ""}`];
  if (input.failure) return ["failed", `the workflow failed: ${failureMessage(input.failure)}`.slice(0, 2048)];
  if (failed > maxErrors) return ["failed", `${failedPart}, more than max_errors (${maxErrors}): ${skipped} not started`];
  if (failed === 0 && skipped === 0 && cancelled === 0) return ["completed", null];
  return ["partial", skipped ? `${failedPart}; ${skipped} skipped` : failedPart];
}
