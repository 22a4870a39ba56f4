// The latest check and metrics of listed servers, for GET /servers and GET /servers/{id}: read from the
// PROGRESS items of their probe groups (one BatchGetItem for a page), which every metrics cycle rewrites
// anyway, so the server item is not rewritten per check and a listing shows values at most a cycle old.
import type { FleetContext } from "../context.js";
import type { ListedServer, Server } from "../servers/schema.js";
import { keys } from "../store/keys.js";
import { iso } from "./metrics-point.js";
import { memberKey } from "./probe-batch.js";
import { groupOf, loadProbeLayout, type ProbeLayout } from "./probe-layout.js";
import { progressOf } from "./probe-state.js";

/**
 * Starts reading the organization's probe layout at once (so it overlaps the listing's own reads) and returns
 * what adds each server's latest readings to a page.
 */
export function latestReadingsOf(ctx: FleetContext, organizationId: string): (servers: Server[]) => Promise<ListedServer[]> {
  const layout = loadProbeLayout(ctx, organizationId);
  // Awaited only if a page comes back; a failed listing must not leave this rejection unhandled.
  layout.catch(() => undefined);
  return async (servers) => withLatestReadings(ctx, organizationId, servers, await layout);
}

async function withLatestReadings(
  ctx: FleetContext,
  organizationId: string,
  servers: Server[],
  layout: Pick<ProbeLayout, "groups">,
): Promise<ListedServer[]> {
  const groups = [...new Set(servers.map((s) => groupOf(layout, s.id)))];
  const items = groups.length
    ? await ctx.table.batchGet<{ pk: string; data?: string }>(groups.map((g) => keys.probeProgress(organizationId, g)))
    : [];
  const progress = new Map(items.map((item) => [item.pk, progressOf(item.data)]));
  return servers.map((server) => {
    const member = progress.get(keys.probeGroup(organizationId, groupOf(layout, server.id)))?.[memberKey(server.id)];
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
