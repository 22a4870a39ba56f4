// Reading metrics: one server's points or rollups over a range, and fleet-wide aggregates per bucket.
import type { FleetContext } from "../context.js";
import { ValidationFailed } from "../errors.js";
import { getServerItem } from "../servers/registry.js";
import { limiter } from "./concurrency.js";
import {
  aggregate,
  bucketStart,
  epoch,
  FIELDS,
  iso,
  PERIOD_SECONDS,
  pointFromAggregate,
  pointFromPacked,
  type MetricsPoint,
  type PackedAggregate,
  type PackedPoint,
  type Period,
} from "./metrics-point.js";
import { readBuckets } from "./metrics-store.js";
import { memberKey } from "./probe-batch.js";
import { allHistoryGroups, historyGroupsOf, loadProbeLayout } from "./probe-layout.js";
import { stateSaves } from "./probe-state.js";

export interface RangeQuery {
  from?: string;
  to?: string;
  period: Period;
  limit: number;
}

/** Default window per period when `from` is absent. */
const DEFAULT_WINDOW_SECONDS: Record<Period, number> = { "1m": 3600, "5m": 86_400, "1h": 7 * 86_400, "1d": 90 * 86_400 };

function range(ctx: FleetContext, query: RangeQuery): { from: number; to: number } {
  const to = query.to ? epoch(query.to) : Math.floor(ctx.clock.now().getTime() / 1000);
  const from = query.from ? epoch(query.from) : to - DEFAULT_WINDOW_SECONDS[query.period];
  if (Number.isNaN(from) || Number.isNaN(to))
    throw new ValidationFailed("from and to must be ISO 8601 times", [
      { path: query.from && Number.isNaN(from) ? "from" : "to", message: "not a time" },
    ]);
  if (from > to) throw new ValidationFailed("from must not be after to", [{ path: "from", message: "after to" }]);
  // Buckets are named by their start: one that began before `from` but covers it is included.
  return { from: bucketStart(from, query.period), to };
}

function toPoint(start: number, period: Period, packed: PackedPoint | PackedAggregate): MetricsPoint {
  return period === "1m"
    ? pointFromPacked(iso(start), packed as PackedPoint)
    : pointFromAggregate(iso(start), period, packed as PackedAggregate);
}

export async function serverMetrics(ctx: FleetContext, organizationId: string, serverId: string, query: RangeQuery) {
  await getServerItem(ctx, organizationId, serverId);
  const { from, to } = range(ctx, query);
  // Points written under an earlier layout of the organization's groups are in those groups' items.
  const layout = await loadProbeLayout(ctx, organizationId);
  const byStart = new Map<number, PackedPoint | PackedAggregate>();
  for (const group of historyGroupsOf(layout, serverId).reverse()) {
    for (const bucket of await readBuckets(ctx, organizationId, group, query.period, from, to)) {
      const packed = bucket.data[memberKey(serverId)];
      if (packed) byStart.set(bucket.start, packed);
    }
  }
  const points = [...byStart.entries()].sort(([a], [b]) => a - b).map(([start, packed]) => toPoint(start, query.period, packed));
  // The most recent `limit` points, oldest first.
  return {
    server_id: serverId,
    period: query.period,
    from: iso(from),
    to: iso(to),
    points: points.slice(-query.limit),
    truncated: points.length > query.limit,
  };
}

type FleetSeries = Awaited<ReturnType<typeof computeAggregatedMetrics>>;
interface KeptSeries {
  until: number;
  /** This process's probe-state saves when computed: one saved since makes it out of date. */
  saves: number;
  series: Promise<FleetSeries>;
}
const recentSeries = new WeakMap<FleetContext, Map<string, KeptSeries>>();

/**
 * Fleet-wide figures per bucket: averages (with max) of the percentages across servers, sums of counters
 * and users. Reads every probe group's items of the range (bounded by `limit` buckets), which at 10,000
 * servers takes most of a second of the process's CPU; the console's overview asks for the last 24 hours on
 * every load. So a process reuses an answer for the same range (to the bucket) for the period's length, at
 * most a minute and at least `summaryFiguresSeconds` (0: never), and drops it when it saves a probe state
 * itself; concurrent requests share one read.
 */
export async function aggregatedMetrics(ctx: FleetContext, organizationId: string, query: RangeQuery): Promise<FleetSeries> {
  const window = ctx.config.probes.summaryFiguresSeconds;
  if (window === 0) return computeAggregatedMetrics(ctx, organizationId, query);
  const { from, to } = range(ctx, query);
  const key = [organizationId, query.period, query.limit, from, bucketStart(to, query.period)].join("|");
  const perContext = recentSeries.get(ctx) ?? new Map<string, KeptSeries>();
  recentSeries.set(ctx, perContext);
  const now = Date.now();
  for (const [k, kept] of perContext) if (kept.until <= now || kept.saves !== stateSaves(ctx)) perContext.delete(k);
  const kept = perContext.get(key);
  if (kept) return kept.series;
  const entry: KeptSeries = {
    until: now + Math.max(window, Math.min(60, PERIOD_SECONDS[query.period])) * 1000,
    saves: stateSaves(ctx),
    series: computeAggregatedMetrics(ctx, organizationId, query),
  };
  perContext.set(key, entry);
  entry.series.catch(() => perContext.get(key) === entry && perContext.delete(key));
  return entry.series;
}

async function computeAggregatedMetrics(ctx: FleetContext, organizationId: string, query: RangeQuery) {
  const { from: start, to } = range(ctx, query);
  const from = Math.max(start, to - PERIOD_SECONDS[query.period] * query.limit);
  const limit = limiter(16);
  // Every group of every layout the organization has had; a member in two layouts' items counts once (the current).
  const layout = await loadProbeLayout(ctx, organizationId);
  const groups = await Promise.all(
    allHistoryGroups(layout)
      .reverse()
      .map((g) => limit(() => readBuckets(ctx, organizationId, g, query.period, bucketStart(from, query.period), to))),
  );
  const perBucket = new Map<number, Map<string, PackedPoint | PackedAggregate>>();
  for (const buckets of groups)
    for (const b of buckets) {
      const members = perBucket.get(b.start) ?? perBucket.set(b.start, new Map()).get(b.start)!;
      for (const [member, packed] of Object.entries(b.data)) members.set(member, packed);
    }
  const points = [...perBucket.entries()]
    .sort(([a], [b]) => a - b)
    .map(([startAt, members]) => fleetPoint(startAt, query.period, [...members.values()]));
  return { period: query.period, from: iso(from), to: iso(to), points };
}

/** Each server contributes its own average for the bucket; the fleet figure averages or sums those. */
export function fleetPoint(start: number, period: Period, parts: Array<PackedPoint | PackedAggregate>) {
  const perServer = parts.map((p) => (period === "1m" ? aggregate([p as PackedPoint]) : (p as PackedAggregate)));
  const values = (i: number, counter: boolean) =>
    perServer
      .map((a) => a[i])
      .filter((v): v is [number, number, number, number] => v !== null)
      .map((v) => (counter ? v[0] : v[0] / v[3]));
  const point: Record<string, number | string | null> = { timestamp: iso(start), period, servers: parts.length };
  FIELDS.forEach((field, i) => {
    const counter = ["network_rx_bytes", "network_tx_bytes", "llm_requests", "llm_cost_usd"].includes(field);
    const list = values(i, counter);
    if (field.endsWith("_percent")) {
      point[`${field}_avg`] = list.length ? round(list.reduce((a, b) => a + b, 0) / list.length) : null;
      point[`${field}_max`] = list.length ? Math.max(...perServer.map((a) => a[i]?.[2] ?? -Infinity)) : null;
    } else {
      point[field] = list.length ? round(list.reduce((a, b) => a + b, 0)) : null;
    }
  });
  return point;
}

const round = (n: number) => Math.round(n * 100) / 100;
