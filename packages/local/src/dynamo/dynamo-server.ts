// Local DynamoDB: dynalite (the real wire protocol on LevelDB or memory) on 127.0.0.1, with transactions added.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startDynalite } from "./dynalite.js";
import { TransactionCoordinator, type DynamoCall } from "./transactions.js";
import { FileJournal, noJournal, type Journal, type JournalEntry } from "./transaction-journal.js";

export interface LocalDynamo {
  /** http://127.0.0.1:PORT, for DynamoDBClient's `endpoint`. */
  endpoint: string;
  close(): Promise<void>;
}

const TRANSACTION_TARGETS = new Set(["DynamoDB_20120810.TransactWriteItems", "DynamoDB_20120810.TransactGetItems"]);
const SIGNATURE = "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local";

/** Starts dynalite; `path` persists to LevelDB there, otherwise data lives in memory. */
export async function startLocalDynamo(options: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  const inner = await startDynalite(options.path);
  await listen(inner, 0);
  const innerUrl = `http://127.0.0.1:${(inner.address() as AddressInfo).port}`;

  const call = dynamoCall(innerUrl);
  // The journal is opened only once dynalite holds the data dir's lock, so a second process never rolls back
  // the transactions of one still running.
  let journal: Journal = noJournal;
  const unfinished: JournalEntry[] = [];
  if (options.path) {
    const opened = await FileJournal.open(transactionJournalPath(options.path));
    journal = opened.journal;
    unfinished.push(...opened.unfinished);
  }
  const coordinator = new TransactionCoordinator(call, journal);
  if (unfinished.length > 0) {
    await coordinator.rollBack(unfinished);
    console.log(
      JSON.stringify({ level: "info", msg: "rolled back transactions a previous run left unfinished", count: unfinished.length }),
    );
  }
  if (journal instanceof FileJournal) await journal.reset();

  const front = createServer((req, res) => {
    const target = String(req.headers["x-amz-target"] ?? "");
    if (!TRANSACTION_TARGETS.has(target)) {
      inner.emit("request", req, res);
      return;
    }
    readJson(req)
      .then((body) => (target.endsWith("TransactWriteItems") ? coordinator.writeItems(body) : coordinator.getItems(body)))
      .then(({ status, body }) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { "content-type": "application/x-amz-json-1.0", "content-length": Buffer.byteLength(text) });
        res.end(text);
      })
      .catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: String(error) }));
      });
  });
  front.keepAliveTimeout = 60_000;
  await listen(front, options.port ?? 0);
  const endpoint = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;

  return {
    endpoint,
    async close() {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await journal.close();
      inner.closeAllConnections?.();
      await new Promise<void>((resolve, reject) => inner.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Single DynamoDB requests to the endpoint at `url`, answered with their status and JSON body. */
export function dynamoCall(url: string): DynamoCall {
  return async (operation, body) => {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `DynamoDB_20120810.${operation}`,
        "x-amz-date": "20260101T000000Z",
        authorization: SIGNATURE,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}

/** Where the undo journal of the transactions on the LevelDB store at `path` lives. */
export function transactionJournalPath(path: string): string {
  return `${path}-transactions.journal`;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
}
