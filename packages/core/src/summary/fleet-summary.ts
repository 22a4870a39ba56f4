// GET /summary: counts from the summary item, extended by each capability that contributes figures.
import type { FleetContext } from "../context.js";
import { fleetHealthSummary } from "../probes/fleet-health.js";
import { readServerCounts, type ServerCounts } from "./counters.js";

/** A capability's contribution to the summary (probing adds health figures, for example). */
export type SummaryContributor = (
  ctx: FleetContext,
  organizationId: string,
  summaryItem: Record<string, unknown>,
) => Promise<Record<string, unknown>>;
const contributors: SummaryContributor[] = [];

export function contributeToSummary(contributor: SummaryContributor): void {
  contributors.push(contributor);
}

type Counts = Awaited<ReturnType<typeof readServerCounts>>;
const recentCounts = new WeakMap<FleetContext, Map<string, { until: number; writes: number; counts: Promise<Counts> }>>();

/**
 * The summary item, reused for `summaryCountsSeconds` by a process that has written nothing since it read
 * it (any write of its own may have moved the counters, so it reads again). Changes made by other
 * processes show within that time, as an eventually consistent read's would.
 */
function summaryCounts(ctx: FleetContext, organizationId: string): Promise<Counts> {
  const perOrganization = recentCounts.get(ctx) ?? new Map();
  recentCounts.set(ctx, perOrganization);
  const cached = perOrganization.get(organizationId);
  if (cached && cached.until > Date.now() && cached.writes === ctx.table.writes) return cached.counts;
  const entry = {
    until: Date.now() + ctx.config.summaryCountsSeconds * 1000,
    writes: ctx.table.writes,
    counts: readServerCounts(ctx.table, organizationId),
  };
  perOrganization.set(organizationId, entry);
  entry.counts.catch(() => perOrganization.get(organizationId) === entry && perOrganization.delete(organizationId));
  return entry.counts;
}

export async function fleetSummary(
  ctx: FleetContext,
  organizationId: string,
): Promise<ServerCounts & { generated_at: string } & Record<string, unknown>> {
  const { item, ...counts } = await summaryCounts(ctx, organizationId);
  const extra = await Promise.all([
    fleetHealthSummary(ctx, organizationId, item),
    ...contributors.map((contribute) => contribute(ctx, organizationId, item)),
  ]);
  return Object.assign({ ...counts, generated_at: ctx.clock.now().toISOString() }, ...extra);
}
