import { expect, test } from "vitest";
import { deliveryRetry } from "./delivery-attempt.js";

test("retry delays double from the base up to the cap, jittered between half and all of it", () => {
  const settings = { retryBaseMs: 1_000, retryMaxMs: 60_000 };
  expect([1, 2, 3, 4].map((n) => deliveryRetry(settings, n, 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
  expect([1, 2, 3].map((n) => deliveryRetry(settings, n, 0))).toEqual([500, 1_000, 2_000]);
  expect(deliveryRetry(settings, 50, 1)).toBe(60_000);
  expect(deliveryRetry(settings, 50, 0)).toBe(30_000);
});

test("with the default settings a delivery is retried for more than 24 hours before it is dead-lettered", () => {
  const settings = { retryBaseMs: 30_000, retryMaxMs: 3_600_000 };
  const retryForMs = 25 * 3_600_000;
  // The window is what bounds retries; even with the shortest jitter every attempt, the attempts span it.
  let elapsed = 0;
  let attempts = 0;
  while (elapsed + deliveryRetry(settings, attempts + 1, 0) <= retryForMs) elapsed += deliveryRetry(settings, ++attempts, 0);
  expect(elapsed).toBeGreaterThan(24 * 3_600_000);
  expect(attempts).toBeGreaterThan(20);
});
