// Lambda entry point for the rule on the operations state machine's "Execution Status Change" events: an
// execution that ended without its Finalize state (stopped by hand, timed out, failed) finalizes its operation.
import { finalizeEndedExecution } from "@fleetplane/core/operations/execution-ended";
import { awsContext } from "./aws-context.js";

const ctx = awsContext();

export const handler = async (event: { detail?: unknown }): Promise<void> => {
  await finalizeEndedExecution(ctx, event.detail);
};
