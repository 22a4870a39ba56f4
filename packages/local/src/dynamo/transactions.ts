// TransactWriteItems / TransactGetItems for dynalite, which lacks them: every item is applied with its own
// condition while the transaction holds a lock on each of its keys, after the items as they were have been
// journalled; any failure (a condition, an error, an exception) puts them all back, and so does a start-up
// after a crash.
import { PK, SK } from "@fleetplane/core";
import { noJournal, type BeforeImage, type Journal, type JournalEntry } from "./transaction-journal.js";
import { documentProblem } from "./item-limits.js";

export interface DynamoCall {
  (operation: string, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
}

type Wire = Record<string, unknown>;
type Answer = { status: number; body: Wire };
const PROBE_ATTRIBUTE = "#fleetplane_condition_probe";
/** Attempts at putting a failed transaction's items back before the journal is left for the next start-up. */
const UNDO_ATTEMPTS = 3;

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

interface Write {
  kind: string;
  body: Wire;
  key: Wire;
}

interface Outcome {
  out?: Answer;
  thrown?: unknown;
}

export class TransactionCoordinator {
  private readonly locks = new KeyLocks();
  constructor(
    private readonly call: DynamoCall,
    private readonly journal: Journal = noJournal,
  ) {}

  writeItems(request: Wire): Promise<Answer> {
    const items = (request.TransactItems as Wire[] | undefined) ?? [];
    if (items.length === 0 || items.length > 100) {
      return Promise.resolve(validationError("TransactItems must hold 1 to 100 items"));
    }
    const identities = items.map(identityOf);
    if (new Set(identities).size !== identities.length) {
      return Promise.resolve(validationError("Transaction request cannot include multiple operations on one item"));
    }
    // Fleetplane has one table; a transaction across tables is refused rather than journalled against the wrong one.
    if (new Set(items.map((item) => (Object.values(item)[0] as Wire).TableName)).size > 1) {
      return Promise.resolve(validationError("the local runtime's transactions write one table"));
    }
    // What DynamoDB refuses outright (documents nested too deep) is refused before anything is written.
    for (const item of items) {
      const problem = documentProblem(Object.values(item)[0] as Wire);
      if (problem) return Promise.resolve(validationError(problem));
    }
    return this.locks.run(identities, () => this.apply(items, request.ReturnConsumedCapacity));
  }

  getItems(request: Wire): Promise<Answer> {
    const items = (request.TransactItems as Array<{ Get: Wire }> | undefined) ?? [];
    return this.locks.run(items.map(identityOf), async () => {
      const outs = await Promise.all(items.map(({ Get }) => this.call("GetItem", { ...Get, ConsistentRead: true })));
      const failed = outs.find((out) => out.status !== 200);
      if (failed) return failed;
      return { status: 200, body: { Responses: outs.map((out) => (out.body.Item ? { Item: out.body.Item } : {})) } };
    });
  }

  /** Puts back the items of transactions a previous process left unfinished (read from its journal). */
  async rollBack(entries: JournalEntry[]): Promise<void> {
    for (const entry of entries) await this.restore(entry.table, entry.before);
  }

  private async apply(items: Wire[], returnCapacity: unknown): Promise<Answer> {
    const writes: Write[] = items.map((item) => {
      const [kind, body] = Object.entries(item)[0] as [string, Wire];
      return { kind, body, key: (body.Key as Wire | undefined) ?? keyOf(body.Item as Wire) };
    });
    const tableName = writes[0]!.body.TableName as string;
    const read = await this.readItems(
      tableName,
      writes.map((w) => w.key),
    );
    if ("status" in read) return read;
    const before: BeforeImage[] = writes.map((w) => ({ key: w.key, item: read.get(identity(w.key)) }));
    const journalId = await this.journal.begin(tableName, before);

    // The keys are locked, so the items can be applied all at once: none can see another's half-done state.
    const outcomes: Outcome[] = await Promise.all(
      writes.map(({ kind, body }) => {
        const { operation, input } = asSingleWrite(kind, body);
        return this.call(operation, { ...input, ReturnConsumedCapacity: "TOTAL" }).then(
          (out) => ({ out }),
          (thrown: unknown) => ({ thrown }),
        );
      }),
    );
    const failed = outcomes.some(({ out }) => out?.status !== 200);
    if (failed) {
      // Every item that was (or may have been) written goes back to what it was.
      const touched = before.filter((_, i) => outcomes[i]!.out?.status !== 400);
      const undone = await this.restore(tableName, touched).then(
        () => true,
        (error: unknown) => {
          console.error(
            JSON.stringify({ level: "error", msg: "transaction undo failed; the next start-up rolls it back", error: String(error) }),
          );
          return false;
        },
      );
      if (undone) await this.journal.end(journalId);
      return failure(outcomes);
    }
    // A condition check that passed on a missing item left the empty item its probe created.
    await Promise.all(
      writes.map((w, i) =>
        w.kind === "ConditionCheck" && !before[i]!.item ? this.call("DeleteItem", { TableName: tableName, Key: w.key }) : undefined,
      ),
    );
    await this.journal.end(journalId);
    // A transactional write costs two write units per item write, as on DynamoDB.
    const writeUnits = outcomes.reduce(
      (sum, { out }) => sum + Number((out!.body.ConsumedCapacity as Wire | undefined)?.CapacityUnits ?? 1),
      0,
    );
    const body: Wire = {};
    if (returnCapacity && returnCapacity !== "NONE") {
      body.ConsumedCapacity = [{ TableName: tableName, CapacityUnits: writeUnits * 2, WriteCapacityUnits: writeUnits * 2 }];
    }
    return { status: 200, body };
  }

  /** The items at `keys` now (consistent reads), by identity; an error answer if the read failed. */
  private async readItems(tableName: string, keys: Wire[]): Promise<Map<string, Wire> | Answer> {
    const out = await this.call("BatchGetItem", { RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } });
    if (out.status !== 200) return out;
    const found = ((out.body.Responses as Record<string, Wire[]> | undefined)?.[tableName] ?? []) as Wire[];
    if (Object.keys((out.body.UnprocessedKeys as Wire | undefined) ?? {}).length > 0) {
      return {
        status: 500,
        body: { __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "could not read the transaction's items" },
      };
    }
    return new Map(found.map((item) => [identity(keyOf(item)), item]));
  }

  /** Writes each item back as it was (or deletes it if it did not exist); retried, since a half-undone transaction is the one state to avoid. */
  private async restore(tableName: string, images: BeforeImage[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outs = await Promise.all(
        images.map(({ key, item }) =>
          (item
            ? this.call("PutItem", { TableName: tableName, Item: item })
            : this.call("DeleteItem", { TableName: tableName, Key: key })
          ).then(
            (out) => out.status === 200,
            () => false,
          ),
        ),
      );
      if (outs.every(Boolean)) return;
      if (attempt >= UNDO_ATTEMPTS) throw new Error(`could not restore ${outs.filter((ok) => !ok).length} items`);
    }
  }
}

/**
 * The answer to a failed transaction: a write's own error (a validation error, say) as dynalite gave it;
 * TransactionCanceledException with per-item reasons when only conditions failed; and a retryable 500
 * when a write threw (its effects are undone, so the SDK may safely try again).
 */
function failure(outcomes: Outcome[]): Answer {
  const conditionFailed = (out: Answer | undefined) => String(out?.body.__type ?? "").endsWith("ConditionalCheckFailedException");
  const thrown = outcomes.find((o) => o.thrown !== undefined);
  if (thrown) {
    return { status: 500, body: { __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "Internal server error" } };
  }
  const other = outcomes.find(({ out }) => out!.status !== 200 && !conditionFailed(out));
  if (other) return other.out!;
  return cancelled(outcomes.map(({ out }) => (conditionFailed(out) ? "ConditionalCheckFailed" : "None")));
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
      // (if it creates an empty item because none existed, that item is deleted again).
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

function identity(key: Wire): string {
  return JSON.stringify([key[PK], key[SK]]);
}

function identityOf(item: Wire): string {
  const body = Object.values(item)[0] as Wire;
  return `${body.TableName}:${identity((body.Key as Wire | undefined) ?? keyOf(body.Item as Wire))}`;
}

function cancelled(codes: string[]): Answer {
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

function validationError(message: string): Answer {
  return { status: 400, body: { __type: "com.amazon.coral.validate#ValidationException", message } };
}
