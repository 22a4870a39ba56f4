// The composition root for Lambda: the AWS adapters (DynamoDB, KMS, HTTPS agent client) behind the domain's ports, built once per container.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { configFromEnv, HttpAgentClient, KmsSecrets, systemClock, Table, type FleetContext } from "@fleetplane/core";

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
    agents: new HttpAgentClient(),
  };
  return context;
}
