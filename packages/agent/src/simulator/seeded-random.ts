// Deterministic pseudo-randomness for the simulator: every value is a pure function of (seed, keys...).

/** 32-bit integer hash of a sequence of integers (murmur3-style finaliser per step). */
export function hash32(...keys: number[]): number {
  let h = 0x811c9dc5;
  for (const key of keys) {
    h = Math.imul(h ^ (key | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    // Fold in the high bits of large keys (minute numbers, seeds) that `| 0` drops.
    h = Math.imul(h ^ Math.floor(key / 0x100000000), 0x27d4eb2d);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** Uniform in [0, 1). */
export function unit(...keys: number[]): number {
  return hash32(...keys) / 0x100000000;
}

export function pick<T>(items: readonly T[], ...keys: number[]): T {
  return items[Math.floor(unit(...keys) * items.length)]!;
}
