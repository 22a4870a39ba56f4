// What dynalite.ts changes in dynalite, over real dynalite on LevelDB: iterators closed, a Query's items
// and a batch read each in one LevelDB call with the same answers, table descriptions that follow a
// table's re-creation, and the same response checksums.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createTableInput, Table } from "@fleetplane/core";
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { startLocalDynamo, type LocalDynamo } from "./dynamo-server.js";
import { localDynamoClient } from "./table.js";

const require = createRequire(import.meta.url);
const fromDynalite = createRequire(require.resolve("dynalite"));
const level = fromDynalite("abstract-level") as {
  AbstractLevel: { prototype: { getMany(keys: string[]): Promise<unknown[]> } };
  AbstractValueIterator: { prototype: { close(): Promise<void>; nextv(size: number): Promise<unknown[]> } };
};

const dataDir = mkdtempSync(join(tmpdir(), "fleetplane-dynalite-"));
const getMany = vi.spyOn(level.AbstractLevel.prototype, "getMany");
let dynamo: LocalDynamo;
let client: DynamoDBClient;
let table: Table;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ path: dataDir });
  client = localDynamoClient(dynamo.endpoint);
  await createTable("fixes", createTableInput("fixes"));
  table = new Table({ client, tableName: "fixes" });
  await table.batchWrite(Array.from({ length: 60 }, (_, i) => ({ put: { pk: "P", sk: `S#${String(i).padStart(2, "0")}`, n: i } })));
});
afterAll(async () => {
  getMany.mockRestore();
  await dynamo.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function createTable(name: string, input: ConstructorParameters<typeof CreateTableCommand>[0]): Promise<void> {
  await client.send(new CreateTableCommand({ ...input, TableName: name }));
  await vi.waitFor(async () => {
    expect((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus).toBe("ACTIVE");
  });
}

test("every query that stops at its Limit closes its iterator", async () => {
  const close = vi.spyOn(level.AbstractValueIterator.prototype, "close");
  try {
    for (let i = 0; i < 20; i++) {
      const page = await table.query({ KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": "P" }, Limit: 5 });
      expect(page.items).toHaveLength(5);
      expect(page.lastKey).toBeDefined();
    }
    await vi.waitFor(() => expect(close.mock.calls.length).toBeGreaterThanOrEqual(20));
  } finally {
    close.mockRestore();
  }
});

test("a Query takes its page from LevelDB in one read, and a read to the partition's end in one more", async () => {
  const nextv = vi.spyOn(level.AbstractValueIterator.prototype, "nextv");
  try {
    const page = await table.query<{ n: number }>({
      KeyConditionExpression: "pk = :pk",
      FilterExpression: "n >= :from",
      ExpressionAttributeValues: { ":pk": "P", ":from": 10 },
      Limit: 40,
    });
    expect(page.items.map((item) => item.n)).toEqual(Array.from({ length: 30 }, (_, i) => i + 10));
    expect(page.scanned).toBe(40);
    expect(nextv.mock.calls).toEqual([[1_000]]);

    nextv.mockClear();
    const all = await table.queryAll<{ n: number }>({ KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": "P" } });
    expect(all.map((item) => item.n)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(nextv.mock.calls).toEqual([[1_000], [1_000]]);
  } finally {
    nextv.mockRestore();
  }
});

test("a BatchGetItem reads its keys in one LevelDB call and answers what single reads answer, missing keys left out", async () => {
  const present = Array.from({ length: 50 }, (_, i) => ({ pk: "P", sk: `S#${String(i).padStart(2, "0")}` }));
  const missing = Array.from({ length: 10 }, (_, i) => ({ pk: "P", sk: `GONE#${i}` }));
  getMany.mockClear();
  const batch = await table.batchGet<{ sk: string; n: number }>([...present, ...missing]);
  expect(getMany.mock.calls.map(([keys]) => keys.length)).toEqual([60]);
  const single = await Promise.all(present.map((key) => table.get(key)));
  expect(batch.sort((a, b) => a.n - b.n)).toEqual(single);
  expect(await table.get(missing[0]!)).toBeUndefined();
});

test("an item operation sees a table re-created with another key schema, not the description it read before", async () => {
  await createTable("recreated", { ...createTableInput("recreated") });
  const before = new Table({ client, tableName: "recreated" });
  await before.put({ Item: { pk: "A", sk: "1" } });
  expect(await before.get({ pk: "A", sk: "1" })).toEqual({ pk: "A", sk: "1" });

  await client.send(new DeleteTableCommand({ TableName: "recreated" }));
  await vi.waitFor(async () => {
    await expect(client.send(new DescribeTableCommand({ TableName: "recreated" }))).rejects.toThrow(/not found/);
  });
  await createTable("recreated", {
    TableName: "recreated",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  const after = new Table({ client, tableName: "recreated" });
  await after.put({ Item: { id: "only-a-hash-key" } });
  expect(await after.get({ id: "only-a-hash-key" } as never)).toEqual({ id: "only-a-hash-key" });
  await expect(after.get({ pk: "A", sk: "1" })).rejects.toThrow(/key element does not match the schema/);
});

test("response checksums are the CRC-32 dynalite computed before", () => {
  const checksum = fromDynalite("buffer-crc32") as { signed(data: string): number; unsigned(data: string): number };
  for (const body of ["", "{}", JSON.stringify({ Items: [{ name: { S: "prod-east-1 · 東京 · ✓" } }] }), "x".repeat(100_000)]) {
    expect(checksum.unsigned(body)).toBe(checksum.signed(body) >>> 0);
  }
});

test("a document nested deep enough to overflow dynalite's validator is refused as DynamoDB does, and the server keeps answering", async () => {
  const depth = 5_000;
  const value = `${'{"L":['.repeat(depth)}{"S":"leaf"}${"]}".repeat(depth)}`;
  const response = await fetch(dynamo.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "DynamoDB_20120810.PutItem",
      authorization: "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local",
      "x-amz-date": "20260101T000000Z",
    },
    body: `{"TableName":"fixes","Item":{"pk":{"S":"P"},"sk":{"S":"deep"},"v":${value}}}`,
  });
  expect(response.status).toBe(400);
  expect(((await response.json()) as { __type: string }).__type).toContain("ValidationException");
  expect(await table.get({ pk: "P", sk: "S#00" })).toMatchObject({ n: 0 });
  expect(await table.get({ pk: "P", sk: "deep" })).toBeUndefined();
});
