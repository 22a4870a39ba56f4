// The probing part of GET /summary: health counts, latest fleet-wide averages and totals, stale servers,
// open alerts, and a red/amber/green status with the suggested next action (as on Jetmon's fleet dashboard).
import type { FleetContext } from "../context.js";
import { limiter } from "./concurrency.js";
import { isStale } from "./health-queries.js";
import { iso } from "./metrics-point.js";
import { readBuckets } from "./metrics-store.js";
import { fleetPoint } from "./metrics-queries.js";
import { PROBE_GROUPS } from "./probe-batch.js";
import { loadGroupState, stateSaves, type GroupState } from "./probe-state.js";

const STALE_LISTED = 20;
/** Latest points older than this are not "current". */
const CURRENT_WINDOW_SECONDS = 10 * 60;

/**
 * Probe states and latest metrics change once per probe cycle but take two reads per probe group to
 * gather, so a process reuses them for `summaryFiguresSeconds` (a new cycle saved in this process
 * refreshes them at once). The counts by status and health are never cached: they are read live.
 */
interface ProbeReads {
  states: GroupState[];
  latest: Awaited<ReturnType<typeof readBuckets>>[];
}
const recent = new WeakMap<FleetContext, Map<string, { until: number; saves: number; reads: Promise<ProbeReads> }>>();

function probeReads(ctx: FleetContext, organizationId: string, now: number): Promise<ProbeReads> {
  const perOrganization = recent.get(ctx) ?? new Map<string, { until: number; saves: number; reads: Promise<ProbeReads> }>();
  recent.set(ctx, perOrganization);
  const cached = perOrganization.get(organizationId);
  if (cached && cached.until > Date.now() && cached.saves === stateSaves(ctx)) return cached.reads;
  const limit = limiter(16);
  const groups = Array.from({ length: PROBE_GROUPS }, (_, g) => g);
  const reads = Promise.all([
    Promise.all(groups.map((g) => limit(() => loadGroupState(ctx, organizationId, g)))),
    Promise.all(
      groups.map((g) =>
        limit(() => readBuckets(ctx, organizationId, g, "1m", now - CURRENT_WINDOW_SECONDS, now, { limit: 1, newestFirst: true })),
      ),
    ),
  ]).then(([states, latest]) => ({ states, latest }));
  perOrganization.set(organizationId, {
    until: Date.now() + ctx.config.probes.summaryFiguresSeconds * 1000,
    saves: stateSaves(ctx),
    reads,
  });
  reads.catch(() => perOrganization.delete(organizationId));
  return reads;
}

export async function fleetHealthSummary(ctx: FleetContext, organizationId: string, summaryItem: Record<string, unknown>) {
  const now = Math.floor(ctx.clock.now().getTime() / 1000);
  const { states, latest } = await probeReads(ctx, organizationId, now);

  const count = (name: string) => (typeof summaryItem[`n:health:${name}`] === "number" ? (summaryItem[`n:health:${name}`] as number) : 0);
  const health = {
    healthy: count("healthy"),
    degraded: count("degraded"),
    critical: count("critical"),
    unreachable: count("unreachable"),
    unknown: count("unknown"),
  };
  const active = typeof summaryItem["n:status:active"] === "number" ? (summaryItem["n:status:active"] as number) : 0;

  const stale: string[] = [];
  const alerts: Record<string, number> = {};
  for (const state of states) {
    for (const [key, s] of Object.entries(state.servers)) {
      if (isStale(s, now, ctx.config.probes.healthIntervalSeconds)) stale.push(s.id ?? key);
      for (const rule of Object.keys(s.al ?? {})) alerts[rule] = (alerts[rule] ?? 0) + 1;
    }
  }

  // Each group's newest minute: the fleet's current figures (servers that reported in the last ten minutes).
  const parts = latest.flatMap((buckets) => buckets.flatMap((b) => Object.values(b.data)));
  const newest = Math.max(0, ...latest.flatMap((buckets) => buckets.map((b) => b.start)));
  const current = parts.length ? fleetPoint(newest, "1m", parts) : undefined;
  const metrics = current
    ? {
        as_of: iso(newest),
        servers_reporting: parts.length,
        avg_cpu_percent: current.cpu_percent_avg,
        avg_memory_percent: current.memory_percent_avg,
        avg_disk_percent: current.disk_percent_avg,
        llm_requests_per_minute: current.llm_requests,
        llm_cost_usd_per_minute: current.llm_cost_usd,
        active_users: current.active_users,
        total_users: current.total_users,
        failed_services: current.failed_services,
      }
    : null;

  const openAlerts = Object.values(alerts).reduce((a, b) => a + b, 0);
  const { status, suggested_action } = fleetStatus({ active, ...health, stale: stale.length, openAlerts });
  return {
    health_counts: health,
    metrics,
    stale_servers: { count: stale.length, server_ids: stale.slice(0, STALE_LISTED) },
    open_alerts: { total: openAlerts, by_rule: alerts },
    status,
    suggested_action,
  };
}

interface Figures {
  active: number;
  healthy: number;
  degraded: number;
  critical: number;
  unreachable: number;
  unknown: number;
  stale: number;
  openAlerts: number;
}

/** Red: a tenth or more of the active fleet critical or unreachable. Amber: anything else not green. */
export function fleetStatus(f: Figures): { status: "red" | "amber" | "green"; suggested_action: string } {
  const down = f.critical + f.unreachable;
  if (f.active > 0 && down / f.active >= 0.1) {
    return {
      status: "red",
      suggested_action: `${down} of ${f.active} active servers are critical or unreachable: check the network path and the agents of the unreachable ones first (GET /health/overview?health_status=unreachable).`,
    };
  }
  if (down > 0)
    return {
      status: "amber",
      suggested_action: `Investigate ${down} critical or unreachable server(s) (GET /health/overview?health_status=${f.unreachable ? "unreachable" : "critical"}).`,
    };
  if (f.degraded > 0)
    return {
      status: "amber",
      suggested_action: `${f.degraded} server(s) degraded: review their failed components in GET /servers/{id}/health.`,
    };
  if (f.stale > 0)
    return {
      status: "amber",
      suggested_action: `${f.stale} server(s) have no successful check in three intervals: confirm the probe schedule is running.`,
    };
  if (f.openAlerts > 0)
    return { status: "amber", suggested_action: `${f.openAlerts} open alert(s): see the stale_servers and open_alerts figures.` };
  if (f.unknown > 0)
    return {
      status: "amber",
      suggested_action: `${f.unknown} server(s) not checked yet: wait for the next probe cycle or run POST /health-check/all.`,
    };
  return { status: "green", suggested_action: "No action needed." };
}
