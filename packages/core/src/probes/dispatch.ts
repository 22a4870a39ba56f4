// The dispatcher: reads every active server from the sparse sharded `active` index (shards in parallel),
// lays each organization out in probe groups for its size, cuts the fleet into batches of whole probe groups
// (bounded in servers and in bytes) and hands them to probe workers.
import type { FleetContext } from "../context.js";
import type { ServerItem } from "../servers/server-item.js";
import { keys } from "../store/keys.js";
import { ACTIVE_SHARDS, INDEXES } from "../store/table-definition.js";
import { MAX_BATCH_BYTES, probeTarget, type ProbeBatch, type ProbeGroupWork, type ProbeQueue, type ProbeTarget } from "./probe-batch.js";
import {
  groupOf,
  groupsFor,
  loadProbeLayout,
  MAX_GROUP_BYTES,
  MAX_GROUPS,
  needsRelayout,
  relayout,
  type ProbeLayout,
} from "./probe-layout.js";

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
  const byOrganization = new Map<string, ProbeTarget[]>();
  for (const item of shards.flat()) {
    // The index is eventually consistent: a server just set to maintenance may still be listed.
    if (item.status !== "active" || (organizationId && item.organization_id !== organizationId)) continue;
    const targets = byOrganization.get(item.organization_id) ?? byOrganization.set(item.organization_id, []).get(item.organization_id)!;
    targets.push(probeTarget(item));
  }
  const work = await Promise.all([...byOrganization].map(([org, targets]) => organizationGroups(ctx, org, targets)));
  return work.flat();
}

/**
 * One organization's active servers in its probe groups, laid out anew first when its size calls for it or
 * when a group's targets would no longer fit a message comfortably.
 */
async function organizationGroups(ctx: FleetContext, organizationId: string, targets: ProbeTarget[]): Promise<ProbeGroupWork[]> {
  const layout = await loadProbeLayout(ctx, organizationId);
  const groups = layoutFor(layout, layout.stored, organizationId, targets);
  if (groups === layout.groups) return intoGroups(layout.groups, organizationId, targets);
  const stored = await relayout(
    ctx,
    organizationId,
    layout,
    targets.map((t) => t.id),
    groups,
  );
  return intoGroups(stored.groups, organizationId, targets);
}

/** The group count the dispatcher uses for these targets: the stored one unless size or bytes call for another. */
export function layoutFor(layout: ProbeLayout, stored: boolean, organizationId: string, targets: ProbeTarget[]): number {
  let groups = needsRelayout(layout, stored, targets.length) ? groupsFor(targets.length) : layout.groups;
  const bytes = targets.map((t) => Buffer.byteLength(JSON.stringify(t)) + 1);
  while (groups < MAX_GROUPS && largestGroupBytes(groups, targets, bytes) > MAX_GROUP_BYTES) groups *= 2;
  return groups;
}

/** The bytes of the largest group's targets if laid out in `groups` groups. */
function largestGroupBytes(groups: number, targets: ProbeTarget[], bytes: number[]): number {
  const perGroup = new Map<number, number>();
  targets.forEach((t, i) => {
    const group = groupOf({ groups }, t.id);
    perGroup.set(group, (perGroup.get(group) ?? 0) + bytes[i]!);
  });
  return Math.max(0, ...perGroup.values());
}

export function intoGroups(groups: number, organizationId: string, targets: ProbeTarget[]): ProbeGroupWork[] {
  const work = new Map<number, ProbeGroupWork>();
  for (const target of targets) {
    const group = groupOf({ groups }, target.id);
    (work.get(group) ?? work.set(group, { organization_id: organizationId, group, servers: [] }).get(group)!).servers.push(target);
  }
  return [...work.values()];
}

/**
 * Packs whole groups into batches of about `batchSize` servers (a group larger than that is a batch alone) and
 * at most `maxBytes` of JSON, so every batch is one SQS message. A group alone over `maxBytes` cannot be sent.
 */
export function intoBatches(
  groups: ProbeGroupWork[],
  batchSize: number,
  base: Omit<ProbeBatch, "groups">,
  maxBytes = MAX_BATCH_BYTES,
): ProbeBatch[] {
  const batches: ProbeBatch[] = [];
  const emptyBytes = Buffer.byteLength(JSON.stringify({ ...base, groups: [] }));
  let current: ProbeGroupWork[] = [];
  let size = 0;
  let bytes = emptyBytes;
  for (const group of groups) {
    // Its JSON and the comma before it.
    const groupBytes = Buffer.byteLength(JSON.stringify(group)) + 1;
    if (emptyBytes + groupBytes > maxBytes) {
      throw new Error(`probe group ${group.group} of organization ${group.organization_id} is ${groupBytes} bytes, over ${maxBytes}`);
    }
    if (size > 0 && (size + group.servers.length > batchSize || bytes + groupBytes > maxBytes)) {
      batches.push({ ...base, groups: current });
      current = [];
      size = 0;
      bytes = emptyBytes;
    }
    current.push(group);
    size += group.servers.length;
    bytes += groupBytes;
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
