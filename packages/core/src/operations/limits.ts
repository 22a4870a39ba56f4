// Rate and error control as AWS Systems Manager Run Command defines them, and the Map limits that follow from Step Functions.
import type { CountOrPercent } from "./schema.js";

/** "N%" of the targets rounded up, at least 1; a number is taken as is (but never more than the targets). */
export function effectiveConcurrency(value: CountOrPercent, targets: number): number {
  const wanted = typeof value === "number" ? value : Math.ceil((targets * percent(value)) / 100);
  return Math.max(1, Math.min(wanted, Math.max(targets, 1)));
}

/**
 * Failures tolerated: "N%" of the targets rounded down. As in Run Command, the operation stops starting
 * servers once failures exceed this number (max_errors 3: after the 4th failure; 0: after the first).
 */
export function effectiveMaxErrors(value: CountOrPercent, targets: number): number {
  return typeof value === "number" ? value : Math.floor((targets * percent(value)) / 100);
}

function percent(value: string): number {
  return Number(value.slice(0, -1));
}

/**
 * An inline Map runs inside one execution, whose history holds at most 25,000 events (about 12 per
 * server here, more with retries), and runs at most 40 iterations at once. Beyond either limit the
 * workflow takes the distributed Map, which runs each server as a child execution.
 */
export const INLINE_MAP_MAX_ITEMS = 1_000;
export const INLINE_MAP_MAX_CONCURRENCY = 40;

export type MapMode = "inline" | "distributed" | "none";

export function mapMode(targets: number, concurrency: number): MapMode {
  if (targets === 0) return "none";
  return targets > INLINE_MAP_MAX_ITEMS || concurrency > INLINE_MAP_MAX_CONCURRENCY ? "distributed" : "inline";
}
