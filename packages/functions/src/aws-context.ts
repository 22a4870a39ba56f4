// The composition root for Lambda: the AWS adapters (DynamoDB, KMS, HTTPS agent client) behind the domain's ports,
// built once per container, each SDK client traced (tracing.ts), and the function's telemetry as the signals port.
// Adapters only some functions use are passed in by those entry points, so the other bundles neither carry nor
// load their SDK clients at cold start; KMS and the agents' client, which only some invocations call, load on
// their first use.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { OutboundHttp } from "@fleetplane/core/egress/outbound-http";
import { systemClock } from "@fleetplane/core/clock";
import { configFromEnv } from "@fleetplane/core/config";
import { onFirstUse } from "@fleetplane/core/on-first-use";
import type { FleetContext } from "@fleetplane/core/context";
import type { Telemetry } from "@fleetplane/core/observability/telemetry";
import { kmsCiphertextOutdated } from "@fleetplane/core/secrets/kms-ciphertext";
import { Table } from "@fleetplane/core/store";
import { traced } from "./tracing.js";

type Workflows = NonNullable<FleetContext["workflows"]>;
type ProbeQueue = NonNullable<FleetContext["probeQueue"]>;
type AgentClient = FleetContext["agents"];

export interface OptionalAdapters {
  /** Starts operations (the API): given the state machine's ARN when the stack sets one. */
  workflows?: (stateMachineArn: string) => Workflows;
  /** Sends probe batches (the API and the dispatcher): given the queue's URL when the stack sets one. */
  probeQueue?: (queueUrl: string) => ProbeQueue;
}

let context: FleetContext | undefined;

export function awsContext(telemetry: Telemetry, adapters: OptionalAdapters = {}): FleetContext {
  if (context) return context;
  const config = configFromEnv(process.env);
  const keyId = process.env.FLEETPLANE_KMS_KEY_ID;
  if (!keyId) throw new Error("Fleetplane configuration is invalid:\n  FLEETPLANE_KMS_KEY_ID: required in AWS");
  const { stateMachineArn } = config.operations;
  const { queueUrl } = config.probes;
  const table = new Table({ client: traced(new DynamoDBClient({})), tableName: config.tableName });
  const outbound = new OutboundHttp({ refuseNonRoutable: config.mode === "production" });
  context = {
    table,
    clock: systemClock,
    secrets: kmsSecrets(keyId, table),
    config,
    agents: agentClient(outbound),
    outbound,
    workflows: stateMachineArn && adapters.workflows ? adapters.workflows(stateMachineArn) : undefined,
    probeQueue: queueUrl && adapters.probeQueue ? adapters.probeQueue(queueUrl) : undefined,
    signals: telemetry,
  };
  return context;
}

/**
 * The agents' HTTPS client with its response schemas, loaded on the first agent call: the API calls agents only
 * when a check is asked for, and the probe and operation functions pay it once per container either way.
 */
function agentClient(outbound: OutboundHttp): AgentClient {
  const client = onFirstUse(async () => new (await import("@fleetplane/core/agents/http")).HttpAgentClient({ outbound }));
  return {
    health: async (target, options) => (await client()).health(target, options),
    metricsCurrent: async (target, options) => (await client()).metricsCurrent(target, options),
    metricsSince: async (target, cursor, options) => (await client()).metricsSince(target, cursor, options),
    runOperation: async (target, request, options) => (await client()).runOperation(target, request, options),
  };
}

/** The KMS secrets adapter, loaded when a token is first sealed or opened (most API requests never do). */
function kmsSecrets(keyId: string, table: Table): FleetContext["secrets"] {
  const adapter = onFirstUse(async () => (await import("./on-demand/kms-secrets.js")).kmsSecrets(keyId, table));
  return {
    encrypt: async (plaintext, binding) => (await adapter()).encrypt(plaintext, binding),
    decrypt: async (ciphertext, binding) => (await adapter()).decrypt(ciphertext, binding),
    outdated: kmsCiphertextOutdated,
  };
}
