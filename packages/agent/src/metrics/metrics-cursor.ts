// Cursor paging over one-minute metrics samples: the semantics behind GET /api/v1/metrics?since=CURSOR.
//
// Every sample gets a sequence number, contiguous and increasing within one "epoch" (one lifetime of the
// buffer, e.g. one agent boot). A cursor is the opaque string "<epoch>.<seq>" naming the last sample a
// caller has received. `since=C` returns the samples after C, oldest first, and a new cursor naming the
// last one returned, so consecutive calls yield every sample exactly once: no duplicates, no gaps.
// Gaps happen only when the caller falls further behind than the buffer holds, or the agent restarted
// (cursor from another epoch); then the page starts at the oldest buffered sample and `missed_samples`
// says how many were lost, when known.
import { RequestRejected, type MetricsPage, type MetricsPoint } from "../protocol.js";

export interface SampleSource {
  readonly epoch: string;
  /** Sequence number of the oldest retained sample; greater than newestSeq() when empty. */
  oldestSeq(): number;
  newestSeq(): number;
  sampleAt(seq: number): MetricsPoint;
}

export interface MetricsPageWithGap extends MetricsPage {
  missed_samples?: number;
}

export const MAX_PAGE_SAMPLES = 1000;

export function encodeCursor(epoch: string, seq: number): string {
  return `${epoch}.${seq}`;
}

export function decodeCursor(cursor: string): { epoch: string; seq: number } {
  const dot = cursor.lastIndexOf(".");
  const seq = Number(cursor.slice(dot + 1));
  if (dot <= 0 || !Number.isSafeInteger(seq) || seq < 0) {
    throw new RequestRejected(400, "validation_failed", "since must be a cursor returned by this endpoint", [
      { path: "since", message: "malformed cursor" },
    ]);
  }
  return { epoch: cursor.slice(0, dot), seq };
}

export function parseLimit(raw: string | null): number {
  if (raw === null) return MAX_PAGE_SAMPLES;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RequestRejected(400, "validation_failed", "limit must be a positive integer", [{ path: "limit", message: "invalid" }]);
  }
  return Math.min(limit, MAX_PAGE_SAMPLES);
}

export function pageSamples(source: SampleSource, since: string | null, limit = MAX_PAGE_SAMPLES): MetricsPageWithGap {
  const oldest = source.oldestSeq();
  const newest = source.newestSeq();
  let from = oldest;
  let missed = 0;
  if (since !== null && since !== "") {
    const cursor = decodeCursor(since);
    if (cursor.epoch === source.epoch) {
      // A cursor ahead of the newest sample cannot come from us; answer "nothing new" rather than fail.
      if (cursor.seq >= newest) return { samples: [], cursor: encodeCursor(source.epoch, Math.max(newest, 0)) };
      from = cursor.seq + 1;
      if (from < oldest) {
        missed = oldest - from;
        from = oldest;
      }
    }
  }
  const samples: MetricsPoint[] = [];
  for (let seq = from; seq <= newest && samples.length < limit; seq++) samples.push(source.sampleAt(seq));
  const last = samples.length > 0 ? from + samples.length - 1 : Math.max(from - 1, 0);
  return { samples, cursor: encodeCursor(source.epoch, last), ...(missed > 0 ? { missed_samples: missed } : {}) };
}
