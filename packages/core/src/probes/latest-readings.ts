// The latest check and metrics of listed servers, for the /servers endpoints: read from the PROGRESS items of
// their probe groups, which every metrics cycle rewrites anyway, so the server item is not rewritten per check.
// A process keeps what it read for `summaryFiguresSeconds` (as GET /summary keeps its probe figures): a page
// then costs no read at all, and the values stay at most a cycle plus that window old.
import type { FleetContext } from "../context.js";
import type { ListedServer, Server } from "../servers/schema.js";
import { keys } from "../store/keys.js";
import { iso } from "./metrics-point.js";
import { memberKey } from "./probe-batch.js";
import { groupOf, loadProbeLayout, type ProbeLayout } from "./probe-layout.js";
import { progressOf, stateSaves } from "./probe-state.js";

type Progress = ReturnType<typeof progressOf>;
interface Kept<T> {
  value: T;
  readAt: number;
  /** This process's probe-state saves when it was read: one saved since makes it out of date. */
  saves: number;
}
interface OrganizationReadings {
  layout?: Kept<Promise<Pick<ProbeLayout, "groups">>>;
  groups: Map<number, Kept<Progress>>;
}
const kept = new WeakMap<FleetContext, Map<string, OrganizationReadings>>();

function fresh<T>(ctx: FleetContext, entry: Kept<T> | undefined): entry is Kept<T> {
  const window = ctx.config.probes.summaryFiguresSeconds * 1000;
  return entry !== undefined && entry.saves === stateSaves(ctx) && Date.now() - entry.readAt < window;
}

/**
 * Starts reading the organization's probe layout at once (unless kept), so it overlaps the listing's own
 * reads, and returns what adds each server's latest readings to a page.
 */
export function latestReadingsOf(ctx: FleetContext, organizationId: string): (servers: Server[]) => Promise<ListedServer[]> {
  const perOrganization = kept.get(ctx) ?? new Map<string, OrganizationReadings>();
  kept.set(ctx, perOrganization);
  const readings: OrganizationReadings = perOrganization.get(organizationId) ?? { groups: new Map() };
  perOrganization.set(organizationId, readings);
  if (!fresh(ctx, readings.layout)) {
    const layout = loadProbeLayout(ctx, organizationId);
    // Awaited only if a page comes back; a failed listing must not leave this rejection unhandled.
    layout.catch(() => (readings.layout = undefined));
    readings.layout = { value: layout, readAt: Date.now(), saves: stateSaves(ctx) };
  }
  const layout = readings.layout!.value;
  return async (servers) => withLatestReadings(ctx, organizationId, servers, await layout, readings);
}

async function withLatestReadings(
  ctx: FleetContext,
  organizationId: string,
  servers: Server[],
  layout: Pick<ProbeLayout, "groups">,
  readings: OrganizationReadings,
): Promise<ListedServer[]> {
  const wanted = [...new Set(servers.map((s) => groupOf(layout, s.id)))];
  const missing = wanted.filter((g) => !fresh(ctx, readings.groups.get(g)));
  if (missing.length) {
    const saves = stateSaves(ctx);
    const readAt = Date.now();
    const items = await ctx.table.batchGet<{ pk: string; data?: string }>(missing.map((g) => keys.probeProgress(organizationId, g)));
    const byPartition = new Map(items.map((item) => [item.pk, item.data]));
    for (const g of missing) {
      readings.groups.set(g, { value: progressOf(byPartition.get(keys.probeGroup(organizationId, g))), readAt, saves });
    }
  }
  return servers.map((server) => {
    const member = readings.groups.get(groupOf(layout, server.id))?.value[memberKey(server.id)];
    const checked = member?.lc === undefined ? null : iso(member.lc);
    return {
      ...server,
      // A transition or heartbeat written since the group's last metrics cycle is newer than PROGRESS.
      last_check_at: [checked, server.last_health_check_at].reduce((a, b) => (b && (!a || b > a) ? b : a), null as string | null),
      cpu_percent: member?.cpu ?? null,
      memory_percent: member?.mem ?? null,
    };
  });
}
