// Which answers are retried, and how long the client waits.
import { expect, test } from "vitest";
import { DEFAULT_RETRY, retryable, retryDelay } from "./retry.js";

test("429 and 503 are retried for every method; other 5xx and lost connections only for idempotent methods; 4xx never", () => {
  expect(retryable("POST", 429)).toBe(true);
  expect(retryable("POST", 503)).toBe(true);
  expect(retryable("POST", 500)).toBe(false);
  expect(retryable("PATCH", undefined)).toBe(false);
  expect(retryable("GET", 502)).toBe(true);
  expect(retryable("DELETE", undefined)).toBe(true);
  expect(retryable("GET", 404)).toBe(false);
});

test("Retry-After is honoured up to the cap; otherwise the backoff doubles with full jitter and stays under the cap", () => {
  expect(retryDelay(DEFAULT_RETRY, 1, "2")).toBe(2_000);
  expect(retryDelay(DEFAULT_RETRY, 1, "3600")).toBe(DEFAULT_RETRY.maxDelayMs);
  expect(retryDelay(DEFAULT_RETRY, 3, null, () => 1)).toBe(1_000);
  expect(retryDelay(DEFAULT_RETRY, 10, null, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs);
  expect(retryDelay(DEFAULT_RETRY, 2, "soon", () => 0.5)).toBe(250);
});
