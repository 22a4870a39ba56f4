// Gives a benchmark's registered fleet the probe progress one metrics cycle leaves (last success, cursor, last
// check, CPU and memory per server, in its probe group's PROGRESS item), written with the probes' own code, so
// listing latency includes reading a probed fleet's latest readings. Runs in-process on the stopped data dir.
import { DEFAULT_ORGANIZATION_ID } from "@fleetplane/core";
import { startLocalFleetplane } from "@fleetplane/local";
import { memberKey } from "../packages/core/src/probes/probe-batch.js";
import { groupOf, loadProbeLayout } from "../packages/core/src/probes/probe-layout.js";
import { loadGroupState, saveGroupState, type ServerProbeState } from "../packages/core/src/probes/probe-state.js";

export async function seedProbeProgress(dataDir: string, adminKey: string, serverIds: string[]): Promise<void> {
  const fleet = await startLocalFleetplane({ dataDir, port: 0, adminKey, probeSchedule: false });
  try {
    const ctx = fleet.ctx;
    const layout = await loadProbeLayout(ctx, DEFAULT_ORGANIZATION_ID);
    const now = Math.floor(ctx.clock.now().getTime() / 1000);
    const groups = new Map<number, Record<string, ServerProbeState>>();
    serverIds.forEach((id, i) => {
      const group = groupOf(layout, id);
      const members = groups.get(group) ?? groups.set(group, {}).get(group)!;
      // A cursor as the simulator gives it; percentages with one decimal, as probes keep them.
      members[memberKey(id)] = { ok: now, lc: now, c: `sim1.${29_936_601 + i}`, cpu: ((i * 37) % 1000) / 10, mem: ((i * 53) % 1000) / 10 };
    });
    for (const [group, servers] of groups) {
      await saveGroupState(ctx, DEFAULT_ORGANIZATION_ID, group, await loadGroupState(ctx, DEFAULT_ORGANIZATION_ID, group), {
        servers,
        events: [],
      });
    }
  } finally {
    await fleet.close();
  }
}
