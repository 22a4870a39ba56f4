// The workflow port: how the domain starts the state machine that drives one bulk operation.

/** Identifies one bulk operation; the workflow's whole input. */
export interface OperationRef {
  organization_id: string;
  operation_id: string;
}

/**
 * Starts the operation's workflow (AWS: a Step Functions execution; locally: the same definition run
 * in-process). Starting an operation twice must not run it twice: adapters name the execution after the
 * operation, and the tasks themselves are idempotent per server.
 */
export interface OperationWorkflows {
  start(operation: OperationRef): Promise<void>;
}
