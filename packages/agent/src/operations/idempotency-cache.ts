// Remembers operation runs by idempotency key, so a retried request gets the first run's result instead of a second run.
import { RequestRejected, type OperationResult } from "../protocol.js";

interface Entry {
  fingerprint: string;
  result: Promise<OperationResult>;
  stored_at: number;
}

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 24 * 60 * 60 * 1000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Returns the promise of the run recorded under `key`, starting `run` only if none is recorded. A concurrent
   * retry therefore awaits the same in-flight run. The same key with a different request is a client bug: 409.
   */
  runOnce(key: string, fingerprint: string, run: () => Promise<OperationResult>): Promise<OperationResult> {
    const existing = this.entries.get(key);
    if (existing && this.now() - existing.stored_at < this.ttlMs) {
      if (existing.fingerprint !== fingerprint) {
        throw new RequestRejected(409, "conflict", "idempotency_key was already used for a different operation request");
      }
      return existing.result;
    }
    this.evict();
    const result = run();
    this.entries.set(key, { fingerprint, result, stored_at: this.now() });
    return result;
  }

  private evict(): void {
    // Map iteration is insertion order, so the first entries are the oldest.
    for (const [key, entry] of this.entries) {
      if (this.entries.size < this.maxEntries && this.now() - entry.stored_at < this.ttlMs) break;
      this.entries.delete(key);
    }
  }
}
