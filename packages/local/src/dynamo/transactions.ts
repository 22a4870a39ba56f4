// TransactWriteItems / TransactGetItems for dynalite, which lacks them: every item is applied with its own
// condition while the transaction holds a lock on each of its keys, and all are undone if any condition fails.
import { PK, SK } from "@fleetplane/core";

export interface DynamoCall {
  (operation: string, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
}

type Wire = Record<string, unknown>;
const PROBE_ATTRIBUTE = "#fleetplane_condition_probe";

/**
 * Transactions on overlapping keys run one after another; disjoint ones run side by side. Keys are
 * locked in sorted order, so two transactions never wait on each other in a cycle.
 */
class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: string[], work: () => Promise<T>): Promise<T> {
    const releases: Array<() => void> = [];
    for (const key of [...new Set(keys)].sort()) {
      const previous = this.tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const current = new Promise<void>((resolve) => (release = resolve));
      const tail = previous.then(() => current);
      this.tails.set(key, tail);
      releases.push(() => {
        release();
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
      await previous;
    }
    try {
      return await work();
    } finally {
      releases.forEach((release) => release());
    }
  }
}

export class TransactionCoordinator {
  private readonly locks = new KeyLocks();
  constructor(private readonly call: DynamoCall) {}

  writeItems(request: Wire): Promise<{ status: number; body: Wire }> {
    const items = (request.TransactItems as Wire[] | undefined) ?? [];
    if (items.length === 0 || items.length > 100) {
      return Promise.resolve(validationError("TransactItems must hold 1 to 100 items"));
    }
    const identities = items.map(identityOf);
    if (new Set(identities).size !== identities.length) {
      return Promise.resolve(validationError("Transaction request cannot include multiple operations on one item"));
    }
    return this.locks.run(identities, () => this.apply(items, request.ReturnConsumedCapacity));
  }

  getItems(request: Wire): Promise<{ status: number; body: Wire }> {
    const items = (request.TransactItems as Array<{ Get: Wire }> | undefined) ?? [];
    return this.locks.run(items.map(identityOf), async () => {
      const outs = await Promise.all(items.map(({ Get }) => this.call("GetItem", { ...Get, ConsistentRead: true })));
      const failed = outs.find((out) => out.status !== 200);
      if (failed) return failed;
      return { status: 200, body: { Responses: outs.map((out) => (out.body.Item ? { Item: out.body.Item } : {})) } };
    });
  }

  private async apply(items: Wire[], returnCapacity: unknown): Promise<{ status: number; body: Wire }> {
    const tableName = (Object.values(items[0]!)[0] as Wire).TableName as string;
    // The keys are locked, so the items can be applied all at once: none can see another's half-done state.
    const outcomes = await Promise.all(
      items.map(async (item) => {
        const [kind, body] = Object.entries(item)[0] as [string, Wire];
        const { operation, input } = asSingleWrite(kind, body);
        const out = await this.call(operation, { ...input, ReturnValues: "ALL_OLD", ReturnConsumedCapacity: "TOTAL" });
        return { out, undo: out.status === 200 ? this.undoFor(kind, body, out.body.Attributes as Wire | undefined) : undefined };
      }),
    );
    const failures = outcomes.filter(({ out }) => out.status !== 200);
    if (failures.length > 0) {
      await Promise.all(outcomes.map(({ undo }) => undo?.()));
      const conditionFailed = (out: { body: Wire }) => String(out.body.__type ?? "").endsWith("ConditionalCheckFailedException");
      const other = failures.find(({ out }) => !conditionFailed(out));
      if (other) return other.out;
      return cancelled(outcomes.map(({ out }) => (out.status !== 200 && conditionFailed(out) ? "ConditionalCheckFailed" : "None")));
    }
    // A transactional write costs two write units per item write, as on DynamoDB.
    const writeUnits = outcomes.reduce(
      (sum, { out }) => sum + Number((out.body.ConsumedCapacity as Wire | undefined)?.CapacityUnits ?? 1),
      0,
    );
    const body: Wire = {};
    if (returnCapacity && returnCapacity !== "NONE") {
      body.ConsumedCapacity = [{ TableName: tableName, CapacityUnits: writeUnits * 2, WriteCapacityUnits: writeUnits * 2 }];
    }
    return { status: 200, body };
  }

  private undoFor(kind: string, body: Wire, old: Wire | undefined): () => Promise<unknown> {
    const tableName = body.TableName;
    const key = (body.Key as Wire | undefined) ?? keyOf(body.Item as Wire);
    if (old) return () => this.call("PutItem", { TableName: tableName, Item: old });
    if (kind === "Delete") return async () => undefined;
    return () => this.call("DeleteItem", { TableName: tableName, Key: key });
  }
}

/** Maps a transaction item to the single-item call that applies it with the same condition. */
function asSingleWrite(kind: string, body: Wire): { operation: string; input: Wire } {
  const { ReturnValuesOnConditionCheckFailure: _ignored, ...input } = body;
  switch (kind) {
    case "Put":
      return { operation: "PutItem", input };
    case "Update":
      return { operation: "UpdateItem", input };
    case "Delete":
      return { operation: "DeleteItem", input };
    case "ConditionCheck":
      // An update that removes an attribute nobody has evaluates the condition and changes nothing
      // (if it creates an empty item because none existed, the undo step deletes it again).
      return {
        operation: "UpdateItem",
        input: {
          ...input,
          UpdateExpression: `REMOVE ${PROBE_ATTRIBUTE}`,
          ExpressionAttributeNames: {
            ...((input.ExpressionAttributeNames as Wire) ?? {}),
            [PROBE_ATTRIBUTE]: "fleetplane_condition_probe",
          },
        },
      };
    default:
      throw new Error(`unknown transaction item ${kind}`);
  }
}

function keyOf(item: Wire): Wire {
  return { [PK]: item[PK], [SK]: item[SK] };
}

function identityOf(item: Wire): string {
  const body = Object.values(item)[0] as Wire;
  return `${body.TableName}:${JSON.stringify(body.Key ?? keyOf(body.Item as Wire))}`;
}

function cancelled(codes: string[]): { status: number; body: Wire } {
  const reasons = codes.map((code) => (code === "None" ? { Code: code } : { Code: code, Message: "The conditional request failed" }));
  return {
    status: 400,
    body: {
      __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
      message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
      CancellationReasons: reasons,
    },
  };
}

function validationError(message: string): { status: number; body: Wire } {
  return { status: 400, body: { __type: "com.amazon.coral.validate#ValidationException", message } };
}
