// Runs bundled Lambda handlers as the Lambda runtime would: the deployed environment, a fresh module instance
// per cold start, the runtime's context object, and AWS-shaped events; DynamoDB is dynalite, the services with no
// local emulator answer through aws-endpoint.ts.
import { createHash, randomUUID } from "node:crypto";
import { registrationOf, type Simulator } from "@fleetplane/agent/simulator";
import { vi } from "vitest";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Table } from "@fleetplane/core";
import { ensureTable, localDynamoClient, startLocalDynamo, type LocalDynamo } from "@fleetplane/local";
import { currentHandlerBundles, type HandlerBundle } from "../support/handler-bundles.js";
import { startAwsEndpoint, type AwsEndpoint } from "./aws-endpoint.js";
import { mockAwsServices, type AwsServices } from "./aws-services.js";

export const TABLE_NAME = "fleetplane-test-Storage-Table";
/** The probe queue's path; its URL names the endpoint that stands in for SQS, as the SDK sends to the queue URL's host. */
const QUEUE_PATH = "/000000000000/fleetplane-test-ProbeQueue";
export const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:fleetplane-test-operations";
export const BUS_NAME = "fleet-test";
/** Where SST keeps the platform key for app `fleetplane`, stage `test` (see packages/functions/src/sst-secret.ts). */
export const ADMIN_KEY_PARAMETER = "/sst/fleetplane/test/Secret/FLEETPLANE_ADMIN_API_KEY/value";

type Handler = (event: unknown, context: LambdaContext) => Promise<any>;

export interface LambdaContext {
  functionName: string;
  awsRequestId: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  getRemainingTimeInMillis(): number;
  callbackWaitsForEmptyEventLoop: boolean;
}

export interface HandlerWorld {
  aws: AwsServices;
  /** The table, read directly for assertions. */
  table: Table;
  /** Every item in the table (small test tables only). */
  scan(): Promise<Array<Record<string, unknown>>>;
  adminKey: string;
  bundles: Map<string, HandlerBundle>;
  /** A new container of the handler: its bundle imported afresh, so module state (caches, clients) starts empty. */
  coldStart(name: string): Promise<Handler>;
  /** Invokes the handler in its current container (cold-starting one first if there is none). */
  invoke(name: string, event: unknown): Promise<any>;
  close(): Promise<void>;
}

let containers = 0;

/** The environment the stacks give every function (stage `test`, production mode unless a test allows local http agents). */
function lambdaEnvironment(dynamo: LocalDynamo, aws: AwsEndpoint, mode: "production" | "development"): Record<string, string> {
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_LAMBDA_FUNCTION_NAME: "fleetplane-test",
    AWS_NODEJS_CONNECTION_REUSE_ENABLED: "1",
    // dynalite stands in for DynamoDB through the SDK's own endpoint setting; the handler code is unchanged.
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    SST_APP: "fleetplane",
    SST_STAGE: "test",
    SST_SSM_PREFIX: "/sst/fleetplane/test/",
    SST_Secret_value_FLEETPLANE_ADMIN_API_KEY: "__FETCH_FROM_SSM__",
    FLEETPLANE_MODE: mode,
    FLEETPLANE_TABLE_NAME: TABLE_NAME,
    FLEETPLANE_KMS_KEY_ID: "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555",
    FLEETPLANE_EVENT_BUS_NAME: BUS_NAME,
    FLEETPLANE_STATE_MACHINE_ARN: STATE_MACHINE_ARN,
    FLEETPLANE_PROBE_QUEUE_URL: `${aws.url}${QUEUE_PATH}`,
    ...aws.environment,
    // Quieter than the deployed default (INFO); a test that reads INFO or DEBUG lines raises it before a cold start.
    FLEETPLANE_LOG_LEVEL: "WARN",
  };
}

export interface WorldOptions {
  /** `development` lets agents on http://127.0.0.1 (the simulator) be registered and probed. */
  mode?: "production" | "development";
  /** More environment, as a stack would set it (a probe setting, say). */
  env?: Record<string, string>;
}

export async function startHandlerWorld(options: WorldOptions = {}): Promise<HandlerWorld> {
  const [bundleList, dynamo, endpoint] = await Promise.all([currentHandlerBundles(), startLocalDynamo(), startAwsEndpoint()]);
  const client = localDynamoClient(dynamo.endpoint);
  await ensureTable(client, TABLE_NAME);
  const saved = { ...process.env };
  Object.assign(process.env, lambdaEnvironment(dynamo, endpoint, options.mode ?? "production"), options.env);
  const aws = mockAwsServices();
  const adminKey = `fp_admin_${randomUUID().replaceAll("-", "")}`;
  aws.parameters.set(ADMIN_KEY_PARAMETER, adminKey);
  const bundles = new Map(bundleList.map((b) => [b.name, b]));
  const sandboxes = mkdtempSync(join(tmpdir(), "fleetplane-lambda-"));
  const warm = new Map<string, Handler>();

  const coldStart = async (name: string): Promise<Handler> => {
    const bundle = bundles.get(name);
    if (!bundle) throw new Error(`no deployed handler ${name}`);
    // A container of its own: the entry and its chunks copied to a new directory, so no module (a chunk's
    // cached context, the logger's cold-start flag) is shared with an earlier container of this process.
    const container = join(sandboxes, `${name}-${++containers}`);
    mkdirSync(container);
    for (const file of bundle.files.flatMap((f) => [f, `${f}.map`]).filter((f) => existsSync(f))) copyFileSync(file, join(container, basename(file)));
    const module = (await import(pathToFileURL(join(container, basename(bundle.file))).href)) as { handler: Handler };
    warm.set(name, module.handler);
    return module.handler;
  };

  return {
    aws,
    table: new Table({ client, tableName: TABLE_NAME }),
    async scan() {
      const out = await client.send(new ScanCommand({ TableName: TABLE_NAME, ConsistentRead: true }));
      return (out.Items ?? []).map((item) => unmarshall(item));
    },
    adminKey,
    bundles,
    coldStart,
    async invoke(name, event) {
      const handler = warm.get(name) ?? (await coldStart(name));
      return handler(event, lambdaContext(name));
    },
    async close() {
      aws.restore();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      client.destroy();
      await Promise.all([dynamo.close(), endpoint.close()]);
      rmSync(sandboxes, { recursive: true, force: true });
    },
  };
}

export function lambdaContext(name: string): LambdaContext {
  const deadline = Date.now() + 30_000;
  return {
    functionName: `fleetplane-test-${name}`,
    awsRequestId: randomUUID(),
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:fleetplane-test-${name}`,
    memoryLimitInMB: "512",
    getRemainingTimeInMillis: () => deadline - Date.now(),
    callbackWaitsForEmptyEventLoop: true,
  };
}

/** An API Gateway HTTP API (payload format 2.0) request on the `ANY /api/{proxy+}` route. */
export function httpApiEvent(
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; query?: string; headers?: Record<string, string> } = {},
): Record<string, unknown> {
  const headers: Record<string, string> = {
    host: "abc123.execute-api.us-east-1.amazonaws.com",
    "user-agent": "fleetplane-handler-test",
    "x-forwarded-for": "203.0.113.7",
    "x-forwarded-proto": "https",
    ...options.headers,
  };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined) headers["content-type"] = "application/json";
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "ANY /api/{proxy+}",
    rawPath: path,
    rawQueryString: options.query ?? "",
    headers,
    requestContext: {
      accountId: "000000000000",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "fleetplane-handler-test" },
      requestId: randomUUID(),
      routeKey: "ANY /api/{proxy+}",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    pathParameters: { proxy: path.replace(/^\/api\//, "") },
    ...(options.query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(options.query)) } : {}),
    ...(body !== undefined ? { body, isBase64Encoded: false } : { isBase64Encoded: false }),
  };
}

/** An SQS event source batch, one record per message body, as Lambda delivers it. */
export function sqsEvent(messages: Array<{ id: string; body: string }>): { Records: Array<Record<string, unknown>> } {
  return {
    Records: messages.map(({ id, body }) => ({
      messageId: id,
      receiptHandle: `rh-${id}`,
      body,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: String(Date.now()),
        SenderId: "AROAEXAMPLE:fleetplane-test-dispatcher",
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: createHash("md5").update(body).digest("hex"),
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:fleetplane-test-ProbeQueue",
      awsRegion: "us-east-1",
    })),
  };
}

/** The default notification EventBridge Scheduler delivers to a Lambda target given no input. */
export function schedulerEvent(time: Date): Record<string, unknown> {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.scheduler",
    account: "000000000000",
    time: time.toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: "us-east-1",
    resources: ["arn:aws:scheduler:us-east-1:000000000000:schedule/default/fleetplane-test-ProbeSchedule"],
    detail: "{}",
  };
}

/** The body of an HTTP API response, parsed as JSON. */
export function jsonOf(response: { body?: string; isBase64Encoded?: boolean }): any {
  const text = response.isBase64Encoded ? Buffer.from(response.body ?? "", "base64").toString() : (response.body ?? "");
  return text ? JSON.parse(text) : undefined;
}

/** Registers every simulated server through the bundled API (201 each) and returns their ids in the simulator's order. */
export async function registerSimulatedServers(world: HandlerWorld, simulator: Simulator): Promise<string[]> {
  const ids: string[] = [];
  for (const server of simulator.servers) {
    const response = await world.invoke(
      "api",
      httpApiEvent("POST", "/api/v1/fleet/servers", { key: world.adminKey, body: registrationOf(server) }),
    );
    if (response.statusCode !== 201) throw new Error(`registering ${server.name}: ${response.statusCode} ${response.body}`);
    ids.push(jsonOf(response).id);
  }
  return ids;
}

/** JSON lines written to stdout (where Lambda collects logs and EMF metrics) until `restore`. */
export function captureStdout(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(
      ...String(chunk)
        .split("\n")
        .filter((line) => line.startsWith("{")),
    );
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}
