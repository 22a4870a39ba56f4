// A probe group's state: per member, consecutive failures, backoff, alert state, last success and metrics
// cursor. Stored as two items of the group's partition, each rewritten only when its part changed:
// - STATE: what changes on failures, transitions and alerts (written with the alert events it implies);
// - PROGRESS: what moves on every metrics cycle of a healthy server (last success, cursor, rollup marks).
// A healthy group's minute then rewrites a small item of about 45 bytes per member, not its whole state.
import type { FleetContext } from "../context.js";
import { eventsFromOutbox, outboxItems, withSequence, type FleetEvent } from "../events/fleet-event.js";
import { keys } from "../store/keys.js";
import { forgetOpenAlertsOfMembers, writeAlertRecords } from "./alert-records.js";
import { TransactionRejected } from "../store/table.js";
import type { HealthStatus } from "./health-record.js";

/**
 * Keyed by member key (probe-batch.ts) and kept small: defaults are left out and the full server id is
 * kept only while the server is failing. `ok` and `c` are stored in the PROGRESS item, the rest in STATE.
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
  progressVersion: number;
  /** Both parts as stored, so a save writes only the part that changed. */
  stored: StoredParts;
}

interface StoredParts {
  state: string;
  progress: string;
}

/** STATE's part of a member (everything but last success and cursor). */
type StatePart = Omit<ServerProbeState, "ok" | "c">;
/**
 * PROGRESS's part of a member: [seconds before the item's `at` of the last success, metrics cursor].
 * Most members succeeded in the same cycle, so the first element is usually a one-character 0.
 */
type ProgressPart = [number | null, string | null];
interface ProgressData {
  /** The newest last success of any member (epoch s). */
  at?: number;
  servers?: Record<string, ProgressPart>;
  rolled?: Record<string, string>;
}

function split(servers: Record<string, ServerProbeState>, rolled: Record<string, string>): StoredParts {
  const state: Record<string, StatePart> = {};
  const progress: Record<string, ProgressPart> = {};
  const at = Math.max(0, ...Object.values(servers).map((s) => s.ok ?? 0));
  for (const [member, { ok, c, ...rest }] of Object.entries(servers)) {
    state[member] = rest;
    if (ok !== undefined || c !== undefined) progress[member] = [ok === undefined ? null : at - ok, c ?? null];
  }
  return {
    state: JSON.stringify({ servers: state }),
    progress: JSON.stringify({ at, servers: progress, rolled } satisfies ProgressData),
  };
}

export async function loadGroupState(ctx: FleetContext, organizationId: string, group: number): Promise<GroupState> {
  const { items } = await ctx.table.query<{ sk: string; data: string; version: number }>({
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.probeGroup(organizationId, group) },
    ConsistentRead: true,
  });
  const stateItem = items.find((i) => i.sk === keys.probeState(organizationId, group).sk);
  const progressItem = items.find((i) => i.sk === keys.probeProgress(organizationId, group).sk);
  // (A STATE item written before PROGRESS existed holds every field and the rollup marks; it is read the same.)
  const state = stateItem
    ? (JSON.parse(stateItem.data) as { servers?: Record<string, ServerProbeState>; rolled?: Record<string, string> })
    : {};
  const progress: ProgressData = progressItem ? (JSON.parse(progressItem.data) as ProgressData) : {};
  const servers: Record<string, ServerProbeState> = state.servers ?? {};
  for (const [member, [before, c]] of Object.entries(progress.servers ?? {})) {
    const entry = (servers[member] ??= {});
    if (before !== null) entry.ok = (progress.at ?? 0) - before;
    if (c !== null) entry.c = c;
  }
  const rolled = progress.rolled ?? state.rolled ?? {};
  return {
    servers,
    rolled,
    version: stateItem?.version ?? 0,
    progressVersion: progressItem?.version ?? 0,
    // What a save compares against: the parts as they would be written now (a STATE item in the older layout
    // is rewritten in the new one the next time its part changes).
    stored: stateItem || progressItem ? split(servers, rolled) : { state: "", progress: "" },
  };
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
/** A transaction holds 100 items; one is the state, the others outbox items (each carries up to 100 events). */
const OUTBOX_ITEMS_PER_TRANSACTION = 99;

/**
 * Writes the group's state with the alert events it raises or resolves, in one transaction, conditioned on
 * the version read, and its progress, each only if it changed. On a conflict (a manual check of a member
 * meanwhile) the change is re-applied to a fresh read; events already written are not written again.
 *
 * The STATE item's version doubles as the group's alert clock: a save's alert events are numbered
 * `first`, `first + 1`, ... in the order they were raised or resolved, from the higher of the version read + 1
 * and the time in ms, and the item takes the last number as its version. The conditional write makes every
 * number higher than any the group issued before, and a new layout's empty group starts from the time, above
 * its old group's numbers: so each alert's events carry a sequence that grows, at no extra write.
 */
export async function saveGroupState(
  ctx: FleetContext,
  organizationId: string,
  group: number,
  read: GroupState,
  change: StateChange,
): Promise<void> {
  let base = read;
  // A group's alert events share outbox items; those not yet written, numbered afresh on each attempt.
  let unwritten = change.events;
  let issued = 0;
  for (let attempt = 1; ; attempt++) {
    const servers: Record<string, ServerProbeState> = {};
    for (const [id, s] of Object.entries(base.servers)) {
      if ((!change.members || change.members.has(id)) && !change.remove?.includes(id)) servers[id] = s;
    }
    Object.assign(servers, change.servers);
    const rolled = { ...base.rolled };
    for (const [period, at] of Object.entries(change.rolled ?? {})) if (!rolled[period] || rolled[period]! < at) rolled[period] = at;
    const next = split(servers, rolled);
    const first = Math.max(base.version + 1, ctx.clock.now().getTime(), issued + 1);
    const numbered = unwritten.map((event, i) => withSequence(event, first + i));
    if (numbered.length > 0) issued = first + numbered.length - 1;
    // Rewritten every minute: nothing but keys, data and version (attribute names are billed too).
    const progressItem = part(
      keys.probeProgress(organizationId, group),
      "probe_progress",
      next.progress,
      base.progressVersion,
      base.progressVersion + 1,
    );
    // The alert records the events imply go first too (idempotent, so a crash repeats them, never loses them).
    if (attempt === 1) {
      await writeAlertRecords(ctx, organizationId, change.events);
      // A member leaving the group (decommissioned, purged) takes its open alerts' records with it.
      const leaving = Object.entries(base.servers)
        .filter(([m, s]) => s.al && !(m in servers))
        .map(([m]) => m);
      if (leaving.length > 0) await forgetOpenAlertsOfMembers(ctx, organizationId, leaving);
    }
    try {
      let events = outboxItems(numbered);
      let expected = base.version;
      // Beyond one transaction's worth, the earliest events go first: a crash in between repeats them, never loses
      // them, and the latest stay in the transaction, so renumbering them higher on a retry keeps each alert's order.
      // Before them the state's version moves past their numbers, so a save racing this one cannot issue the same.
      if (events.length > OUTBOX_ITEMS_PER_TRANSACTION) {
        await reserveNumbers(ctx, keys.probeState(organizationId, group), base.version, issued);
        expected = issued;
        const early = events.slice(0, events.length - OUTBOX_ITEMS_PER_TRANSACTION);
        await ctx.table.batchWrite(early.map((item) => ({ put: item })));
        const written = new Set(early.flatMap(eventsFromOutbox).map((event) => event.detail.event_id));
        unwritten = unwritten.filter((event) => !written.has(event.detail.event_id));
        events = events.slice(early.length);
      }
      const stateItem = part(keys.probeState(organizationId, group), "probe_state", next.state, expected, Math.max(expected + 1, issued));
      if (next.state !== base.stored.state || events.length > 0) {
        // Without events a plain conditional put does: a transaction bills every item twice.
        if (events.length === 0) await ctx.table.put(stateItem);
        else await ctx.table.transact([{ Put: stateItem }, ...events.map((Item) => ({ Put: { Item } }))]);
        unwritten = [];
      }
      if (next.progress !== base.stored.progress) await ctx.table.put(progressItem);
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

/** Moves the STATE item's version to `to` and changes nothing else (an absent state becomes an empty one), if it is still `from`. */
async function reserveNumbers(ctx: FleetContext, key: { pk: string; sk: string }, from: number, to: number): Promise<void> {
  await ctx.table.update({
    Key: key,
    UpdateExpression: "SET version = :to, entity = :entity, #data = if_not_exists(#data, :empty)",
    ConditionExpression: "attribute_not_exists(pk) OR version = :from",
    ExpressionAttributeNames: { "#data": "data" },
    ExpressionAttributeValues: { ":to": to, ":from": from, ":entity": "probe_state", ":empty": JSON.stringify({ servers: {} }) },
  });
}

function part(key: { pk: string; sk: string }, entity: string, data: string, version: number, nextVersion: number) {
  return {
    Item: { ...key, entity, data, version: nextVersion },
    ConditionExpression: "attribute_not_exists(pk) OR version = :v",
    ExpressionAttributeValues: { ":v": version },
  };
}
