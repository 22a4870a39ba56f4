// A data dir written by an earlier Fleetplane (other indexes) is rebuilt on start: nothing is lost and
// servers gain the index keys they lacked.
import { afterAll, beforeAll, expect, test } from "vitest";
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTableInput, INDEXES, keys, Table } from "@fleetplane/core";
import { startLocalDynamo, type LocalDynamo } from "./dynamo-server.js";
import { ensureTable, localDynamoClient } from "./table.js";

let dynamo: LocalDynamo;
let client: DynamoDBClient;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  client = localDynamoClient(dynamo.endpoint);
});
afterAll(() => dynamo.close());

test("a table with outdated indexes is rebuilt with every item, servers given their placement key", async () => {
  const current = createTableInput("old-layout");
  const outdated = {
    ...current,
    GlobalSecondaryIndexes: current
      .GlobalSecondaryIndexes!.filter((i) => i.IndexName !== INDEXES.placement.name)
      .map((i) => ({
        ...i,
        Projection: { ProjectionType: "ALL" as const },
      })),
  };
  await client.send(new CreateTableCommand(outdated));
  await ensureTableActive("old-layout");
  const table = new Table({ client, tableName: "old-layout" });
  const server = {
    ...keys.server("o1", "s-1"),
    entity: "server",
    id: "s-1",
    organization_id: "o1",
    environment: "production",
    region: null,
  };
  await table.batchWrite([
    { put: server },
    ...Array.from({ length: 600 }, (_, i) => ({ put: { pk: "OTHER", sk: String(i).padStart(4, "0"), n: i } })),
  ]);

  await ensureTable(client, "old-layout");

  const { Table: described } = await client.send(new DescribeTableCommand({ TableName: "old-layout" }));
  expect(described?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
    Object.values(INDEXES)
      .map((i) => i.name)
      .sort(),
  );
  expect((await table.queryAll({ KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": "OTHER" } })).length).toBe(600);
  const placed = await table.query({
    IndexName: INDEXES.placement.name,
    KeyConditionExpression: "placement = :p",
    ExpressionAttributeValues: { ":p": keys.placement("o1", "production", null) },
  });
  expect(placed.items.map((i) => i.sk)).toEqual([server.sk]);

  await ensureTable(client, "old-layout"); // up to date now: nothing to do
  expect((await table.get(keys.server("o1", "s-1")))?.placement).toBe(keys.placement("o1", "production", null));
});

async function ensureTableActive(name: string) {
  for (let i = 0; i < 1000; i++) {
    const { Table: t } = await client.send(new DescribeTableCommand({ TableName: name })).catch(() => ({ Table: undefined }));
    if (t?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${name} not active`);
}
