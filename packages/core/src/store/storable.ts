// What a DynamoDB item can hold, checked on client JSON before it reaches the store: DynamoDB refuses documents
// nested deeper than 32 levels and numbers outside ±1e126 / 1e-130, and a JavaScript object cannot safely carry
// `__proto__` or `constructor` as data keys. The walk is iterative and stops at the limit, so no input can
// exhaust the stack.
import type { ErrorDetail } from "../errors.js";

/**
 * How deep a client's JSON body may nest (the body itself is level 1). Items embed request values a few levels
 * down (an event's `detail.data.server.metadata`), so this stays well below DynamoDB's 32.
 */
export const MAX_BODY_DEPTH = 16;

/** Keys that a plain object cannot hold as data: assignment changes the prototype or hides the constructor. */
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** In a `u` regex a surrogate pair is one code point, so this matches only lone surrogates (not valid UTF-8). */
const LONE_SURROGATE = /\p{Cs}/u;

export function wellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** DynamoDB numbers: 38 significant digits, magnitude from 1e-130 to below 1e126. */
export function storableNumber(n: number): boolean {
  if (!Number.isFinite(n)) return false;
  const magnitude = Math.abs(n);
  return magnitude === 0 || (magnitude >= 1e-130 && magnitude < 1e126);
}

/** The first part of `value` that DynamoDB (or a plain object) would refuse, with its path; undefined if all is well. */
export function findUnstorable(value: unknown, maxDepth: number = MAX_BODY_DEPTH): ErrorDetail | undefined {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: "", depth: 0 }];
  while (pending.length > 0) {
    const { value: item, path, depth } = pending.pop()!;
    const where = path || "(body)";
    if (typeof item === "string") {
      if (!wellFormed(item)) return { path: where, message: "strings must be valid Unicode (no lone surrogates)" };
    } else if (typeof item === "number") {
      if (!storableNumber(item)) return { path: where, message: "numbers must be finite, with a magnitude from 1e-130 to below 1e126" };
    } else if (item !== null && typeof item === "object") {
      if (depth + 1 > maxDepth) return { path: where, message: `JSON may nest at most ${maxDepth} levels` };
      const entries: Array<[string, unknown]> = Array.isArray(item) ? item.map((v, i) => [String(i), v]) : Object.entries(item);
      for (const [key, child] of entries) {
        const childPath = path ? `${path}.${key}` : key;
        if (!Array.isArray(item)) {
          if (PROTOTYPE_KEYS.has(key)) return { path: childPath, message: `"${key}" is not accepted as a key` };
          if (!wellFormed(key)) return { path: where, message: "keys must be valid Unicode (no lone surrogates)" };
        }
        pending.push({ value: child, path: childPath, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
