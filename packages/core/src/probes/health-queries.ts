// Reading health: a server's latest health and open alerts, its check history (unpacked from the group's
// check items), and the overview of every server's latest health.
import type { FleetContext } from "../context.js";
import { ValidationFailed } from "../errors.js";
import { getServerItem } from "../servers/registry.js";
import { listServers } from "../servers/listing.js";
import type { ServerListQuery } from "../servers/schema.js";
import { keys } from "../store/keys.js";
import { openAlerts } from "./alerts.js";
import { unpackCheck, type HealthCheck, type PackedChecks } from "./health-record.js";
import { iso } from "./metrics-point.js";
import { memberKey } from "./probe-batch.js";
import { groupOf, historyGroupsOf, loadProbeLayout } from "./probe-layout.js";
import { loadGroupState, type ServerProbeState } from "./probe-state.js";

/** Check items examined per history request at most (a server in backoff is absent from most cycles). */
const HISTORY_SCAN_BUDGET = 2_000;

export function isStale(state: ServerProbeState | undefined, now: number, healthIntervalSeconds: number): boolean {
  if (!state) return false;
  return now - (state.ok ?? state.s0 ?? now) > 3 * healthIntervalSeconds;
}

function probeFacts(state: ServerProbeState | undefined, now: number, interval: number) {
  return {
    consecutive_failures: state?.f ?? 0,
    next_check_at: state?.d !== undefined ? iso(state.d) : null,
    unreachable_since: state?.us !== undefined ? iso(state.us) : null,
    last_success_at: state?.ok !== undefined ? iso(state.ok) : null,
    stale: isStale(state, now, interval),
    open_alerts: openAlerts(state),
  };
}

export async function serverHealth(ctx: FleetContext, organizationId: string, serverId: string) {
  const server = await getServerItem(ctx, organizationId, serverId);
  const layout = await loadProbeLayout(ctx, organizationId);
  const [state, history] = await Promise.all([
    loadGroupState(ctx, organizationId, groupOf(layout, server.id)),
    healthHistory(ctx, organizationId, serverId, { limit: 1 }, server.id),
  ]);
  const now = Math.floor(ctx.clock.now().getTime() / 1000);
  const probe = state.servers[memberKey(server.id)];
  // The item is refreshed by heartbeats only; the group's progress knows the last success to the minute.
  const lastSuccess = probe?.ok !== undefined ? iso(probe.ok) : null;
  return {
    server_id: server.id,
    name: server.name,
    status: server.status,
    health_status: probe?.hs ?? server.health_status,
    last_seen_at: [server.last_seen_at, lastSuccess].reduce((a, b) => (b && (!a || b > a) ? b : a), null as string | null),
    last_health_check_at: history.items[0]?.timestamp ?? server.last_health_check_at,
    response_time_ms: history.items[0]?.response_time_ms ?? server.response_time_ms,
    ...probeFacts(probe, now, ctx.config.probes.healthIntervalSeconds),
    latest_check: history.items[0] ?? null,
  };
}

export interface HistoryQuery {
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/** Newest first. The cursor is the sort key of the last check item examined. */
export async function healthHistory(
  ctx: FleetContext,
  organizationId: string,
  serverId: string,
  query: HistoryQuery,
  knownId?: string,
): Promise<{ items: HealthCheck[]; next_cursor: string | null }> {
  if (!knownId) await getServerItem(ctx, organizationId, serverId);
  const to = query.cursor ? decodeCursor(query.cursor) : (query.to ?? "9999");
  // Checks written under an earlier layout of the organization's groups are in those groups' partitions.
  const layout = await loadProbeLayout(ctx, organizationId);
  const pages = await Promise.all(
    historyGroupsOf(layout, serverId).map((group) => groupHistory(ctx, organizationId, serverId, group, query, to)),
  );
  if (pages.length === 1) return pages[0]!;
  const merged = pages.flatMap((p) => p.items).sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0));
  const items = merged.slice(0, query.limit);
  const more = merged.length > query.limit || pages.some((p) => p.next_cursor);
  const last = items[items.length - 1];
  return { items, next_cursor: more && last ? Buffer.from(last.timestamp).toString("base64url") : null };
}

/** Newest first, in one group's partition. */
async function groupHistory(
  ctx: FleetContext,
  organizationId: string,
  serverId: string,
  group: number,
  query: HistoryQuery,
  to: string,
): Promise<{ items: HealthCheck[]; next_cursor: string | null }> {
  const items: HealthCheck[] = [];
  let start: Record<string, unknown> | undefined;
  let examined = 0;
  let lastSk: string | undefined;
  outer: do {
    const page = await ctx.table.query<{ pk: string; sk: string; data: string }>({
      KeyConditionExpression: query.from ? "pk = :pk AND sk BETWEEN :from AND :to" : "pk = :pk AND sk < :to",
      ExpressionAttributeValues: {
        ":pk": keys.healthChecks(organizationId, group),
        ":to": to,
        ...(query.from ? { ":from": query.from } : {}),
      },
      ScanIndexForward: false,
      ExclusiveStartKey: start,
      Limit: Math.min(200, Math.max(query.limit * 2, 10)),
    });
    for (const item of page.items) {
      examined++;
      lastSk = item.sk;
      const packed = (JSON.parse(item.data) as PackedChecks)[memberKey(serverId)];
      if (packed) items.push(unpackCheck(serverId, item.sk.slice(0, 24), packed));
      if (items.length >= query.limit || examined >= HISTORY_SCAN_BUDGET) break outer;
    }
    start = page.lastKey;
    if (!start) lastSk = undefined;
  } while (start);
  return { items, next_cursor: lastSk ? Buffer.from(lastSk).toString("base64url") : null };
}

function decodeCursor(cursor: string): string {
  const sk = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^\d{4}-\d\d-\d\dT/.test(sk))
    throw new ValidationFailed("cursor is not valid", [{ path: "cursor", message: "use next_cursor from a previous page" }]);
  return sk;
}

/** Latest health of every (non-decommissioned) server, a page at a time, with probe facts from the group states. */
export async function healthOverview(ctx: FleetContext, organizationId: string, query: ServerListQuery) {
  const page = await listServers(ctx, organizationId, query);
  const layout = await loadProbeLayout(ctx, organizationId);
  const groups = [...new Set(page.items.map((s) => groupOf(layout, s.id)))];
  const states = new Map(await Promise.all(groups.map(async (g) => [g, await loadGroupState(ctx, organizationId, g)] as const)));
  const now = Math.floor(ctx.clock.now().getTime() / 1000);
  const interval = ctx.config.probes.healthIntervalSeconds;
  return {
    items: page.items.map((server) => {
      const state = states.get(groupOf(layout, server.id))?.servers[memberKey(server.id)];
      return {
        server_id: server.id,
        name: server.name,
        hostname: server.hostname,
        region: server.region,
        environment: server.environment,
        status: server.status,
        health_status: server.health_status,
        last_seen_at: server.last_seen_at,
        last_health_check_at: server.last_health_check_at,
        response_time_ms: server.response_time_ms,
        ...probeFacts(state, now, interval),
      };
    }),
    next_cursor: page.next_cursor,
  };
}
