// An execution that ends without reaching "Finalize operation" (stopped by hand, timed out, or failed in
// Finalize itself) would leave its operation `running` for ever. Step Functions announces every such end on
// EventBridge ("Step Functions Execution Status Change"); this finalizes the operation from that event:
// open targets are settled (pending → skipped or cancelled, running → failed "interrupted") and the
// operation ends `failed` (or `cancelled` if a cancel was under way) with the reason in `error_summary`.
import { z } from "zod";
import type { FleetContext } from "../../context.js";
import { isId } from "../../ids.js";
import type { OperationStatus } from "../schema.js";
import { finalizeOperation } from "./finalize.js";
import { unfinishedOperations } from "./tasks.js";
import type { OperationRef } from "./workflows.js";

/** The statuses of an execution that ended without its Finalize state having run to completion. */
export const ENDED_WITHOUT_FINALIZE = ["ABORTED", "TIMED_OUT", "FAILED"] as const;

/** The part of the event's `detail` this reads. */
const ExecutionStatusChange = z.object({
  executionArn: z.string(),
  name: z.string(),
  status: z.string(),
  input: z.string().nullish(),
  error: z.string().nullish(),
  cause: z.string().nullish(),
});
export type ExecutionStatusChange = z.infer<typeof ExecutionStatusChange>;

const REASONS: Record<(typeof ENDED_WITHOUT_FINALIZE)[number], string> = {
  ABORTED: "the execution was stopped",
  TIMED_OUT: "the execution timed out",
  FAILED: "the execution failed",
};

/**
 * Finalizes the operation of an execution that ended without Finalize; answers its final status, or
 * undefined when there is nothing to do (another status, a Distributed Map child execution, an operation
 * already finished or unknown). Safe to receive twice: a finished operation is left as it is.
 */
export async function finalizeEndedExecution(ctx: FleetContext, detail: unknown): Promise<{ status: OperationStatus } | undefined> {
  const parsed = ExecutionStatusChange.safeParse(detail);
  if (!parsed.success) return undefined;
  const execution = parsed.data;
  const status = ENDED_WITHOUT_FINALIZE.find((s) => s === execution.status);
  if (!status || !isOperationExecution(execution)) return undefined;
  const ref = refFromInput(execution) ?? (await unfinishedOperations(ctx)).find((op) => op.operation_id === execution.name);
  if (!ref) return undefined;
  const cause = [execution.error, execution.cause].filter(Boolean).join(": ");
  return finalizeOperation(ctx, { ...ref, failure: { Error: REASONS[status], ...(cause ? { Cause: cause } : {}) } });
}

/**
 * An operation's own execution is named after the operation. A Distributed Map's child executions (one per
 * batch of servers) carry the map run in their ARN (`…:execution:<machine>/<map run>:<name>`): their
 * failures are the parent's to handle.
 */
function isOperationExecution(execution: ExecutionStatusChange): boolean {
  const resource = execution.executionArn.split(":execution:")[1] ?? "";
  return isId(execution.name) && !resource.split(":")[0]!.includes("/");
}

/** The operation named in the execution's input (the event carries it unless it was too large to include). */
function refFromInput(execution: ExecutionStatusChange): OperationRef | undefined {
  try {
    const input = JSON.parse(execution.input ?? "") as Partial<OperationRef>;
    if (typeof input.organization_id === "string" && input.operation_id === execution.name) {
      return { organization_id: input.organization_id, operation_id: input.operation_id };
    }
  } catch {
    // no input in the event: look the operation up among the unfinished ones
  }
  return undefined;
}
