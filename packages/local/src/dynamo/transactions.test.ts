// The transaction coordinator over real dynalite: all-or-nothing, conditions, and TransactionCanceled reasons.
import { afterAll, beforeAll, expect, test } from "vitest";
import { TransactionRejected, Table } from "@fleetplane/core";
import { dynamoCall, startLocalDynamo, type LocalDynamo } from "./dynamo-server.js";
import { TransactionCoordinator, type DynamoCall } from "./transactions.js";
import { ensureTable, localDynamoClient } from "./table.js";

let dynamo: LocalDynamo;
let table: Table;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  const client = localDynamoClient(dynamo.endpoint);
  await ensureTable(client, "tx-test");
  table = new Table({ client, tableName: "tx-test" });
});
afterAll(() => dynamo.close());

test("a transaction writes every item, and reports twice the write units of the items", async () => {
  const before = table.meter.snapshot().writeUnits;
  await table.transact([
    { Put: { Item: { pk: "A", sk: "1", n: 1 } } },
    { Update: { Key: { pk: "A", sk: "2" }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": 1 } } },
  ]);
  expect(await table.get({ pk: "A", sk: "1" })).toMatchObject({ n: 1 });
  expect(await table.get({ pk: "A", sk: "2" })).toMatchObject({ n: 1 });
  expect(table.meter.snapshot().writeUnits - before).toBe(4);
});

test("a failed condition cancels the whole transaction, undoing the writes before it", async () => {
  await table.put({ Item: { pk: "B", sk: "keep", v: "original" } });
  const attempt = table.transact([
    { Put: { Item: { pk: "B", sk: "keep", v: "changed" } } },
    { Delete: { Key: { pk: "B", sk: "other" } } },
    { Put: { Item: { pk: "B", sk: "new", v: 1 } } },
    { ConditionCheck: { Key: { pk: "B", sk: "missing" }, ConditionExpression: "attribute_exists(pk)" } },
  ]);
  await expect(attempt).rejects.toBeInstanceOf(TransactionRejected);
  await attempt.catch((error: TransactionRejected) => expect(error.reasons).toEqual(["None", "None", "None", "ConditionalCheckFailed"]));
  expect(await table.get({ pk: "B", sk: "keep" })).toMatchObject({ v: "original" });
  expect(await table.get({ pk: "B", sk: "new" })).toBeUndefined();
  expect(await table.get({ pk: "B", sk: "missing" })).toBeUndefined();
});

test("a condition check that passes changes nothing", async () => {
  await table.put({ Item: { pk: "C", sk: "1", v: 1 } });
  await table.transact([
    { ConditionCheck: { Key: { pk: "C", sk: "1" }, ConditionExpression: "v = :v", ExpressionAttributeValues: { ":v": 1 } } },
    { Put: { Item: { pk: "C", sk: "2" } } },
  ]);
  expect(await table.get({ pk: "C", sk: "1" })).toEqual({ pk: "C", sk: "1", v: 1 });
});

test("two operations on one item are refused, as DynamoDB does", async () => {
  await expect(table.transact([{ Put: { Item: { pk: "D", sk: "1" } } }, { Delete: { Key: { pk: "D", sk: "1" } } }])).rejects.toThrow(
    /multiple operations on one item/,
  );
});

test("concurrent transactions on one counter lose no increment", async () => {
  await Promise.all(
    Array.from({ length: 100 }, () =>
      table.transact([
        { Update: { Key: { pk: "E", sk: "counter" }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": 1 } } },
        { Put: { Item: { pk: "E", sk: `row-${Math.random()}` } } },
      ]),
    ),
  );
  expect(await table.get({ pk: "E", sk: "counter" })).toMatchObject({ n: 100 });
});

test("expired items are invisible to reads before any sweeper runs", async () => {
  await table.put({ Item: { pk: "F", sk: "old", expires_at: Math.floor(Date.now() / 1000) - 1 } });
  await table.put({ Item: { pk: "F", sk: "new", expires_at: Math.floor(Date.now() / 1000) + 60 } });
  expect(await table.get({ pk: "F", sk: "old" })).toBeUndefined();
  expect(
    (await table.queryAll({ KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": "F" } })).map((i) => i.sk),
  ).toEqual(["new"]);
});

test("a write that throws instead of answering undoes the writes already applied and answers a retryable 500", async () => {
  await table.put({ Item: { pk: "G", sk: "counter", n: 5 } });
  const call: DynamoCall = async (operation, body) => {
    if (operation === "PutItem" && JSON.stringify(body).includes("explodes")) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new RangeError("Maximum call stack size exceeded");
    }
    return dynamoCall(dynamo.endpoint)(operation, body);
  };
  const answer = await new TransactionCoordinator(call).writeItems({
    TransactItems: [
      {
        Update: {
          TableName: "tx-test",
          Key: { pk: { S: "G" }, sk: { S: "counter" } },
          UpdateExpression: "ADD n :one",
          ExpressionAttributeValues: { ":one": { N: "1" } },
        },
      },
      { Put: { TableName: "tx-test", Item: { pk: { S: "G" }, sk: { S: "name" } } } },
      { Put: { TableName: "tx-test", Item: { pk: { S: "G" }, sk: { S: "explodes" } } } },
    ],
  });
  expect(answer).toMatchObject({ status: 500 });
  expect(await table.get({ pk: "G", sk: "counter" }, { consistent: true })).toMatchObject({ n: 5 });
  expect(await table.get({ pk: "G", sk: "name" }, { consistent: true })).toBeUndefined();
});

test("an item nested deeper than DynamoDB allows is refused as a client error and nothing is written", async () => {
  const deep = `${'{"L":['.repeat(2600)}{"N":"1"}${"]}".repeat(2600)}`;
  const body = `{"TransactItems":[{"Put":{"TableName":"tx-test","Item":{"pk":{"S":"H"},"sk":{"S":"1"}}}},{"Put":{"TableName":"tx-test","Item":{"pk":{"S":"H"},"sk":{"S":"2"},"metadata":${deep}}}}]}`;
  const response = await fetch(dynamo.endpoint, {
    method: "POST",
    headers: { "x-amz-target": "DynamoDB_20120810.TransactWriteItems", "content-type": "application/x-amz-json-1.0" },
    body,
  });
  expect(response.status).toBe(400);
  expect(((await response.json()) as { __type: string }).__type).toMatch(/ValidationException$/);
  expect(await table.get({ pk: "H", sk: "1" }, { consistent: true })).toBeUndefined();
});

test("a condition check that passes on a missing item leaves no item behind", async () => {
  await table.transact([
    { ConditionCheck: { Key: { pk: "I", sk: "absent" }, ConditionExpression: "attribute_not_exists(pk)" } },
    { Put: { Item: { pk: "I", sk: "written" } } },
  ]);
  expect(await table.get({ pk: "I", sk: "absent" }, { consistent: true })).toBeUndefined();
  expect(await table.get({ pk: "I", sk: "written" }, { consistent: true })).toBeDefined();
});

test("a transaction across two tables is refused and writes nothing", async () => {
  const answer = await new TransactionCoordinator(dynamoCall(dynamo.endpoint)).writeItems({
    TransactItems: [
      { Put: { TableName: "tx-test", Item: { pk: { S: "J" }, sk: { S: "1" } } } },
      { Put: { TableName: "other-table", Item: { pk: { S: "J" }, sk: { S: "2" } } } },
    ],
  });
  expect(answer).toMatchObject({ status: 400, body: { message: "the local runtime's transactions write one table" } });
  expect(await table.get({ pk: "J", sk: "1" }, { consistent: true })).toBeUndefined();
});
