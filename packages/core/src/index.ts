// Fleetplane's domain: the public surface other packages (Lambda entry points, the local runtime) use.
export { createApi, API_BASE, type FleetRouter } from "./api/app.js";
export { router, errorResponses, json, jsonBody, IdParam, type ApiEnv } from "./api/env.js";
export { requireRole } from "./api/middleware/auth.js";
export { configFromEnv, FleetConfig } from "./config.js";
export { systemClock, epochSeconds, type Clock } from "./clock.js";
export type { Caller, FleetContext, Role } from "./context.js";
export * from "./errors.js";
export { newId, isId } from "./ids.js";
export { onFirstUse } from "./on-first-use.js";
export { KeyFileSecrets } from "./secrets/key-file-secrets.js";
export { KmsSecrets } from "./secrets/kms-secrets.js";
export type { Secrets } from "./secrets/secrets.js";
export { Table, TransactionRejected, type Item, type TransactItem } from "./store/table.js";
export { CapacityMeter } from "./store/capacity.js";
export { keys, shardOf, OUTBOX_PREFIX } from "./store/keys.js";
export * from "./store/table-definition.js";
export { createTableInput } from "./store/create-table.js";
export { ensureBootstrapKey, createOrganization } from "./auth/organizations.js";
export { checkChosenKey, createApiKey, hashKey, DEFAULT_ORGANIZATION_ID, MIN_CHOSEN_KEY_CHARS } from "./auth/api-keys.js";
export { registerServer, getServer, getServerItem, updateServer, onServerPurged } from "./servers/registry.js";
export { listServers, allServers } from "./servers/listing.js";
export type { Server } from "./servers/schema.js";
export { inCurrentLayout, ITEM_LAYOUT_VERSION, type ServerItem } from "./servers/server-item.js";
export { resolveGroupMembers, getGroup, requireServers } from "./groups/groups.js";
export { checkConsistency, type ConsistencyReport } from "./consistency/consistency-check.js";
export { findProblems, type Problem, type ProblemKind } from "./consistency/invariants.js";
export { contributeToSummary } from "./summary/fleet-summary.js";
export { summaryRefreshesSettled } from "./probes/fleet-health.js";
export { delta as summaryDelta, summaryUpdate, type Countable } from "./summary/counters.js";
export {
  fleetEvent,
  outboxPut,
  outboxItem,
  outboxItems,
  eventsFromOutbox,
  DETAIL_TYPES,
  EVENT_SOURCE,
  type FleetEvent,
  type DetailType,
} from "./events/fleet-event.js";
export type { EventPublisher } from "./events/publisher.js";
export { listEvents, EventFeedQuery, type EventFeed } from "./events/event-feed.js";
export { eventStreamRoute } from "./api/routes/events.js";
export { wireEvent, type WireEvent } from "./events/fleet-event.js";
export { EventBridgePublisher } from "./events/eventbridge-publisher.js";
export { OutboxRelay, RELAY_SETTLE_MS } from "./events/outbox-relay.js";
export type { AgentClient, AgentTarget, AgentResult, AgentFailure, AgentCallOptions } from "./agents/agent-client.js";
export { HttpAgentClient, type HttpAgentClientOptions } from "./agents/http-agent-client.js";
export { OutboundHttp, OutboundFailure, type OutboundHttpOptions } from "./egress/outbound-http.js";
export { systemResolver, type HostResolver } from "./egress/routable-address.js";
export { agentTarget } from "./agents/agent-target.js";
export * from "./agents/protocol.js";
export {
  operationStateMachine,
  withTaskResources,
  TASK_FUNCTIONS,
  TASK_STATES,
  AGENT_RETRY,
  CANCEL_DRAIN_RETRY,
  type TaskName,
  type StateMachineDefinition,
} from "./operations/workflow/definition.js";
export { OPERATION_TASKS, unfinishedOperations } from "./operations/workflow/tasks.js";
export { OperationCancelled, ServersStillRunning } from "./operations/workflow/workflow-errors.js";
export { ENDED_WITHOUT_FINALIZE, finalizeEndedExecution } from "./operations/workflow/execution-ended.js";
export type { OperationRef, OperationWorkflows } from "./operations/workflow/workflows.js";
export { StepFunctionsWorkflows } from "./operations/workflow/step-functions-workflows.js";
export { AgentUnavailable } from "./operations/kinds/kind.js";
export { INLINE_MAP_MAX_ITEMS, INLINE_MAP_MAX_CONCURRENCY } from "./operations/limits.js";
export type { Operation, OperationCreate, OperationTarget } from "./operations/schema.js";
export { ProbeSettings, MetricsRetention, AlertSettings, type ConfigOverrides } from "./config.js";
export { probeTarget, type ProbeBatch, type ProbeQueue, type ProbeTarget, type ProbeGroupWork } from "./probes/probe-batch.js";
export { groupOf, groupsFor, loadProbeLayout, LEGACY_GROUPS, type ProbeLayout } from "./probes/probe-layout.js";
export { dispatchProbes, dispatchMinute, planProbes, activeProbeGroups, type Dispatched } from "./probes/dispatch.js";
export { runProbeBatch } from "./probes/probe-worker.js";
export { backoffSeconds } from "./probes/health-state.js";
export { aggregate, FIELDS, PERIOD_SECONDS, type Period } from "./probes/metrics-point.js";
export { SqsProbeQueue } from "./probes/sqs-probe-queue.js";
export { enqueueDeliveries, deliverDue } from "./webhooks/deliveries.js";
export { verifySignature, signatureHeader } from "./webhooks/signature.js";
