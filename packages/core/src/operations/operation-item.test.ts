import { expect, test } from "vitest";
import { finishedSequence, PROGRESS_SHARDS, resultSequence, STARTED_SEQUENCE } from "./operation-item.js";

test("a result's progress sequence is unique across shards, above its shard's last, and above Started", () => {
  const ms = Date.parse("2026-12-02T10:00:00Z");
  const sameMillisecond = Array.from({ length: PROGRESS_SHARDS }, (_, position) => resultSequence(ms, position));
  expect(new Set(sameMillisecond).size).toBe(PROGRESS_SHARDS);
  expect(Math.min(...sameMillisecond)).toBeGreaterThan(STARTED_SEQUENCE);
  // The shard's last is as new or newer (same millisecond, or a clock behind): the next number of that shard.
  const last = resultSequence(ms, 3);
  expect(resultSequence(ms, 19, last)).toBe(last + PROGRESS_SHARDS);
  expect(resultSequence(ms - 5000, 3, last) % PROGRESS_SHARDS).toBe(3);
  expect(resultSequence(ms + 1, 3, last)).toBeGreaterThan(last);
  expect(Number.isSafeInteger(resultSequence(Date.parse("2200-01-01T00:00:00Z"), 15))).toBe(true);
  expect(finishedSequence({ progress_sequence: last })).toBe(last + 1);
  expect(finishedSequence({ progress_sequence: 0 })).toBe(STARTED_SEQUENCE + 1);
});
