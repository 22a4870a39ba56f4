// When a server is purged: its entry leaves the group's probe state at once. Its entries inside the group's
// packed history items are unreachable (the id no longer resolves) and go with those items' TTL; rewriting
// every item of the group for years of history would cost more than the data (docs/decisions.md).
import type { FleetContext } from "../context.js";
import { loadGroupState, saveGroupState } from "./probe-state.js";
import { memberKey } from "./probe-batch.js";
import { groupOf, loadProbeLayout } from "./probe-layout.js";

export async function forgetProbeState(ctx: FleetContext, organizationId: string, serverId: string): Promise<void> {
  const group = groupOf(await loadProbeLayout(ctx, organizationId), serverId);
  const state = await loadGroupState(ctx, organizationId, group);
  if (!state.servers[memberKey(serverId)]) return;
  await saveGroupState(ctx, organizationId, group, state, { servers: {}, remove: [memberKey(serverId)], events: [] });
}
