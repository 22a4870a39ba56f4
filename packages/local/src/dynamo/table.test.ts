// A data dir written by an earlier Fleetplane (other indexes, or an older item layout) is rebuilt on start:
// nothing is lost, and servers gain the index keys and tag entries they lacked.
import { afterAll, beforeAll, expect, test } from "vitest";
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTableInput, INDEXES, ITEM_LAYOUT_VERSION, keys, Table } from "@fleetplane/core";
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
    status: "active",
    tags: ["web"],
    search_text: "s-1",
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
  expect(await table.get(keys.serverTag("o1", "web", "s-1"))).toMatchObject({ entity: "server_tag", status: "active", tags: ["web"] });
});

test("a table of the first item layout (current indexes, no tag entries) gains its servers' tag entries and full name guards on start", async () => {
  await client.send(new CreateTableCommand(createTableInput("layout-1")));
  await ensureTableActive("layout-1");
  const table = new Table({ client, tableName: "layout-1" });
  const server = (id: string, tags: string[]) => ({
    ...keys.server("o1", id),
    entity: "server",
    id,
    name: `Name-${id}`,
    organization_id: "o1",
    environment: null,
    region: "eu-west-1",
    status: "maintenance",
    tags,
    search_text: id,
    placement: keys.placement("o1", null, "eu-west-1"),
  });
  // A tag entry left over from nowhere is dropped: entries are made anew from their servers.
  const stray = { ...keys.serverTag("o1", "gone", "s-9"), entity: "server_tag", status: "active", tags: ["gone"], search_text: "" };
  // A name guard of the older layout carries only the server id; it is made anew with the filter fields.
  const bareGuard = { ...keys.serverName("o1", "Name-s-1"), entity: "server_name", server_id: "s-1" };
  await table.batchWrite([{ put: server("s-1", ["web", "db"]) }, { put: server("s-2", []) }, { put: stray }, { put: bareGuard }]);

  await ensureTable(client, "layout-1");

  const entries = async (tag: string) =>
    (await table.queryAll({ KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.tagPartition("o1", tag) } })).map(
      (i) => [i.sk, i.status, i.region],
    );
  expect(await entries("web")).toEqual([[keys.server("o1", "s-1").sk, "maintenance", "eu-west-1"]]);
  expect(await entries("db")).toEqual([[keys.server("o1", "s-1").sk, "maintenance", "eu-west-1"]]);
  expect(await entries("gone")).toEqual([]);
  expect(await table.get(keys.serverName("o1", "name-s-1"))).toMatchObject({
    entity: "server_name",
    server_id: "s-1",
    status: "maintenance",
    region: "eu-west-1",
    environment: null,
    tags: ["web", "db"],
  });
  expect(await table.get(keys.serverName("o1", "name-s-2"))).toMatchObject({ server_id: "s-2", tags: [] });
  expect((await table.get(keys.layoutMarker()))?.version).toBe(ITEM_LAYOUT_VERSION);
});

async function ensureTableActive(name: string) {
  for (let i = 0; i < 1000; i++) {
    const { Table: t } = await client.send(new DescribeTableCommand({ TableName: name })).catch(() => ({ Table: undefined }));
    if (t?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${name} not active`);
}
