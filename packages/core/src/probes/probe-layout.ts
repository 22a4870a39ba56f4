// How many probe groups an organization's servers are split into: chosen by the dispatcher from the number of
// active servers, so a small fleet's packed items are as full as a large one's and a group of a huge fleet
// still fits one SQS message. The choice is stored per organization; readers look it up.
import type { FleetContext } from "../context.js";
import { keys, shardOf } from "../store/keys.js";
import { limiter } from "./concurrency.js";
import { memberKey } from "./probe-batch.js";
import { loadGroupState, saveGroupState, type ServerProbeState } from "./probe-state.js";

/** The layout of organizations the dispatcher has not laid out yet (and of every organization before layouts). */
export const LEGACY_GROUPS = 64;
/** Members a group aims at: below this, items are billed a whole write unit for less than a kilobyte. */
export const MEMBERS_PER_GROUP = 16;
/**
 * Members a group holds at most on average: its probe targets (about 300 bytes each, 570 with a token still in
 * the older per-token KMS format) stay well inside a 256 KiB message even in a group above the average.
 */
export const MAX_MEMBERS_PER_GROUP = 300;
/** A group's probe targets may take this many bytes of JSON; beyond, the organization gets twice the groups. */
export const MAX_GROUP_BYTES = 192 * 1024;
/** Group counts are powers of two up to this (a million servers need 4,096). */
export const MAX_GROUPS = 65_536;
/** Group ids of a layout of n groups (other than the legacy one) are n × this + slot, so layouts never share an item. */
const LAYOUT_STRIDE = 1_000_000;

export interface ProbeLayout {
  groups: number;
  /** Group counts used before, newest first: their history items are still read. */
  previous: number[];
  version: number;
}

const pow2floor = (n: number) => 2 ** Math.floor(Math.log2(Math.max(1, n)));
const pow2ceil = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/** Groups for `active` servers: about MEMBERS_PER_GROUP each up to the legacy 64, more only when groups would overflow. */
export function groupsFor(active: number): number {
  return Math.max(Math.min(LEGACY_GROUPS, pow2floor(active / MEMBERS_PER_GROUP)), pow2ceil(active / MAX_MEMBERS_PER_GROUP));
}

/** Whether the dispatcher lays the organization out anew: only for a fourfold change, or a group about to overflow. */
export function needsRelayout(layout: ProbeLayout, stored: boolean, active: number): boolean {
  const wanted = groupsFor(active);
  if (!stored) return wanted !== layout.groups;
  return wanted >= layout.groups * 4 || wanted * 4 <= layout.groups || active / layout.groups > MAX_MEMBERS_PER_GROUP;
}

export function groupId(groups: number, slot: number): number {
  return groups === LEGACY_GROUPS ? slot : groups * LAYOUT_STRIDE + slot;
}

export function groupOf(layout: Pick<ProbeLayout, "groups">, serverId: string): number {
  return groupId(layout.groups, shardOf(serverId, layout.groups));
}

export function groupIds(groups: number): number[] {
  return Array.from({ length: groups }, (_, slot) => groupId(groups, slot));
}

/** The server's group in every layout the organization has had, current first (where its history may lie). */
export function historyGroupsOf(layout: ProbeLayout, serverId: string): number[] {
  return [...new Set([layout.groups, ...layout.previous])].map((groups) => groupOf({ groups }, serverId));
}

/** Every group of every layout the organization has had, current first. */
export function allHistoryGroups(layout: ProbeLayout): number[] {
  return [...new Set([layout.groups, ...layout.previous])].flatMap(groupIds);
}

interface LayoutItem {
  groups: number;
  previous?: number[];
  version: number;
}

export async function loadProbeLayout(ctx: FleetContext, organizationId: string): Promise<ProbeLayout & { stored: boolean }> {
  const item = await ctx.table.get<LayoutItem>(keys.probeLayout(organizationId), { consistent: true });
  return item
    ? { groups: item.groups, previous: item.previous ?? [], version: item.version, stored: true }
    : { groups: LEGACY_GROUPS, previous: [], version: 0, stored: false };
}

/**
 * Moves the organization to `groups` groups: every active member's probe state is copied into its new group
 * (so backoff, alerts and believed health carry over and no transition is invented), then the layout is
 * stored. History items stay where they are; readers also read the previous layouts' groups.
 */
export async function relayout(
  ctx: FleetContext,
  organizationId: string,
  from: ProbeLayout & { stored: boolean },
  serverIds: string[],
  groups: number,
): Promise<ProbeLayout> {
  const limit = limiter(16);
  const oldGroups = groupIds(from.groups);
  const states = await Promise.all(oldGroups.map((g) => limit(() => loadGroupState(ctx, organizationId, g))));
  const hadState = states.some((s) => s.version > 0 || s.progressVersion > 0);
  const byMember = new Map<string, ServerProbeState>();
  for (const state of states) for (const [member, s] of Object.entries(state.servers)) byMember.set(member, s);
  const moved = new Map<number, Record<string, ServerProbeState>>();
  for (const id of serverIds) {
    const member = memberKey(id);
    const state = byMember.get(member);
    if (!state) continue;
    const g = groupOf({ groups }, id);
    (moved.get(g) ?? moved.set(g, {}).get(g)!)[member] = state;
  }
  await Promise.all(
    [...moved].map(([g, servers]) =>
      limit(async () => {
        const read = await loadGroupState(ctx, organizationId, g);
        await saveGroupState(ctx, organizationId, g, read, { servers, members: new Set(Object.keys(servers)), events: [] });
      }),
    ),
  );
  // The legacy layout is history only if something was ever written in it.
  const previous = [from.groups, ...from.previous].filter((n, i) => n !== groups && (i > 0 || from.stored || hadState));
  const layout = { groups, previous: [...new Set(previous)], version: from.version + 1 };
  try {
    await ctx.table.put({
      Item: { ...keys.probeLayout(organizationId), entity: "probe_layout", ...layout },
      ConditionExpression: from.stored ? "version = :v" : "attribute_not_exists(pk)",
      ...(from.stored ? { ExpressionAttributeValues: { ":v": from.version } } : {}),
    });
  } catch (error) {
    // Another dispatcher laid it out meanwhile: use what it stored.
    if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
    return loadProbeLayout(ctx, organizationId);
  }
  return layout;
}
