// TransactWriteItems / TransactGetItems for dynalite, which lacks them: applied item by item under a
// lock, each with its own condition, and undone in reverse order if any condition fails.
import { PK, SK } from "@fleetplane/core";

export interface DynamoCall {
  (operation: string, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
}

type Wire = Record<string, unknown>;
const PROBE_ATTRIBUTE = "#fleetplane_condition_probe";

/** Serializes transactions: dynalite's per-item locks do not span several items. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

export class TransactionCoordinator {
  private readonly mutex = new Mutex();
  constructor(private readonly call: DynamoCall) {}

  writeItems(request: Wire): Promise<{ status: number; body: Wire }> {
    const items = (request.TransactItems as Wire[] | undefined) ?? [];
    if (items.length === 0 || items.length > 100) {
      return Promise.resolve(validationError("TransactItems must hold 1 to 100 items"));
    }
    const seen = new Set<string>();
    for (const item of items) {
      const body = Object.values(item)[0] as Wire;
      const identity = `${body.TableName}:${JSON.stringify(body.Key ?? keyOf(body.Item as Wire))}`;
      if (seen.has(identity)) {
        return Promise.resolve(validationError("Transaction request cannot include multiple operations on one item"));
      }
      seen.add(identity);
    }
    return this.mutex.run(() => this.apply(items, request.ReturnConsumedCapacity));
  }

  getItems(request: Wire): Promise<{ status: number; body: Wire }> {
    const items = (request.TransactItems as Array<{ Get: Wire }> | undefined) ?? [];
    return this.mutex.run(async () => {
      const responses: Wire[] = [];
      for (const { Get } of items) {
        const out = await this.call("GetItem", { ...Get, ConsistentRead: true });
        if (out.status !== 200) return out;
        responses.push(out.body.Item ? { Item: out.body.Item } : {});
      }
      return { status: 200, body: { Responses: responses } };
    });
  }

  private async apply(items: Wire[], returnCapacity: unknown): Promise<{ status: number; body: Wire }> {
    const undo: Array<() => Promise<unknown>> = [];
    let writeUnits = 0;
    const tableName = (Object.values(items[0]!)[0] as Wire).TableName as string;
    for (const [index, item] of items.entries()) {
      const [kind, body] = Object.entries(item)[0] as [string, Wire];
      const { operation, input } = asSingleWrite(kind, body);
      const out = await this.call(operation, { ...input, ReturnValues: "ALL_OLD", ReturnConsumedCapacity: "TOTAL" });
      if (out.status !== 200) {
        for (const step of undo.reverse()) await step();
        const type = String(out.body.__type ?? "");
        if (type.endsWith("ConditionalCheckFailedException")) return cancelled(items.length, index);
        return out;
      }
      writeUnits += Number((out.body.ConsumedCapacity as Wire | undefined)?.CapacityUnits ?? 1);
      undo.push(this.undoFor(kind, body, out.body.Attributes as Wire | undefined));
    }
    // A transactional write costs two write units per item write, as on DynamoDB.
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
          ExpressionAttributeNames: { ...((input.ExpressionAttributeNames as Wire) ?? {}), [PROBE_ATTRIBUTE]: "fleetplane_condition_probe" },
        },
      };
    default:
      throw new Error(`unknown transaction item ${kind}`);
  }
}

function keyOf(item: Wire): Wire {
  return { [PK]: item[PK], [SK]: item[SK] };
}

function cancelled(count: number, failedIndex: number): { status: number; body: Wire } {
  const reasons = Array.from({ length: count }, (_, i) =>
    i === failedIndex ? { Code: "ConditionalCheckFailed", Message: "The conditional request failed" } : { Code: "None" },
  );
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
