// Errors a task raises for the state machine to act on (its Catch and Retry name them), not failures of a server.

/**
 * Raised by "Run on server" for a target still pending once a cancel is under way: the iteration ends in a
 * Fail state, which ends the Map, so no further target starts and the rest cost nothing until Finalize.
 */
export class OperationCancelled extends Error {
  static readonly errorName = "Fleetplane.OperationCancelled";
  constructor(operationId: string) {
    super(`operation ${operationId} was cancelled`);
    this.name = OperationCancelled.errorName;
  }
}

/**
 * Raised by "Finalize operation" while a cancelled operation still has servers mid-call (their Lambda runs on
 * after the Map ended, and records its own result): Finalize is retried until they are done or overdue.
 */
export class ServersStillRunning extends Error {
  static readonly errorName = "Fleetplane.ServersStillRunning";
  constructor(count: number) {
    super(`${count} servers are still running`);
    this.name = ServersStillRunning.errorName;
  }
}
