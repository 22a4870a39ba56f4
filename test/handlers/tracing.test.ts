// X-Ray tracing of AWS SDK calls: on by Powertools' rule, each call of a sampled invocation is one subsegment sent
// over UDP to the daemon (here a socket on 127.0.0.1), and the service is told the trace in X-Amzn-Trace-Id.
import { createSocket, type Socket } from "node:dgram";
import { CreateTableCommand, GetItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { localDynamoClient, startLocalDynamo, type LocalDynamo } from "@fleetplane/local";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { traceSdkCalls, tracingEnabled, xrayDaemon, type TraceContext } from "../../packages/functions/src/tracing.js";

const LAMBDA = { AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x" };
const ROOT = "1-5759e988-bd862e3fe1be46a994272793";
const PARENT = "53995c3f42cd8ad8";

let dynamo: LocalDynamo;
let daemon: Socket;
const datagrams: string[] = [];
let arrived: () => void = () => {};

/** Resolves once `count` datagrams have reached the daemon socket in all. */
function datagramsReach(count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (datagrams.length >= count ? resolve() : (arrived = check));
    check();
  });
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  daemon = createSocket("udp4");
  daemon.on("message", (message) => {
    datagrams.push(message.toString());
    arrived();
  });
  await new Promise<void>((resolve) => daemon.bind(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  daemon?.close();
  await dynamo?.close();
});

describe("SDK call tracing", () => {
  test("is on in Lambda unless POWERTOOLS_TRACE_ENABLED is false, and off outside Lambda and in SAM local", () => {
    expect(tracingEnabled(LAMBDA)).toBe(true);
    expect(tracingEnabled({ ...LAMBDA, POWERTOOLS_TRACE_ENABLED: "FALSE" })).toBe(false);
    expect(tracingEnabled({ ...LAMBDA, AWS_SAM_LOCAL: "true" })).toBe(false);
    expect(tracingEnabled({})).toBe(false);
  });

  test("each call of a sampled invocation is one subsegment under the function's segment, and the service gets the trace", async () => {
    let trace: TraceContext | undefined = { root: ROOT, parent: PARENT, sampled: false };
    const client: DynamoDBClient = localDynamoClient(dynamo.endpoint);
    const headers: Array<string | undefined> = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        headers.push((args.request as { headers: Record<string, string> }).headers["X-Amzn-Trace-Id"]);
        return next(args);
      },
      { step: "finalizeRequest", name: "recordTraceHeader" },
    );
    traceSdkCalls(client, xrayDaemon(`udp:127.0.0.1:${daemon.address().port} tcp:127.0.0.1:2000`), () => trace);

    // Not sampled: no subsegment. Then a sampled call that succeeds and one the service refuses.
    await client.send(new CreateTableCommand(TABLE));
    trace = { ...trace, sampled: true };
    await client.send(new CreateTableCommand({ ...TABLE, TableName: "traced-two" }));
    await expect(
      client.send(new GetItemCommand({ TableName: "no-such-table", Key: { pk: { S: "a" }, sk: { S: "b" } } })),
    ).rejects.toThrow();
    await datagramsReach(2);

    const [succeeded, refused] = datagrams.map((datagram) => {
      const [header, body] = datagram.split("\n");
      expect(JSON.parse(header!)).toEqual({ format: "json", version: 1 });
      return JSON.parse(body!) as Record<string, any>;
    });
    expect(datagrams).toHaveLength(2);
    expect(succeeded).toMatchObject({
      name: "DynamoDB",
      type: "subsegment",
      namespace: "aws",
      trace_id: ROOT,
      parent_id: PARENT,
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      aws: { operation: "CreateTable", region: "us-east-1", table_name: "traced-two", retries: 0 },
      http: { response: { status: 200 } },
    });
    expect(succeeded!.end_time).toBeGreaterThanOrEqual(succeeded!.start_time);
    expect(succeeded).not.toHaveProperty("fault");
    expect(refused).toMatchObject({
      aws: { operation: "GetItem", table_name: "no-such-table" },
      http: { response: { status: 400 } },
      error: true,
    });
    // Only sampled calls carry the trace on to the service, each with its own subsegment as parent.
    expect(headers[0]).toBeUndefined();
    expect(headers[1]).toBe(`Root=${ROOT};Parent=${succeeded!.id};Sampled=1`);
    client.destroy();
  });
});

const TABLE = {
  TableName: "traced-one",
  KeySchema: [
    { AttributeName: "pk", KeyType: "HASH" as const },
    { AttributeName: "sk", KeyType: "RANGE" as const },
  ],
  AttributeDefinitions: [
    { AttributeName: "pk", AttributeType: "S" as const },
    { AttributeName: "sk", AttributeType: "S" as const },
  ],
  BillingMode: "PAY_PER_REQUEST" as const,
};
