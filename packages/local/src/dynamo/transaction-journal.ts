// The undo journal of local transactions: before a transaction writes anything, the items it will change
// are recorded as they were, appended to one file and fsynced; a start-up rolls back every transaction
// recorded but not finished, so a process killed mid-transaction restarts with all of it or none of it.
import { open, type FileHandle } from "node:fs/promises";

type Wire = Record<string, unknown>;

/** An item as it was before a transaction: `item` absent means the key held nothing. */
export interface BeforeImage {
  key: Wire;
  item?: Wire;
}

export interface JournalEntry {
  id: number;
  table: string;
  before: BeforeImage[];
}

/** The journal is emptied once no transaction is open and it has grown past this. */
const COMPACT_BYTES = 4 * 1024 * 1024;

interface Pending {
  line: string;
  durable: boolean;
  done: (error?: Error) => void;
}

export interface Journal {
  /** Resolves once the entry is on disk (fsynced): only then may the transaction write. */
  begin(table: string, before: BeforeImage[]): Promise<number>;
  /** The transaction is finished (committed, or its undo applied): start-up leaves it alone. */
  end(id: number): Promise<void>;
  close(): Promise<void>;
}

/** In memory, nothing survives the process, so there is nothing to roll back at a start-up. */
export const noJournal: Journal = {
  begin: () => Promise.resolve(0),
  end: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

/**
 * Lines of JSON appended to one file: `{"begin": id, "table", "before"}` and `{"end": id}`. Entries begun
 * together share one write and one fsync (group commit); an end is written without fsync, since after a
 * crash a finished transaction rolled back is only possible if the process died before it answered.
 */
export class FileJournal implements Journal {
  private nextId = 1;
  private size = 0;
  private readonly unfinished = new Set<number>();
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;

  private constructor(private readonly file: FileHandle) {}

  /** Opens the journal at `path`, answering the transactions a previous process left unfinished; call `reset` once they are undone. */
  static async open(path: string): Promise<{ journal: FileJournal; unfinished: JournalEntry[] }> {
    const file = await open(path, "a+", 0o600);
    const text = (await file.readFile({ encoding: "utf8" })) || "";
    return { journal: new FileJournal(file), unfinished: unfinishedEntries(text) };
  }

  /** Empties the journal (after the unfinished transactions were rolled back). */
  async reset(): Promise<void> {
    await this.file.truncate(0);
    await this.file.datasync();
    this.size = 0;
  }

  begin(table: string, before: BeforeImage[]): Promise<number> {
    const id = this.nextId++;
    this.unfinished.add(id);
    return this.append(JSON.stringify({ begin: id, table, before }), true).then(
      () => id,
      (error: unknown) => {
        this.unfinished.delete(id);
        throw error;
      },
    );
  }

  end(id: number): Promise<void> {
    this.unfinished.delete(id);
    return this.append(JSON.stringify({ end: id }), false);
  }

  async close(): Promise<void> {
    while (this.writing) await this.writing;
    await this.file.close();
  }

  private append(line: string, durable: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line, durable, done: (error) => (error ? reject(error) : resolve()) });
      this.writing ??= this.drain();
    });
  }

  /** Writes everything queued, one write (and one fsync if any line needs it) per round, until the queue is empty. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        if (this.unfinished.size === 0 && this.size > COMPACT_BYTES && batch.every((p) => !p.durable)) {
          // Nothing is open and only ends are waiting: the whole journal can go.
          await this.file.truncate(0);
          this.size = 0;
        } else {
          const text = batch.map((p) => `${p.line}\n`).join("");
          await this.file.write(text);
          this.size += Buffer.byteLength(text);
          if (batch.some((p) => p.durable)) await this.file.datasync();
        }
        batch.forEach((p) => p.done());
      } catch (error) {
        batch.forEach((p) => p.done(error as Error));
      }
    }
    this.writing = undefined;
  }
}

/** Begun and never ended, in the order they began; a torn last line (a begin whose write never completed) is ignored. */
export function unfinishedEntries(text: string): JournalEntry[] {
  const open = new Map<number, JournalEntry>();
  for (const line of text.split("\n")) {
    if (!line) continue;
    let record: { begin?: number; end?: number; table?: string; before?: BeforeImage[] };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      continue;
    }
    if (typeof record.begin === "number") open.set(record.begin, { id: record.begin, table: record.table!, before: record.before ?? [] });
    else if (typeof record.end === "number") open.delete(record.end);
  }
  return [...open.values()];
}
