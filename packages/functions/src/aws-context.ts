// The composition root for Lambda: the AWS adapters (DynamoDB, KMS, HTTPS agent client) behind the domain's ports, built once per container.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  configFromEnv,
  HttpAgentClient,
  KmsSecrets,
  StepFunctionsWorkflows,
  SqsProbeQueue,
  systemClock,
  Table,
  type FleetContext,
} from "@fleetplane/core";

let context: FleetContext | undefined;

export function awsContext(): FleetContext {
  if (context) return context;
  const config = configFromEnv(process.env);
  const keyId = process.env.FLEETPLANE_KMS_KEY_ID;
  if (!keyId) throw new Error("Fleetplane configuration is invalid:\n  FLEETPLANE_KMS_KEY_ID: required in AWS");
  context = {
    table: new Table({ client: new DynamoDBClient({}), tableName: config.tableName }),
    clock: systemClock,
    secrets: new KmsSecrets(keyId),
    config,
    agents: new HttpAgentClient({ refuseNonRoutable: config.mode === "production" }),
    // Only the API starts bulk operations; the Operations stack gives it the state machine's ARN.
    workflows: config.operations.stateMachineArn ? new StepFunctionsWorkflows(config.operations.stateMachineArn) : undefined,
    // The dispatcher and the API (POST /health-check/all) send probe batches; the Probes stack gives them the queue.
    probeQueue: config.probes.queueUrl ? new SqsProbeQueue(config.probes.queueUrl) : undefined,
  };
  return context;
}
