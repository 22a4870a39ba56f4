// Cancelling: no new server starts, running ones finish, the rest become `cancelled` (status cancelling → cancelled).
import type { FleetContext } from "../context.js";
import { Conflict } from "../errors.js";
import { keys } from "../store/keys.js";
import { isFinished, toOperation } from "./operation-item.js";
import { loadOperation } from "./queries.js";
import type { Operation } from "./schema.js";

export async function cancelOperation(ctx: FleetContext, organizationId: string, id: string): Promise<Operation> {
  const current = await loadOperation(ctx, organizationId, id);
  if (current.status === "cancelling") return toOperation(current);
  if (isFinished(current.status)) throw new Conflict(`operation ${id} has already finished (${current.status})`);
  const now = ctx.clock.now().toISOString();
  try {
    await ctx.table.update({
      Key: keys.operation(organizationId, id),
      UpdateExpression: "SET #status = :cancelling, updated_at = :now",
      ConditionExpression: "#status IN (:pending, :running)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":cancelling": "cancelling", ":pending": "pending", ":running": "running", ":now": now },
    });
    return toOperation({ ...current, status: "cancelling", updated_at: now });
  } catch (error) {
    if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
    // It finished (or was cancelled) between the read and the update: answer from the new state.
    return cancelOperation(ctx, organizationId, id);
  }
}
