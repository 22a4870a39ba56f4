// Lambda entry point for the bulk-operation state machine's "Record result" task: the domain task function, nothing else.
import { OPERATION_TASKS } from "@fleetplane/core/operations/tasks";
import { awsContext } from "./aws-context.js";

const ctx = awsContext();

export const handler = (input: unknown): Promise<unknown> => OPERATION_TASKS.recordResult(ctx, input);
