// Metrics storage: one item per probe group and bucket (1m points, 5m/1h/1d rollups), each period with its
// own TTL. Late points (backfill after missed polls) merge into existing items and re-roll closed buckets.
import type { FleetContext } from "../context.js";
import { keys } from "../store/keys.js";
import {
  aggregate,
  bucketStart,
  epoch,
  iso,
  PERIOD_SECONDS,
  ROLLUP_SOURCE,
  type PackedAggregate,
  type PackedPoint,
  type Period,
} from "./metrics-point.js";

type Packed = PackedPoint | PackedAggregate;
interface BucketItem {
  pk: string;
  sk: string;
  data: string;
}

/** Buckets closed while a whole group was silent are caught up this far back at most. */
const CATCH_UP_BUCKETS = 12;

function bucketItem(ctx: FleetContext, organizationId: string, group: number, period: Period, start: number, data: Record<string, Packed>) {
  return {
    ...keys.metricsBucket(organizationId, group, period, iso(start)),
    entity: "metrics",
    period,
    // One string attribute rather than a map of maps: DynamoDB bills attribute names too.
    data: JSON.stringify(data),
    expires_at: start + PERIOD_SECONDS[period] + ctx.config.metricsRetention[period],
  };
}

/** The group's items of a period whose bucket starts in [from, to] (epoch s), oldest first. */
export async function readBuckets(
  ctx: FleetContext,
  organizationId: string,
  group: number,
  period: Period,
  from: number,
  to: number,
  options: { limit?: number; newestFirst?: boolean; consistent?: boolean } = {},
): Promise<Array<{ start: number; data: Record<string, Packed> }>> {
  const input = {
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
    ExpressionAttributeValues: { ":pk": keys.metrics(organizationId, group, period), ":from": iso(from), ":to": iso(to) },
    ScanIndexForward: !options.newestFirst,
    ConsistentRead: options.consistent,
  };
  const items = options.limit
    ? (await ctx.table.query<BucketItem>({ ...input, Limit: options.limit })).items
    : await ctx.table.queryAll<BucketItem>(input);
  return items.map((item) => ({ start: epoch(item.sk), data: JSON.parse(item.data) as Record<string, Packed> }));
}

/**
 * Stores one-minute points (minute start → server → point), merging into items that already hold other
 * members' points for the same minute, then rolls up every closed bucket the new points fall in.
 * Returns the rollup marks to keep in the group's state.
 */
export async function storeMinutePoints(
  ctx: FleetContext,
  organizationId: string,
  group: number,
  points: Map<number, Record<string, PackedPoint>>,
  rolled: Record<string, string>,
): Promise<Record<string, string>> {
  if (points.size === 0) return {};
  const minutes = [...points.keys()].sort((a, b) => a - b);
  const existing = await readBuckets(ctx, organizationId, group, "1m", minutes[0]!, minutes[minutes.length - 1]!, { consistent: true });
  const merged = new Map(existing.map((b) => [b.start, b.data]));
  const puts = minutes.map((minute) => ({
    put: bucketItem(ctx, organizationId, group, "1m", minute, { ...merged.get(minute), ...points.get(minute) }),
  }));
  await ctx.table.batchWrite(puts);
  return rollUp(ctx, organizationId, group, minutes, rolled);
}

async function rollUp(
  ctx: FleetContext,
  organizationId: string,
  group: number,
  touchedMinutes: number[],
  rolled: Record<string, string>,
): Promise<Record<string, string>> {
  // Points arrive in order per agent, so once minute m is stored every bucket ending by m+1 min is final.
  const horizon = Math.max(...touchedMinutes) + 60;
  let touched = new Set(touchedMinutes);
  const marks: Record<string, string> = {};
  for (const period of ["5m", "1h", "1d"] as const) {
    const source = ROLLUP_SOURCE[period]!;
    const length = PERIOD_SECONDS[period];
    const lastClosed = bucketStart(horizon, period) - length;
    const candidates = new Set([...touched].map((t) => bucketStart(t, period)));
    const since = rolled[period] ? epoch(rolled[period]) + length : lastClosed;
    for (let b = Math.max(since, lastClosed - CATCH_UP_BUCKETS * length); b <= lastClosed; b += length) candidates.add(b);
    const computed = new Set<number>();
    for (const start of [...candidates].sort((a, b) => a - b)) {
      if (start + length > horizon) continue;
      const parts = await readBuckets(ctx, organizationId, group, source, start, start + length - 1, { consistent: true });
      if (parts.length === 0) continue;
      const byServer = new Map<string, Packed[]>();
      for (const part of parts)
        for (const [id, packed] of Object.entries(part.data)) byServer.set(id, [...(byServer.get(id) ?? []), packed]);
      const data: Record<string, PackedAggregate> = {};
      for (const [id, list] of byServer) data[id] = aggregate(list);
      await ctx.table.put({ Item: bucketItem(ctx, organizationId, group, period, start, data) });
      computed.add(start);
    }
    if (!rolled[period] || epoch(rolled[period]) < lastClosed) marks[period] = iso(lastClosed);
    touched = computed;
  }
  return marks;
}
