// Api stack: the HTTP API in front of the Hono Lambda, with least-privilege access to the table and the token key.
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { NagSuppressions } from "cdk-nag";
import { Api as HttpApi, Config, Function, use, type StackContext } from "sst/constructs";
import { API_CORS_MAX_AGE, API_FUNCTION, API_THROTTLE, LAMBDA_CONCURRENCY } from "./settings.js";
import { CONSOLE_CONFIG_FILE, REVALIDATE, type ConsoleConfig } from "../packages/local/src/console-headers.js";
import { Console } from "./Console.js";
import { logRetentionDays, sstRetention } from "./log-groups.js";
import { Events } from "./Events.js";
import { Operations } from "./Operations.js";
import { Probes } from "./Probes.js";
import { Storage } from "./Storage.js";

export function Api({ stack }: StackContext) {
  const storage = use(Storage);
  const { bus } = use(Events);
  const consoleSite = use(Console);

  // The platform (bootstrap) admin key; set per stage with `npx sst secrets set FLEETPLANE_ADMIN_API_KEY <key>`.
  const adminApiKey = new Config.Secret(stack, "FLEETPLANE_ADMIN_API_KEY");

  const environment: Record<string, string> = {
    FLEETPLANE_MODE: "production",
    FLEETPLANE_TABLE_NAME: storage.table.tableName,
    FLEETPLANE_KMS_KEY_ID: storage.agentTokenKey.keyArn,
    // Informational only: writes reach the bus through the outbox, so the API holds no PutEvents right.
    FLEETPLANE_EVENT_BUS_NAME: bus.eventBusName,
    // A requested max_concurrency above this is lowered to it when the operation is created.
    FLEETPLANE_OPERATION_MAX_SERVERS_IN_FLIGHT: String(LAMBDA_CONCURRENCY.operationServersInFlight),
  };

  // Bulk operations: the API starts one execution of the Operations state machine per operation.
  const { stateMachine } = use(Operations);
  environment.FLEETPLANE_STATE_MACHINE_ARN = stateMachine.stateMachineArn;

  // Probes: POST /health-check/all queues batches for the probe workers.
  const { queue: probeQueue } = use(Probes);
  environment.FLEETPLANE_PROBE_QUEUE_URL = probeQueue.queueUrl;

  const handler = new Function(stack, "ApiFunction", {
    handler: "packages/functions/src/api.handler",
    description: "Fleetplane HTTP API (Hono)",
    memorySize: API_FUNCTION.memorySize,
    timeout: API_FUNCTION.timeout,
    environment,
    // Binding a secret grants ssm:GetParameters on that one parameter and nothing else.
    bind: [adminApiKey],
    reservedConcurrentExecutions: LAMBDA_CONCURRENCY.reserved.api,
  });
  storage.grantTableReadWrite(handler);
  storage.grantTokenSealing(handler);
  storage.grantTokenUnsealing(handler);
  // states:StartExecution on this one state machine, nothing else of Step Functions.
  stateMachine.grantStartExecution(handler);
  probeQueue.grantSendMessages(handler);

  const api = new HttpApi(stack, "Api", {
    // Bearer keys, not cookies: credentials stay off, so CORS only decides which pages may read answers.
    cors: {
      allowOrigins: consoleSite.origins,
      allowMethods: ["ANY"],
      allowHeaders: ["authorization", "content-type"],
      allowCredentials: false,
      maxAge: API_CORS_MAX_AGE,
    },
    defaults: { throttle: API_THROTTLE },
    // SST's JSON access log of every request, kept as long as every other log group.
    accessLog: { retention: sstRetention(logRetentionDays()) },
    routes: {
      "ANY /api/{proxy+}": handler,
    },
  });

  NagSuppressions.addResourceSuppressions(
    api,
    [{ id: "AwsSolutions-APIG4", reason: "Every request is authorized by the app: a Bearer API key checked per organization and role" }],
    true,
  );

  // The console reads config.json at start, so an operator only pastes a key. Written here, not by the Console
  // stack, because the API's URL exists only once this stack does.
  const consoleConfig: ConsoleConfig = { api_url: api.url };
  new s3deploy.BucketDeployment(stack, "ConsoleConfig", {
    sources: [s3deploy.Source.jsonData(CONSOLE_CONFIG_FILE, consoleConfig)],
    destinationBucket: consoleSite.bucket,
    cacheControl: [s3deploy.CacheControl.fromString(REVALIDATE)],
    prune: false,
  });

  stack.addOutputs({ ApiUrl: api.url });

  return { api, handler };
}
