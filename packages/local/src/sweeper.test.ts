// The TTL sweeper deletes what DynamoDB TTL would, and nothing else.
import { afterAll, beforeAll, expect, test } from "vitest";
import { Table } from "@fleetplane/core";
import { startLocalDynamo, type LocalDynamo } from "./dynamo/dynamo-server.js";
import { ensureTable, localDynamoClient } from "./dynamo/table.js";
import { rollingSweep, sweepExpired, SWEEP_SEGMENTS } from "./sweeper.js";

let dynamo: LocalDynamo;
let table: Table;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  const client = localDynamoClient(dynamo.endpoint);
  await ensureTable(client, "sweep-test");
  table = new Table({ client, tableName: "sweep-test" });
});
afterAll(() => dynamo.close());

test("items whose expires_at has passed are deleted; live and TTL-less items stay", async () => {
  const now = 1_900_000_000;
  await table.batchWrite([
    ...Array.from({ length: 60 }, (_, i) => ({ put: { pk: "S", sk: `expired-${i}`, expires_at: now - 1 - i } })),
    { put: { pk: "S", sk: "live", expires_at: now + 10 } },
    { put: { pk: "S", sk: "forever" } },
  ]);
  expect(await sweepExpired(table, now)).toBe(60);
  const raw = await table.doc.send(
    new (await import("@aws-sdk/lib-dynamodb")).QueryCommand({
      TableName: table.name,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": "S" },
    }),
  );
  expect(raw.Items?.map((i) => i.sk).sort()).toEqual(["forever", "live"]);
});

test("a rolling sweep covers the whole table once every SWEEP_SEGMENTS runs, a segment at a time", async () => {
  const now = 1_900_000_000;
  await table.batchWrite(Array.from({ length: 400 }, (_, i) => ({ put: { pk: `R${i}`, sk: "x", expires_at: now - 1 } })));
  const sweep = rollingSweep(table, () => now * 1000);
  const removed: number[] = [];
  for (let run = 0; run < SWEEP_SEGMENTS; run++) removed.push(await sweep());
  expect(removed.reduce((a, b) => a + b, 0)).toBe(400);
  expect(Math.max(...removed)).toBeLessThan(100); // spread out, not one whole-table pass
  expect(await sweep()).toBe(0);
});
