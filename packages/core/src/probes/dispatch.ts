// The dispatcher: reads every active server from the sparse sharded `active` index (shards in parallel),
// cuts the fleet into batches of whole probe groups and hands them to probe workers.
import type { FleetContext } from "../context.js";
import type { ServerItem } from "../servers/server-item.js";
import { keys } from "../store/keys.js";
import { ACTIVE_SHARDS, INDEXES } from "../store/table-definition.js";
import { probeGroupOf, probeTarget, type ProbeBatch, type ProbeGroupWork, type ProbeQueue } from "./probe-batch.js";

export interface DispatchOptions {
  at: Date;
  metrics: boolean;
  force?: boolean;
  /** Only this organization's servers (POST /health-check/all). */
  organizationId?: string;
  sweep?: ProbeBatch["sweep"];
}

export interface Dispatched {
  servers: number;
  batches: ProbeBatch[];
}

/** Every active server as probe groups; lifecycle `maintenance`, `inactive` and `decommissioned` are not in the index. */
export async function activeProbeGroups(ctx: FleetContext, organizationId?: string): Promise<ProbeGroupWork[]> {
  const shards = await Promise.all(
    Array.from({ length: ACTIVE_SHARDS }, (_, shard) =>
      // What the index projects (table-definition.ts): the probe target and what is needed to route it.
      ctx.table.queryAll<Pick<ServerItem, "organization_id" | "id" | "name" | "api_url" | "api_token_enc" | "status">>({
        IndexName: INDEXES.active.name,
        KeyConditionExpression: "active_shard = :shard",
        ExpressionAttributeValues: { ":shard": keys.activeShardPartition(shard) },
      }),
    ),
  );
  const groups = new Map<string, ProbeGroupWork>();
  for (const item of shards.flat()) {
    // The index is eventually consistent: a server just set to maintenance may still be listed.
    if (item.status !== "active" || (organizationId && item.organization_id !== organizationId)) continue;
    const group = probeGroupOf(item.id);
    const key = `${item.organization_id}#${group}`;
    let work = groups.get(key);
    if (!work) groups.set(key, (work = { organization_id: item.organization_id, group, servers: [] }));
    work.servers.push(probeTarget(item));
  }
  return [...groups.values()];
}

/** Packs whole groups into batches of about `batchSize` servers (a group larger than that is a batch alone). */
export function intoBatches(groups: ProbeGroupWork[], batchSize: number, base: Omit<ProbeBatch, "groups">): ProbeBatch[] {
  const batches: ProbeBatch[] = [];
  let current: ProbeGroupWork[] = [];
  let size = 0;
  for (const group of groups) {
    if (size > 0 && size + group.servers.length > batchSize) {
      batches.push({ ...base, groups: current });
      current = [];
      size = 0;
    }
    current.push(group);
    size += group.servers.length;
  }
  if (current.length) batches.push({ ...base, groups: current });
  return batches;
}

export async function planProbes(ctx: FleetContext, options: DispatchOptions): Promise<Dispatched> {
  const groups = await activeProbeGroups(ctx, options.organizationId);
  const base: Omit<ProbeBatch, "groups"> = { at: options.at.toISOString(), metrics: options.metrics };
  if (options.force) base.force = true;
  if (options.sweep) base.sweep = options.sweep;
  const batches = intoBatches(groups, ctx.config.probes.batchSize, base);
  return { servers: groups.reduce((n, g) => n + g.servers.length, 0), batches };
}

/** One scheduled health cycle (with metrics when `metrics`): plan and send. */
export async function dispatchProbes(ctx: FleetContext, queue: ProbeQueue, options: DispatchOptions): Promise<Dispatched> {
  const planned = await planProbes(ctx, options);
  await queue.send(planned.batches);
  return planned;
}

/**
 * The AWS schedule fires once a minute; this sends that minute's two waves from one read of the index:
 * health and metrics now, health only after half the interval (the queue delays it), and so on.
 */
export async function dispatchMinute(ctx: FleetContext, queue: ProbeQueue, at: Date): Promise<Dispatched> {
  const settings = ctx.config.probes;
  const groups = await activeProbeGroups(ctx);
  const waves = Math.max(1, Math.floor(60 / settings.healthIntervalSeconds));
  const metricsEvery = settings.metricsIntervalSeconds / settings.healthIntervalSeconds;
  const minuteIndex = Math.floor(at.getTime() / 60_000);
  let all: ProbeBatch[] = [];
  for (let wave = 0; wave < waves; wave++) {
    const delaySeconds = wave * settings.healthIntervalSeconds;
    const cycle = minuteIndex * waves + wave;
    const batches = intoBatches(groups, settings.batchSize, {
      at: new Date(at.getTime() + delaySeconds * 1000).toISOString(),
      metrics: cycle % metricsEvery === 0,
    });
    await queue.send(batches, delaySeconds ? { delaySeconds } : undefined);
    all = all.concat(batches);
  }
  return { servers: groups.reduce((n, g) => n + g.servers.length, 0), batches: all };
}
