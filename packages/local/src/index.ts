// The local runtime's public surface: start a whole Fleetplane on 127.0.0.1 in-process.
export { startLocalFleetplane, type LocalFleetplane, type LocalOptions } from "./runtime.js";
export { LocalEventBus, type EventPattern } from "./bus/local-bus.js";
export { startLocalDynamo, type LocalDynamo } from "./dynamo/dynamo-server.js";
export { localDynamoClient, ensureTable } from "./dynamo/table.js";
export { sweepExpired, rollingSweep, SWEEP_SEGMENTS } from "./sweeper.js";
export { Timer } from "./timer.js";
export { LocalOperationWorkflows, type LocalWorkflowOptions } from "./operations/local-workflows.js";
