// Latency statistics for benchmarks: medians and tail percentiles from one run's samples.
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function summarize(samplesMs: number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(sorted[sorted.length - 1] ?? 0) };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * Runs `task` `count` times one after another (or until `maxSeconds`), timing each run. This process's heap
 * is collected first (`npm run bench` exposes `gc`), so that a case's figures do not include the client
 * collecting what the case before it left behind.
 */
export async function timeSequential(count: number, maxSeconds: number, task: (i: number) => Promise<void>): Promise<number[]> {
  (globalThis as { gc?: () => void }).gc?.();
  const samples: number[] = [];
  const deadline = performance.now() + maxSeconds * 1000;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const started = performance.now();
    await task(i);
    samples.push(performance.now() - started);
  }
  return samples;
}
