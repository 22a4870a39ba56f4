// Checks asked for through the API: one server now, one server's metrics now, and every active server of an
// organization (inline for a small fleet, otherwise through the probe queue with a progress record).
import type { FleetContext } from "../context.js";
import { Conflict, NotFound } from "../errors.js";
import { newId } from "../ids.js";
import { getServerItem } from "../servers/registry.js";
import { keys } from "../store/keys.js";
import { limiter } from "./concurrency.js";
import { planProbes } from "./dispatch.js";
import { probeGroup, type ServerProbeResult } from "./group-probe.js";
import { runProbeBatch } from "./probe-worker.js";
import { probeTarget } from "./probe-batch.js";
import { groupOf, loadProbeLayout } from "./probe-layout.js";

async function probeOne(
  ctx: FleetContext,
  organizationId: string,
  serverId: string,
  what: { health: boolean; metrics: boolean },
): Promise<ServerProbeResult> {
  const item = await getServerItem(ctx, organizationId, serverId, true);
  if (item.status === "decommissioned") throw new Conflict(`server ${serverId} is decommissioned and is no longer probed`);
  const layout = await loadProbeLayout(ctx, organizationId);
  const work = { organization_id: organizationId, group: groupOf(layout, item.id), servers: [probeTarget(item)] };
  const [result] = await probeGroup(ctx, work, { at: ctx.clock.now(), ...what, force: true, partial: true, limit: limiter(1) });
  return result!;
}

export async function checkServerNow(ctx: FleetContext, organizationId: string, serverId: string) {
  const result = await probeOne(ctx, organizationId, serverId, { health: true, metrics: false });
  return { ...result.check!, health_status: result.health_status! };
}

export async function collectServerMetricsNow(ctx: FleetContext, organizationId: string, serverId: string) {
  const result = await probeOne(ctx, organizationId, serverId, { health: false, metrics: true });
  return {
    server_id: serverId,
    collected_at: ctx.clock.now().toISOString(),
    samples_collected: result.samples_collected ?? 0,
    error_message: result.metrics_error ?? null,
  };
}

export interface SweepStatus {
  id: string | null;
  status: "running" | "completed";
  total_servers: number;
  completed_servers: number;
  progress_percent: number;
  started_at: string;
  by_health?: Record<string, number>;
}

/** Checks every active server of the organization now, ignoring backoff. */
export async function checkAllServers(ctx: FleetContext, organizationId: string): Promise<{ inline: boolean; status: SweepStatus }> {
  const at = ctx.clock.now();
  const planned = await planProbes(ctx, { at, metrics: false, force: true, organizationId });
  if (planned.servers <= ctx.config.probes.syncCheckLimit || !ctx.probeQueue) {
    const results = (await Promise.all(planned.batches.map((b) => runProbeBatch(ctx, b)))).flat();
    const byHealth: Record<string, number> = {};
    for (const r of results) if (r.health_status) byHealth[r.health_status] = (byHealth[r.health_status] ?? 0) + 1;
    return {
      inline: true,
      status: {
        id: null,
        status: "completed",
        total_servers: planned.servers,
        completed_servers: results.length,
        progress_percent: 100,
        started_at: at.toISOString(),
        by_health: byHealth,
      },
    };
  }
  const id = newId(at.getTime());
  await ctx.table.put({
    Item: {
      ...keys.healthSweep(organizationId, id),
      entity: "health_sweep",
      id,
      total_servers: planned.servers,
      completed_servers: 0,
      started_at: at.toISOString(),
      expires_at: Math.floor(at.getTime() / 1000) + 7 * 86_400,
    },
  });
  const sweep = { organization_id: organizationId, id };
  await ctx.probeQueue.send(planned.batches.map((b) => ({ ...b, sweep })));
  return {
    inline: false,
    status: {
      id,
      status: "running",
      total_servers: planned.servers,
      completed_servers: 0,
      progress_percent: 0,
      started_at: at.toISOString(),
    },
  };
}

export async function sweepStatus(ctx: FleetContext, organizationId: string, id: string): Promise<SweepStatus> {
  const item = await ctx.table.get<{ id: string; total_servers: number; completed_servers: number; started_at: string }>(
    keys.healthSweep(organizationId, id),
    { consistent: true },
  );
  if (!item) throw new NotFound(`health check run ${id} not found`);
  const done = Math.min(item.completed_servers, item.total_servers);
  return {
    id: item.id,
    status: done >= item.total_servers ? "completed" : "running",
    total_servers: item.total_servers,
    completed_servers: done,
    progress_percent: item.total_servers ? Math.round((done / item.total_servers) * 100) : 100,
    started_at: item.started_at,
  };
}
