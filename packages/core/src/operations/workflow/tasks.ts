// The task functions behind the state machine's Task states; Lambda entry points and the local runner both call these.
import type { FleetContext } from "../../context.js";
import { UNFINISHED_OPERATIONS } from "../../store/keys.js";
import type { TaskName } from "./definition.js";
import { finalizeOperation } from "./finalize.js";
import { prepareOperation } from "./prepare.js";
import { recordServerResult } from "./record-result.js";
import { runOnServer } from "./run-on-server.js";
import type { OperationRef } from "./workflows.js";

type Task = (ctx: FleetContext, input: any) => Promise<unknown>;

export const OPERATION_TASKS: Record<TaskName, Task> = {
  prepare: prepareOperation,
  runOnServer,
  recordResult: recordServerResult,
  finalize: finalizeOperation,
};

/** Operations of every organization that have not finished (the sparse gsi1 list), oldest first. */
export async function unfinishedOperations(ctx: FleetContext): Promise<OperationRef[]> {
  const items = await ctx.table.queryAll<{ organization_id: string; id: string }>({
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :pk",
    ExpressionAttributeValues: { ":pk": UNFINISHED_OPERATIONS },
  });
  return items.map((i) => ({ organization_id: i.organization_id, operation_id: i.id }));
}

export { finalizeOperation, prepareOperation, recordServerResult, runOnServer };
