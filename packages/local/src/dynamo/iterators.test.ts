// A Query that stops at its Limit must close its LevelDB iterator: dynalite 4.0 asks for that with
// `iterator.return()`, which the level iterators gain in dynamo-server.ts. Left open, each one held its
// snapshot and read-ahead for the life of the process.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createTableInput, Table } from "@fleetplane/core";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { startLocalDynamo, type LocalDynamo } from "./dynamo-server.js";
import { localDynamoClient } from "./table.js";

const require = createRequire(import.meta.url);
const level = createRequire(require.resolve("dynalite"))("abstract-level") as {
  AbstractValueIterator: { prototype: { close(): Promise<void> } };
};

const dataDir = mkdtempSync(join(tmpdir(), "fleetplane-iterators-"));
let dynamo: LocalDynamo;
let table: Table;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ path: dataDir });
  const client = localDynamoClient(dynamo.endpoint);
  await client.send(new CreateTableCommand(createTableInput("iterators")));
  table = new Table({ client, tableName: "iterators" });
  await table.batchWrite(Array.from({ length: 30 }, (_, i) => ({ put: { pk: "P", sk: `S#${String(i).padStart(2, "0")}` } })));
});
afterAll(async () => {
  await dynamo.close();
  rmSync(dataDir, { recursive: true, force: true });
});

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
