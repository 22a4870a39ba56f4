// Task "Prepare operation": marks the operation running (with its Started event) and hands the Map its items and limits.
import type { FleetContext } from "../../context.js";
import { fleetEvent, outboxPut } from "../../events/fleet-event.js";
import { keys } from "../../store/keys.js";
import { TransactionRejected } from "../../store/table.js";
import { AGENT_ANSWER_GRACE_SECONDS } from "../kinds/agent-call.js";
import { mapMode } from "../limits.js";
import { isFinished, STARTED_SEQUENCE, type OperationState } from "../operation-item.js";
import { loadOperation } from "../queries.js";
import type { PreparedOperation } from "./task-io.js";
import type { OperationRef } from "./workflows.js";

/** Beyond the agent call's own timeout, room for reading and writing progress around it. */
const TASK_OVERHEAD_SECONDS = 20;

export async function prepareOperation(ctx: FleetContext, input: OperationRef): Promise<PreparedOperation> {
  let operation = await loadOperation(ctx, input.organization_id, input.operation_id);
  if (operation.status === "pending") operation = await markRunning(ctx, operation);
  const total = isFinished(operation.status) ? 0 : operation.total_servers;
  return {
    organization_id: operation.organization_id,
    operation_id: operation.id,
    operation_type: operation.operation_type,
    // A resumed or cancelling operation runs the Map too: finished targets are passed over, pending ones become
    // skipped or cancelled, and targets interrupted mid-call are asked again with the same idempotency key.
    positions: Array.from({ length: total }, (_, i) => i),
    max_concurrency: operation.effective_max_concurrency,
    map_mode: mapMode(total, operation.effective_max_concurrency),
    task_timeout_seconds: operation.timeout_seconds + AGENT_ANSWER_GRACE_SECONDS + TASK_OVERHEAD_SECONDS,
  };
}

async function markRunning(ctx: FleetContext, operation: OperationState): Promise<OperationState> {
  const now = ctx.clock.now();
  const event = fleetEvent(
    "Bulk Operation Started",
    operation.organization_id,
    {
      operation_id: operation.id,
      operation_type: operation.operation_type,
      total_servers: operation.total_servers,
      max_concurrency: operation.effective_max_concurrency,
      max_errors: operation.effective_max_errors,
      initiated_by: operation.initiated_by,
      sequence: STARTED_SEQUENCE,
    },
    now,
  );
  try {
    await ctx.table.transact([
      {
        Update: {
          Key: keys.operation(operation.organization_id, operation.id),
          UpdateExpression: "SET #status = :running, started_at = :now, updated_at = :now",
          ConditionExpression: "#status = :pending",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":running": "running", ":pending": "pending", ":now": now.toISOString() },
        },
      },
      outboxPut(event),
    ]);
  } catch (error) {
    // Cancelled before it started, or another execution got here first: carry on from whatever it is now.
    if (!(error instanceof TransactionRejected)) throw error;
  }
  return loadOperation(ctx, operation.organization_id, operation.id);
}
