// The undo journal and the roll-back at start-up: a transaction cut off mid-apply leaves nothing behind.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { Table } from "@fleetplane/core";
import { dynamoCall, startLocalDynamo, transactionJournalPath } from "./dynamo-server.js";
import { ensureTable, localDynamoClient } from "./table.js";
import { FileJournal, unfinishedEntries } from "./transaction-journal.js";
import { TransactionCoordinator, type DynamoCall } from "./transactions.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "fleetplane-journal-"));
  dirs.push(dir);
  return dir;
}

test("entries begun and never ended are the unfinished ones, and a torn last line is ignored", () => {
  const text = [
    JSON.stringify({ begin: 1, table: "t", before: [{ key: { pk: { S: "a" } } }] }),
    JSON.stringify({ begin: 2, table: "t", before: [] }),
    JSON.stringify({ end: 1 }),
    '{"begin": 3, "table": "t", "bef',
  ].join("\n");
  expect(unfinishedEntries(text).map((e) => e.id)).toEqual([2]);
});

test("a journal compacts to nothing once every transaction it holds has ended", async () => {
  const path = join(tempDir(), "journal");
  const { journal, unfinished } = await FileJournal.open(path);
  expect(unfinished).toEqual([]);
  const big = [{ key: { pk: { S: "x" } }, item: { pk: { S: "x" }, blob: { S: "b".repeat(1024 * 1024) } } }];
  for (let i = 0; i < 9; i++) await journal.end(await journal.begin("t", big));
  await journal.close();
  expect(readFileSync(path, "utf8").length).toBeLessThan(2 * 1024 * 1024);
});

test("a transaction cut off after some of its writes is rolled back when the store starts again", async () => {
  const path = join(tempDir(), "dynamodb");
  const first = await startLocalDynamo({ path });
  const client = localDynamoClient(first.endpoint);
  await ensureTable(client, "tx-journal");
  const table = new Table({ client, tableName: "tx-journal" });
  await table.put({ Item: { pk: "S", sk: "counter", n: 10 } });
  await table.put({ Item: { pk: "S", sk: "gone", v: "kept" } });

  // A coordinator whose third write never completes: the process "dies" with the first two applied.
  const sideJournal = join(tempDir(), "journal");
  const { journal } = await FileJournal.open(sideJournal);
  let writes = 0;
  const call: DynamoCall = async (operation, body) => {
    if (operation !== "BatchGetItem" && ++writes === 3) return new Promise(() => {});
    return dynamoCall(first.endpoint)(operation, body);
  };
  void new TransactionCoordinator(call, journal).writeItems({
    TransactItems: [
      {
        Update: {
          TableName: "tx-journal",
          Key: { pk: { S: "S" }, sk: { S: "counter" } },
          UpdateExpression: "ADD n :one",
          ExpressionAttributeValues: { ":one": { N: "1" } },
        },
      },
      { Delete: { TableName: "tx-journal", Key: { pk: { S: "S" }, sk: { S: "gone" } } } },
      { Put: { TableName: "tx-journal", Item: { pk: { S: "S" }, sk: { S: "new" } } } },
    ],
  });
  await expect.poll(() => writes).toBe(3);
  await expect.poll(async () => (await table.get({ pk: "S", sk: "counter" }, { consistent: true }))?.n).toBe(11);
  client.destroy();
  await first.close();
  writeFileSync(transactionJournalPath(path), readFileSync(sideJournal));

  const second = await startLocalDynamo({ path });
  const again = new Table({ client: localDynamoClient(second.endpoint), tableName: "tx-journal" });
  expect(await again.get({ pk: "S", sk: "counter" }, { consistent: true })).toMatchObject({ n: 10 });
  expect(await again.get({ pk: "S", sk: "gone" }, { consistent: true })).toMatchObject({ v: "kept" });
  expect(await again.get({ pk: "S", sk: "new" }, { consistent: true })).toBeUndefined();
  expect(readFileSync(transactionJournalPath(path), "utf8")).toBe("");
  await second.close();
});
