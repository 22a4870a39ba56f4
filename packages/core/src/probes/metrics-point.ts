// Metrics points and rollups: the wire shape, the packed form stored per group item, and aggregation
// (percentages and other gauges averaged with min and max; counters summed).
import type { MetricsSample } from "../agents/protocol.js";

export const PERIODS = ["1m", "5m", "1h", "1d"] as const;
export type Period = (typeof PERIODS)[number];
export const PERIOD_SECONDS: Record<Period, number> = { "1m": 60, "5m": 300, "1h": 3600, "1d": 86_400 };
/** Each rollup period is built from the one before it. */
export const ROLLUP_SOURCE: Partial<Record<Period, Period>> = { "5m": "1m", "1h": "5m", "1d": "1h" };

export const GAUGES = [
  "cpu_percent",
  "memory_percent",
  "disk_percent",
  "active_services",
  "failed_services",
  "total_services",
  "active_users",
  "total_users",
] as const;
export const COUNTERS = ["network_rx_bytes", "network_tx_bytes", "llm_requests", "llm_cost_usd"] as const;
export const FIELDS = [...GAUGES, ...COUNTERS] as const;
export type Field = (typeof FIELDS)[number];
const isCounter = (field: Field) => (COUNTERS as readonly string[]).includes(field);

/** A point on the wire: timestamp, period, each field (avg or sum) and, for rollups, `*_min`, `*_max` and `samples`. */
export type MetricsPoint = Record<string, number | string | null> & { timestamp: string; period: Period };

/** A one-minute point as stored: the fields in FIELDS order. */
export type PackedPoint = Array<number | null>;
/** A rollup as stored: per field [sum, min, max, n]. */
export type PackedAggregate = Array<[number, number, number, number] | null>;

export function packSample(sample: MetricsSample): PackedPoint {
  return FIELDS.map((f) => (typeof sample[f] === "number" ? (sample[f] as number) : null));
}

export function pointFromPacked(timestamp: string, packed: PackedPoint): MetricsPoint {
  const point: MetricsPoint = { timestamp, period: "1m" };
  FIELDS.forEach((f, i) => (point[f] = packed[i] ?? null));
  return point;
}

/** Folds points (packed 1m) or rollups (packed aggregates) into one aggregate. */
export function aggregate(parts: Array<PackedPoint | PackedAggregate>): PackedAggregate {
  const out: PackedAggregate = FIELDS.map(() => null);
  for (const part of parts) {
    FIELDS.forEach((_, i) => {
      const v = part[i];
      if (v === null || v === undefined) return;
      const [sum, min, max, n] = typeof v === "number" ? [v, v, v, 1] : v;
      const acc = out[i];
      out[i] = acc ? [acc[0] + sum, Math.min(acc[1], min), Math.max(acc[2], max), acc[3] + n] : [sum, min, max, n];
    });
  }
  return out;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

export function pointFromAggregate(timestamp: string, period: Period, packed: PackedAggregate): MetricsPoint {
  const point: MetricsPoint = { timestamp, period };
  let samples = 0;
  FIELDS.forEach((f, i) => {
    const a = packed[i];
    point[f] = a ? round(isCounter(f) ? a[0] : a[0] / a[3]) : null;
    point[`${f}_min`] = a ? a[1] : null;
    point[`${f}_max`] = a ? a[2] : null;
    if (a) samples = Math.max(samples, a[3]);
  });
  point.samples = samples;
  return point;
}

/** Start of the bucket of `period` containing `epochSeconds`, as epoch seconds. */
export function bucketStart(epochSeconds: number, period: Period): number {
  return epochSeconds - (epochSeconds % PERIOD_SECONDS[period]);
}

export const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();
export const epoch = (isoTime: string) => Math.floor(Date.parse(isoTime) / 1000);
