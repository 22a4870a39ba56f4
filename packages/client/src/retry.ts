// Retries on 429 and 5xx with bounded, jittered exponential backoff that honours Retry-After.

export interface RetryPolicy {
  /** Attempts in all, the first included (default 4). 1 turns retries off. */
  attempts: number;
  /** The first backoff; each retry doubles it, with full jitter (default 250 ms). */
  baseDelayMs: number;
  /** No single wait is longer, Retry-After included (default 5 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 5_000 };

/** Methods the API treats as idempotent: a 5xx or a lost connection may be retried without doing the work twice. */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/**
 * Whether an answer may be retried. 429 and 503 mean the request was turned away before any work, so every
 * method retries them; other 5xx (and no answer at all) only for idempotent methods, since a POST may have
 * done its work before the failure.
 */
export function retryable(method: string, status: number | undefined): boolean {
  if (status === 429 || status === 503) return true;
  if (status === undefined || status >= 500) return IDEMPOTENT.has(method.toUpperCase());
  return false;
}

/** The wait before retry number `retry` (1-based): Retry-After when the API gave one, else full-jitter backoff. */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfter: string | null, random = Math.random): number {
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, policy.maxDelayMs);
  return Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1)));
}
