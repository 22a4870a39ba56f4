// Creates the Fleetplane table in the local DynamoDB if it does not exist yet, and rebuilds a table kept in
// a data dir by an earlier Fleetplane whose indexes or item layout differ from today's (dynalite cannot add
// an index to an existing table): every item is copied out, brought to the current layout (index keys, tag
// entries) and copied back.
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createTableInput, inCurrentLayout, ITEM_LAYOUT_VERSION, keys, Table } from "@fleetplane/core";

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 3,
  });
}

/** Creates the table when missing (or rebuilds it when its indexes or layout are out of date) and returns once it is ACTIVE. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const existing = await describe(client, tableName);
  const table = new Table({ client, tableName });
  const current = existing && indexSignature(existing) === indexSignature(createTableInput(tableName));
  if (current && (await layoutOf(table)) === ITEM_LAYOUT_VERSION) return waitUntil(client, tableName, "ACTIVE");
  if (!existing) await client.send(new CreateTableCommand(createTableInput(tableName)));
  else await rebuild(client, tableName);
  await waitUntil(client, tableName, "ACTIVE");
  await table.put({ Item: { ...keys.layoutMarker(), entity: "layout", version: ITEM_LAYOUT_VERSION } });
}

/** The item layout a table holds: its marker's version, or 1 for a table from before the marker. */
async function layoutOf(table: Table): Promise<number> {
  const marker = await table.get<{ version?: unknown }>(keys.layoutMarker(), { consistent: true });
  return typeof marker?.version === "number" ? marker.version : 1;
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** dynalite answers "not found" while a table is CREATING; "gone" waits for a deletion to finish. */
async function waitUntil(client: DynamoDBClient, tableName: string, status: "ACTIVE" | "gone"): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const table = await describe(client, tableName);
    if (status === "gone" ? !table : table?.TableStatus === "ACTIVE") return;
    if (Date.now() > deadline) throw new Error(`table ${tableName} is still ${table?.TableStatus ?? "missing"} after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function indexSignature(table: Pick<TableDescription, "GlobalSecondaryIndexes">): string {
  return JSON.stringify(
    (table.GlobalSecondaryIndexes ?? [])
      .map((i) => [i.IndexName, i.KeySchema, i.Projection?.ProjectionType, [...(i.Projection?.NonKeyAttributes ?? [])].sort()])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
}

async function rebuild(client: DynamoDBClient, tableName: string): Promise<void> {
  const scratch = `${tableName}-rebuild`;
  if (await describe(client, scratch)) {
    await client.send(new DeleteTableCommand({ TableName: scratch }));
    await waitUntil(client, scratch, "gone");
  }
  await client.send(new CreateTableCommand(createTableInput(scratch)));
  await waitUntil(client, scratch, "ACTIVE");
  await copy(client, tableName, scratch);
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await waitUntil(client, tableName, "gone");
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await waitUntil(client, tableName, "ACTIVE");
  await copy(client, scratch, tableName);
  await client.send(new DeleteTableCommand({ TableName: scratch }));
}

async function copy(client: DynamoDBClient, from: string, to: string): Promise<void> {
  const doc = DynamoDBDocumentClient.from(client);
  const target = new Table({ client, tableName: to });
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: from, ExclusiveStartKey: start, Limit: 500 }));
    await target.batchWrite((page.Items ?? []).flatMap((item) => inCurrentLayout(item).map((put) => ({ put }))));
    start = page.LastEvaluatedKey;
  } while (start);
}
