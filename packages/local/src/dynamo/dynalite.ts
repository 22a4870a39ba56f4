// dynalite 4.0 (pinned) as the local runtime runs it: started on LevelDB or in memory, its database opened
// before anything is asked of it, and with one leak fix and four speedups of its per-item work. Each change
// sits behind dynalite's own interfaces, so every request still runs dynalite's validation, expression
// evaluation, capacity accounting and wire format.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";

const require = createRequire(import.meta.url);
const fromDynalite = createRequire(require.resolve("dynalite"));
const dynalite = require("dynalite") as (options: DynaliteOptions) => Server;

interface DynaliteOptions {
  path?: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}

/** The store dynalite made for each options object (it passes the caller's object on to `db.create`). */
const stores = new WeakMap<object, DynaliteStore>();

/**
 * A dynalite HTTP server (not yet listening) whose database is open: LevelDB under `path`, or memory. A data
 * dir another process holds is refused here with a clear message; dynalite itself would fail every request
 * with "Database is closed".
 */
export async function startDynalite(path: string | undefined): Promise<Server> {
  applyDynaliteFixes();
  const options: DynaliteOptions = { path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
  const server = dynalite(options);
  answerThrowsAsErrors(server);
  try {
    await stores.get(options)?.db.open();
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === "LEVEL_LOCKED") {
      throw new Error(`the data dir's database ${path} is in use by another process (is Fleetplane already running with this --data-dir?)`);
    }
    throw error;
  }
  return server;
}

/**
 * dynalite validates a request inside its body's "end" listener and rethrows what its validators throw: a
 * document nested ~1,500 levels overflows the stack there, and the throw would end the process. Each request's
 * "end" and "error" listeners are wrapped so a throw becomes an error response: a stack overflow is DynamoDB's
 * own answer to deep nesting (400 ValidationException), anything else a 500.
 */
function answerThrowsAsErrors(server: Server): void {
  const handlers = server.listeners("request") as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const on = req.on.bind(req);
    req.on = ((event: string, listener: (...args: unknown[]) => void) =>
      on(event, (...args: unknown[]) => {
        try {
          listener(...args);
        } catch (error) {
          answerThrow(res, error);
        }
      })) as typeof req.on;
    for (const handler of handlers) handler(req, res);
  });
}

function answerThrow(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const deep = error instanceof RangeError;
  const body = deep
    ? { __type: "com.amazon.coral.validate#ValidationException", message: "Nesting Levels have exceeded supported limits" }
    : { __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "internal error" };
  const text = JSON.stringify(body);
  res.writeHead(deep ? 400 : 500, { "content-type": "application/x-amz-json-1.0", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

let applied = false;

function applyDynaliteFixes(): void {
  if (applied) return;
  applied = true;
  closeLevelIteratorsOnReturn();
  computeChecksumsNatively();
  const db = fromDynalite("./db") as { create(options: DynaliteOptions): DynaliteStore };
  const create = db.create.bind(db);
  db.create = (options) => {
    const store = create(options);
    cacheTableDescriptions(store);
    coalesceGets(store);
    readValuesInBatches(store);
    stores.set(options, store);
    return store;
  };
}

type Callback<T> = (error: Error | null, value?: T) => void;

interface TableDescription {
  TableStatus?: string;
}

interface SubDb {
  put(key: string, value: unknown, callback: Callback<void>): void;
  del(key: string, callback: Callback<void>): void;
}

interface LevelDb {
  open(): Promise<void>;
  get(key: string, callback?: Callback<unknown>): Promise<unknown> | void;
  getMany(keys: string[]): Promise<unknown[]>;
  values(options: object): { nextv(size: number): Promise<unknown[]>; close(): Promise<void> };
  createValueStream(options: object): Readable;
}

interface DynaliteStore {
  db: LevelDb;
  tableDb: SubDb;
  getTable(name: string, checkStatus: boolean | Callback<TableDescription>, callback?: Callback<TableDescription>): void;
  lifecycleManager?: { trackOperation<T>(operation: Promise<T>): Promise<T> };
}

/**
 * dynalite 4.0 ends a Query or Scan that stops at its Limit by destroying the read stream, which calls
 * `iterator.return()`; abstract-level 3 iterators have no `return()` (they close with `close()`), so every such
 * read left its LevelDB iterator, its snapshot and its read-ahead open: about 6.5 KB of heap per listing
 * page, growing without bound in a long-running `npm start`. Giving the iterators a `return()` that closes
 * them makes dynalite's own clean-up work. Left alone if a later version already has one.
 */
function closeLevelIteratorsOnReturn(): void {
  const level = fromDynalite("abstract-level") as Record<string, { prototype: object }>;
  for (const name of ["AbstractIterator", "AbstractKeyIterator", "AbstractValueIterator"]) {
    const prototype = level[name]?.prototype as { close?: () => Promise<void>; return?: () => Promise<void> } | undefined;
    if (!prototype?.close || "return" in prototype) continue;
    Object.defineProperty(prototype, "return", {
      value: function (this: { close(): Promise<void> }) {
        return this.close();
      },
      configurable: true,
      writable: true,
    });
  }
}

/**
 * dynalite signs every response body with a CRC-32 header computed byte by byte in JavaScript (buffer-crc32):
 * 4 % of its CPU on a 50-item Query. zlib computes the same checksum natively.
 */
function computeChecksumsNatively(): void {
  const checksum = fromDynalite("buffer-crc32") as { unsigned(data: string | Buffer): number };
  checksum.unsigned = (data) => crc32(data);
}

/**
 * Every item operation first reads its table's description from LevelDB and decodes it: once per key of a
 * BatchGetItem, a third of that request's CPU. Item operations only read the description, so the ACTIVE ones
 * are kept; any write of a description (create, update, delete) drops it, and a read that raced such a write
 * is not kept. Table-level operations (describe, update, delete: `checkStatus` false) always read it afresh,
 * since they change the object they get.
 */
function cacheTableDescriptions(store: DynaliteStore): void {
  const cache = new Map<string, TableDescription>();
  let generation = 0;
  const { tableDb } = store;
  const put = tableDb.put.bind(tableDb);
  const del = tableDb.del.bind(tableDb);
  tableDb.put = (key, value, callback) => {
    generation++;
    cache.delete(key);
    put(key, value, callback);
  };
  tableDb.del = (key, callback) => {
    generation++;
    cache.delete(key);
    del(key, callback);
  };
  const getTable = store.getTable.bind(store);
  store.getTable = (name, checkStatus, callback) => {
    const done = (typeof checkStatus === "function" ? checkStatus : callback)!;
    const forItems = typeof checkStatus === "function" || checkStatus;
    const cached = forItems ? cache.get(name) : undefined;
    if (cached) {
      process.nextTick(done, null, cached);
      return;
    }
    const readAt = generation;
    getTable(name, forItems, (error, table) => {
      if (!error && forItems && table?.TableStatus === "ACTIVE" && readAt === generation) cache.set(name, deepFreeze(table));
      done(error, table);
    });
  };
}

/** A shared description can't be changed by one request under another's feet. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    Object.values(value).forEach(deepFreeze);
  }
  return value;
}

/**
 * A BatchGetItem asks LevelDB for each key on its own: one thread-pool job, two promises and a setImmediate
 * per item. Gets asked for in the same turn of the event loop are sent as one `getMany` instead (one
 * thread-pool job), each caller answered as dynalite's own `get` would (value or undefined, or the error).
 */
function coalesceGets(store: DynaliteStore): void {
  const { db, lifecycleManager } = store;
  const single = db.get.bind(db);
  // Tracked like dynalite's own reads, so that closing the store waits for them.
  const getMany = (keys: string[]) => (lifecycleManager ? lifecycleManager.trackOperation(db.getMany(keys)) : db.getMany(keys));
  let queued: Array<{ key: string; callback: Callback<unknown> }> = [];
  const flush = () => {
    const batch = queued;
    queued = [];
    if (batch.length === 1) {
      void single(batch[0]!.key, batch[0]!.callback);
      return;
    }
    getMany(batch.map((request) => request.key)).then(
      (values) => setImmediate(() => batch.forEach((request, i) => request.callback(null, values[i]))),
      (error: Error) => setImmediate(() => batch.forEach((request) => request.callback(error))),
    );
  };
  db.get = (key: string, callback?: Callback<unknown>) => {
    if (typeof callback !== "function") return single(key);
    if (queued.length === 0) queueMicrotask(flush);
    queued.push({ key, callback });
  };
}

/** Bytes one read-ahead holds at most: DynamoDB's own cap on one Query or Scan page. */
const READ_AHEAD_BYTES = 1024 * 1024;

/**
 * Every Query and Scan reads its items through dynalite's value stream, which takes them from LevelDB in a
 * first thread-pool job for one entry, then one per 16 KB (16 server items). Each job is a wake-up of the
 * event loop from another thread, and on a small VM those wake-ups were a sixth of a 184-item Query's time.
 * The stream here asks for up to 1,000 entries or 1 MB per job, within the iterator's limit (dynalite sets
 * it to the request's Limit + 1), so such a Query takes one job. Closing works as dynalite's own does: the
 * stream's destroy closes the iterator, after its end too.
 */
function readValuesInBatches(store: DynaliteStore): void {
  const { db } = store;
  db.createValueStream = (options) => {
    const iterator = db.values({ highWaterMarkBytes: READ_AHEAD_BYTES, ...options });
    return new Readable({
      objectMode: true,
      read() {
        iterator.nextv(1_000).then(
          (values) => {
            if (this.destroyed) return;
            if (values.length === 0) this.push(null);
            for (const value of values) this.push(value);
          },
          (error: Error) => this.destroy(error),
        );
      },
      destroy(error, callback) {
        iterator.close().then(
          () => callback(error),
          () => callback(error),
        );
      },
    });
  };
}
