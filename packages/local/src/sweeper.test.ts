// The TTL sweeper deletes what DynamoDB TTL would, and nothing else.
import { afterAll, beforeAll, expect, test } from "vitest";
import { Table } from "@fleetplane/core";
import { startLocalDynamo, type LocalDynamo } from "./dynamo/dynamo-server.js";
import { ensureTable, localDynamoClient } from "./dynamo/table.js";
import { sweepExpired } from "./sweeper.js";

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
