// GET /summary: counts from the summary item, extended by each capability that contributes figures.
import type { FleetContext } from "../context.js";
import { fleetHealthSummary } from "../probes/fleet-health.js";
import { recentServerCounts, type ServerCounts } from "./counters.js";

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

export async function fleetSummary(
  ctx: FleetContext,
  organizationId: string,
): Promise<ServerCounts & { generated_at: string } & Record<string, unknown>> {
  const { item, ...counts } = await recentServerCounts(ctx, organizationId);
  const extra = await Promise.all([
    fleetHealthSummary(ctx, organizationId, item),
    ...contributors.map((contribute) => contribute(ctx, organizationId, item)),
  ]);
  return Object.assign({ ...counts, generated_at: ctx.clock.now().toISOString() }, ...extra);
}
