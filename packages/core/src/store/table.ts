// The store adapter: the one DynamoDB table, spoken to over the real wire protocol (AWS or dynalite).
import { DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchWriteCommandInput,
  type DeleteCommandInput,
  type PutCommandInput,
  type QueryCommandInput,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { CapacityMeter } from "./capacity.js";
import type { Key } from "./keys.js";
import { TTL_ATTRIBUTE } from "./table-definition.js";

export type Item = Record<string, unknown>;
type SdkTransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];
/** One write of a transaction, without the table name (the Table adds it). */
export type TransactItem =
  | { Put: Omit<NonNullable<SdkTransactItem["Put"]>, "TableName"> }
  | { Update: Omit<NonNullable<SdkTransactItem["Update"]>, "TableName"> }
  | { Delete: Omit<NonNullable<SdkTransactItem["Delete"]>, "TableName"> }
  | { ConditionCheck: Omit<NonNullable<SdkTransactItem["ConditionCheck"]>, "TableName"> };
type WriteRequest = NonNullable<BatchWriteCommandInput["RequestItems"]>[string][number];

/** Thrown when a transaction's condition failed; `reasons[i]` is the code for the i-th item ("None" if it passed). */
export class TransactionRejected extends Error {
  constructor(readonly reasons: string[]) {
    super(`transaction cancelled: ${reasons.join(", ")}`);
    this.name = "TransactionRejected";
  }
  failedAt(index: number): boolean {
    return this.reasons[index] === "ConditionalCheckFailed";
  }
}

export interface TableOptions {
  client: DynamoDBClient;
  tableName: string;
  meter?: CapacityMeter;
  /** Clock for TTL filtering; defaults to the system clock. */
  nowSeconds?: () => number;
  /** Told the keys put or updated by each committed transaction and batch of puts: the local runtime's stand-in for DynamoDB Streams. */
  onItemsWritten?: (keys: Key[]) => void;
}

/** A ProjectionExpression with the attribute names it uses. */
export interface Projection {
  expression: string;
  names: Record<string, string>;
}

export interface Page<T> {
  items: T[];
  lastKey: Record<string, unknown> | undefined;
  /** Items the query examined, before any FilterExpression. */
  scanned: number;
}

const MAX_TRANSACTION_ATTEMPTS = 8;
const BATCH_SIZE = 25;
const BATCH_GET_SIZE = 100;

export class Table {
  readonly name: string;
  readonly meter: CapacityMeter;
  readonly doc: DynamoDBDocumentClient;
  /** Write requests this process has sent (any item): what a process-local cache compares to know it may be stale. */
  writes = 0;
  private readonly nowSeconds: () => number;
  private readonly onItemsWritten: ((keys: Key[]) => void) | undefined;

  constructor(options: TableOptions) {
    this.name = options.tableName;
    this.meter = options.meter ?? new CapacityMeter();
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    // The SDK's logger middleware redacts every response through its schema before handing it to the logger,
    // even the default no-op one: about 0.7 ms of CPU per 50-item Query. Fleetplane never gives the SDK a logger.
    this.doc.middlewareStack.remove("loggerMiddleware");
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    this.onItemsWritten = options.onItemsWritten;
  }

  private recordWrite(operation: string, consumed: Parameters<CapacityMeter["record"]>[1]): void {
    this.meter.record(operation, consumed);
    this.writes += 1;
  }

  /** True unless the item carries an `expires_at` that has passed: DynamoDB TTL deletes lazily, reads must not wait for it. */
  isLive(item: Item | undefined): item is Item {
    if (!item) return false;
    const expiresAt = item[TTL_ATTRIBUTE];
    return typeof expiresAt !== "number" || expiresAt > this.nowSeconds();
  }

  async get<T extends object = Item>(key: Key, options: { consistent?: boolean } = {}): Promise<T | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.name, Key: key, ConsistentRead: options.consistent, ReturnConsumedCapacity: "TOTAL" }),
    );
    this.meter.record("GetItem", out.ConsumedCapacity);
    return this.isLive(out.Item) ? (out.Item as T) : undefined;
  }

  async query<T extends object = Item>(input: Omit<QueryCommandInput, "TableName">): Promise<Page<T>> {
    const out = await this.doc.send(new QueryCommand({ ...input, TableName: this.name, ReturnConsumedCapacity: "TOTAL" }));
    this.meter.record("Query", out.ConsumedCapacity);
    return {
      items: (out.Items ?? []).filter((i) => this.isLive(i)) as T[],
      lastKey: out.LastEvaluatedKey,
      scanned: out.ScannedCount ?? out.Count ?? 0,
    };
  }

  /** Live items by key (up to 100 per request, unprocessed keys retried); missing ones are left out, in no particular order. */
  async batchGet<T extends object = Item>(keys: Key[], options: { consistent?: boolean; projection?: Projection } = {}): Promise<T[]> {
    const projection = options.projection && {
      ProjectionExpression: options.projection.expression,
      ExpressionAttributeNames: options.projection.names,
    };
    const found: T[] = [];
    await untilProcessed<Record<string, unknown>>(
      keys.map((key) => ({ ...key })),
      BATCH_GET_SIZE,
      async (pending) => {
        const out = await this.doc.send(
          new BatchGetCommand({
            RequestItems: { [this.name]: { Keys: pending, ConsistentRead: options.consistent, ...projection } },
            ReturnConsumedCapacity: "TOTAL",
          }),
        );
        this.meter.record("BatchGetItem", out.ConsumedCapacity);
        found.push(...((out.Responses?.[this.name] ?? []).filter((i) => this.isLive(i)) as T[]));
        return out.UnprocessedKeys?.[this.name]?.Keys ?? [];
      },
    );
    return found;
  }

  /** Every live item of a query, following pagination; for bounded collections only. */
  async queryAll<T extends object = Item>(input: Omit<QueryCommandInput, "TableName">): Promise<T[]> {
    const all: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.query<T>({ ...input, ExclusiveStartKey: start });
      all.push(...page.items);
      start = page.lastKey;
    } while (start);
    return all;
  }

  async put(input: Omit<PutCommandInput, "TableName">): Promise<void> {
    const out = await this.doc.send(new PutCommand({ ...input, TableName: this.name, ReturnConsumedCapacity: "TOTAL" }));
    this.recordWrite("PutItem", out.ConsumedCapacity);
  }

  async update<T extends object = Item>(input: Omit<UpdateCommandInput, "TableName">): Promise<T | undefined> {
    const out = await this.doc.send(new UpdateCommand({ ...input, TableName: this.name, ReturnConsumedCapacity: "TOTAL" }));
    this.recordWrite("UpdateItem", out.ConsumedCapacity);
    return out.Attributes as T | undefined;
  }

  async delete(input: Omit<DeleteCommandInput, "TableName">): Promise<Item | undefined> {
    const out = await this.doc.send(new DeleteCommand({ ...input, TableName: this.name, ReturnConsumedCapacity: "TOTAL" }));
    this.recordWrite("DeleteItem", out.ConsumedCapacity);
    return out.Attributes;
  }

  /**
   * Writes all items or none. Conflicts with concurrent transactions on the same items (a hot summary
   * item, say) are retried with jittered backoff; a failed condition throws TransactionRejected.
   */
  async transact(items: TransactItem[]): Promise<void> {
    const TransactItems = items.map((item) => withTable(item, this.name));
    for (let attempt = 1; ; attempt++) {
      try {
        const out = await this.doc.send(new TransactWriteCommand({ TransactItems, ReturnConsumedCapacity: "TOTAL" }));
        this.recordWrite("TransactWriteItems", out.ConsumedCapacity);
        this.onItemsWritten?.(items.map(keyOf));
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = (error.CancellationReasons ?? []).map((r) => r.Code ?? "None");
        const conflictOnly = reasons.every((r) => r === "None" || r === "TransactionConflict");
        if (!conflictOnly) throw new TransactionRejected(reasons);
        if (attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
        await pause(Math.random() * 10 * 2 ** attempt);
      }
    }
  }

  /** Puts and deletes in batches of 25, retrying unprocessed items with backoff until all are written. */
  async batchWrite(requests: Array<{ put: Item } | { delete: Key }>): Promise<void> {
    await untilProcessed<WriteRequest>(
      requests.map((r) => ("put" in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } })),
      BATCH_SIZE,
      async (pending) => {
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.name]: pending }, ReturnConsumedCapacity: "TOTAL" }));
        this.recordWrite("BatchWriteItem", out.ConsumedCapacity);
        return (out.UnprocessedItems?.[this.name] ?? []) as WriteRequest[];
      },
    );
    const written = requests.flatMap((r) => ("put" in r ? [{ pk: String(r.put.pk ?? ""), sk: String(r.put.sk ?? "") }] : []));
    if (written.length > 0) this.onItemsWritten?.(written);
  }
}

function keyOf(item: TransactItem): Key {
  const body = Object.values(item)[0] as { Item?: Record<string, unknown>; Key?: Record<string, unknown> };
  const key = body.Item ?? body.Key;
  return { pk: String(key?.pk ?? ""), sk: String(key?.sk ?? "") };
}

function withTable(item: TransactItem, tableName: string): SdkTransactItem {
  const [kind, body] = Object.entries(item)[0] as [string, Record<string, unknown>];
  return { [kind]: { ...body, TableName: tableName } } as SdkTransactItem;
}

/**
 * Sends `requests` in chunks of `size`; `send` answers what DynamoDB left unprocessed, which is sent again
 * after a jittered, growing pause until nothing is left.
 */
async function untilProcessed<T>(requests: T[], size: number, send: (chunk: T[]) => Promise<T[]>): Promise<void> {
  for (let offset = 0; offset < requests.length; offset += size) {
    let pending = requests.slice(offset, offset + size);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await pause(Math.min(1000, 20 * 2 ** attempt) * Math.random());
      pending = await send(pending);
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
