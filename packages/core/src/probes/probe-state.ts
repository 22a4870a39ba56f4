// A probe group's state item: per member, consecutive failures, backoff, metrics cursor and alert state.
// One item per group, rewritten only when something in it changed, with the alert events it implies.
import type { FleetContext } from "../context.js";
import { outboxItem, outboxPut, type FleetEvent } from "../events/fleet-event.js";
import { keys } from "../store/keys.js";
import { TransactionRejected } from "../store/table.js";
import type { HealthStatus } from "./health-record.js";

/**
 * Keyed by member key (probe-batch.ts) and kept small: it is rewritten every minute (the cursor moves),
 * so defaults are left out and the full server id is kept only while the server is failing.
 */
export interface ServerProbeState {
  /** The server's id, while it is failing or has never answered (stale listings need it). */
  id?: string;
  /** Consecutive failed checks (absent: none). */
  f?: number;
  /** Next check due (epoch s) while backing off; absent means every cycle. */
  d?: number;
  /** Last successful check (epoch s). */
  ok?: number;
  /** First probe (epoch s), until the first success: a server that never answered is stale from here. */
  s0?: number;
  /** Health status last written to the server item. */
  hs?: HealthStatus;
  /** Unreachable since (epoch s). */
  us?: number;
  /** Agent metrics cursor. */
  c?: string;
  /** Open alerts: rule → raised at (epoch s). */
  al?: Record<string, number>;
  /** Consecutive points above (positive) or below (negative) each resource threshold. */
  run?: Record<string, number>;
}

export interface GroupState {
  servers: Record<string, ServerProbeState>;
  /** Newest bucket start (ISO) rolled up per period, so rollups skipped during an outage are caught up. */
  rolled: Record<string, string>;
  version: number;
}

export async function loadGroupState(ctx: FleetContext, organizationId: string, group: number): Promise<GroupState> {
  const item = await ctx.table.get<{ data: string; version: number }>(keys.probeState(organizationId, group), { consistent: true });
  if (!item) return { servers: {}, rolled: {}, version: 0 };
  const data = JSON.parse(item.data) as Omit<GroupState, "version">;
  return { servers: data.servers ?? {}, rolled: data.rolled ?? {}, version: item.version };
}

export interface StateChange {
  /** Entries to set (servers probed now); others are kept as stored. */
  servers: Record<string, ServerProbeState>;
  /** Members of the group now: entries of servers no longer active are dropped. Absent: keep all. */
  members?: Set<string>;
  /** Entries to drop (a purged server). */
  remove?: string[];
  rolled?: Record<string, string>;
  events: FleetEvent[];
}

const MAX_SAVE_ATTEMPTS = 5;

/** State saves made by this process: figures derived from group states are out of date once it moves. */
const saves = new WeakMap<FleetContext, number>();
export function stateSaves(ctx: FleetContext): number {
  return saves.get(ctx) ?? 0;
}
/** A transaction holds 100 items; one is the state. */
const EVENTS_PER_TRANSACTION = 99;

/**
 * Writes the group's state with the alert events it raises or resolves, in one transaction, conditioned on
 * the version read. On a conflict (a manual check of a member meanwhile) the change is re-applied to a fresh read.
 */
export async function saveGroupState(
  ctx: FleetContext,
  organizationId: string,
  group: number,
  read: GroupState,
  change: StateChange,
): Promise<void> {
  let base = read;
  const events = [...change.events];
  for (let attempt = 1; ; attempt++) {
    const servers: Record<string, ServerProbeState> = {};
    for (const [id, s] of Object.entries(base.servers)) {
      if ((!change.members || change.members.has(id)) && !change.remove?.includes(id)) servers[id] = s;
    }
    Object.assign(servers, change.servers);
    const rolled = { ...base.rolled };
    for (const [period, at] of Object.entries(change.rolled ?? {})) if (!rolled[period] || rolled[period]! < at) rolled[period] = at;
    const next = JSON.stringify({ servers, rolled });
    const put = {
      Put: {
        Item: {
          ...keys.probeState(organizationId, group),
          entity: "probe_state",
          organization_id: organizationId,
          group,
          data: next,
          version: base.version + 1,
        },
        ConditionExpression: "attribute_not_exists(pk) OR version = :v",
        ExpressionAttributeValues: { ":v": base.version },
      },
    };
    // Beyond one transaction's worth, the extra events go first: a crash in between repeats them, never loses them.
    if (attempt === 1 && events.length > EVENTS_PER_TRANSACTION) {
      await ctx.table.batchWrite(events.splice(EVENTS_PER_TRANSACTION).map((event) => ({ put: outboxItem(event) })));
    }
    try {
      // Without events a plain conditional put does: a transaction bills every item twice.
      if (events.length === 0) await ctx.table.put(put.Put);
      else await ctx.table.transact([put, ...events.map((event) => outboxPut(event))]);
      saves.set(ctx, stateSaves(ctx) + 1);
      return;
    } catch (error) {
      const conflict =
        (error instanceof TransactionRejected && error.failedAt(0)) || (error as Error).name === "ConditionalCheckFailedException";
      if (!conflict || attempt >= MAX_SAVE_ATTEMPTS) throw error;
      base = await loadGroupState(ctx, organizationId, group);
    }
  }
}

/** Whether two states differ (so an unchanged group costs no write). */
export function sameState(a: ServerProbeState | undefined, b: ServerProbeState): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
