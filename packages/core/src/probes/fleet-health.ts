// The probing part of GET /summary: health counts, latest fleet-wide averages and totals, stale servers,
// open alerts, and a red/amber/green status with the suggested next action (as on Jetmon's fleet dashboard).
import type { FleetContext } from "../context.js";
import { limiter } from "./concurrency.js";
import { isStale } from "./health-queries.js";
import { iso } from "./metrics-point.js";
import { readBuckets } from "./metrics-store.js";
import { fleetPoint } from "./metrics-queries.js";
import { groupIds, loadProbeLayout } from "./probe-layout.js";
import { loadGroupState, stateSaves, type GroupState } from "./probe-state.js";

const STALE_LISTED = 20;
/** Latest points older than this are not "current". */
const CURRENT_WINDOW_SECONDS = 10 * 60;

/**
 * Probe states and latest metrics change once per probe cycle but take two reads per probe group to
 * gather, so a process computes these figures once and reuses them for `summaryFiguresSeconds`. After
 * that they are refreshed in the background while the previous figures are served, for up to three
 * times as long (so no request waits on the refresh); older figures, or a state saved by this process
 * since, are recomputed before answering. The counts by status and health come from the summary item
 * (fleet-summary.ts), reused for at most `summaryCountsSeconds` and re-read after any write of this process.
 */
interface ProbeFigures {
  stale: string[];
  alerts: Record<string, number>;
  metrics: Record<string, unknown> | null;
}
interface Cached {
  computedAt: number;
  saves: number;
  figures: Promise<ProbeFigures>;
  refreshing?: Promise<unknown>;
}
const recent = new WeakMap<FleetContext, Map<string, Cached>>();

function probeFigures(ctx: FleetContext, organizationId: string): Promise<ProbeFigures> {
  const perOrganization = recent.get(ctx) ?? new Map<string, Cached>();
  recent.set(ctx, perOrganization);
  const window = ctx.config.probes.summaryFiguresSeconds * 1000;
  const cached = perOrganization.get(organizationId);
  const age = cached ? Date.now() - cached.computedAt : Infinity;
  if (cached && cached.saves === stateSaves(ctx) && age < 3 * window) {
    if (age >= window && !cached.refreshing) {
      // Nobody waits for this one: one read at a time, so it delays the requests served meanwhile by one read at most.
      const next = compute(ctx, organizationId, 1);
      cached.refreshing = next.figures.then(
        () => perOrganization.set(organizationId, next),
        () => (cached.refreshing = undefined),
      );
    }
    return cached.figures;
  }
  const fresh = compute(ctx, organizationId, 16);
  perOrganization.set(organizationId, fresh);
  fresh.figures.catch(() => perOrganization.get(organizationId) === fresh && perOrganization.delete(organizationId));
  return fresh.figures;
}

/** Figures being computed (in the background or for a request), so a runtime shutting down can let them finish before closing the store. */
const inFlight = new WeakMap<FleetContext, Set<Promise<unknown>>>();
function track(ctx: FleetContext, work: Promise<unknown>): void {
  const set = inFlight.get(ctx) ?? new Set<Promise<unknown>>();
  inFlight.set(ctx, set);
  set.add(work);
  work.then(
    () => set.delete(work),
    () => set.delete(work),
  );
}

export async function summaryRefreshesSettled(ctx: FleetContext): Promise<void> {
  await Promise.allSettled([...(inFlight.get(ctx) ?? [])]);
}

function compute(ctx: FleetContext, organizationId: string, concurrency: number): Cached {
  const saves = stateSaves(ctx);
  const computedAt = Date.now();
  const now = Math.floor(ctx.clock.now().getTime() / 1000);
  const limit = limiter(concurrency);
  const figures = loadProbeLayout(ctx, organizationId).then((layout) => {
    const groups = groupIds(layout.groups);
    return Promise.all([
      Promise.all(groups.map((g) => limit(() => loadGroupState(ctx, organizationId, g)))),
      Promise.all(
        groups.map((g) =>
          limit(() => readBuckets(ctx, organizationId, g, "1m", now - CURRENT_WINDOW_SECONDS, now, { limit: 1, newestFirst: true })),
        ),
      ),
    ]).then(([states, latest]) => figuresOf(ctx, states, latest, now));
  });
  track(ctx, figures);
  return { computedAt, saves, figures };
}

function figuresOf(ctx: FleetContext, states: GroupState[], latest: Awaited<ReturnType<typeof readBuckets>>[], now: number): ProbeFigures {
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
  return { stale, alerts, metrics };
}

export async function fleetHealthSummary(ctx: FleetContext, organizationId: string, summaryItem: Record<string, unknown>) {
  const { stale, alerts, metrics } = await probeFigures(ctx, organizationId);
  const count = (name: string) => (typeof summaryItem[`n:health:${name}`] === "number" ? (summaryItem[`n:health:${name}`] as number) : 0);
  const health = {
    healthy: count("healthy"),
    degraded: count("degraded"),
    critical: count("critical"),
    unreachable: count("unreachable"),
    unknown: count("unknown"),
  };
  const active = typeof summaryItem["n:status:active"] === "number" ? (summaryItem["n:status:active"] as number) : 0;
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
