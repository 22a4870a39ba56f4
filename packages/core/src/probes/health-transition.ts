// Writes a server's health to its item: on a transition, the item, the summary counters and a
// `Server Health Changed` event in one transaction conditioned on the health it is believed to have;
// otherwise only an occasional heartbeat (last_seen_at freshness). Every write moves `revision` up, so a
// concurrent PATCH (conditioned on the revision it read) retries instead of overwriting the health.
// A transition sets the revision to a number it chooses (the time in ms, or one above the stored revision),
// conditioned on being higher, so its event carries the server's revision as registry events do, with no read.
import type { FleetContext } from "../context.js";
import { fleetEvent, outboxItems, type FleetEvent } from "../events/fleet-event.js";
import { getServerItem } from "../servers/registry.js";
import { keys } from "../store/keys.js";
import { TransactionRejected, type TransactItem } from "../store/table.js";
import { summaryUpdate } from "../summary/counters.js";
import type { ProbeTarget } from "./probe-batch.js";
import { LEGACY_GROUPS } from "./probe-layout.js";
import { shardOf } from "../store/keys.js";
import type { HealthCheck, HealthStatus } from "./health-record.js";

const MAX_ATTEMPTS = 5;

/**
 * Transactions that move one organization's summary counters, one at a time per process. They all touch
 * the summary item, so concurrent ones (every group of a batch after a mass transition) would only
 * conflict and back off; in line they take a few milliseconds each. Across processes (Lambda workers)
 * conflicts remain possible and are retried by the table adapter.
 */
const summaryQueues = new Map<string, Promise<unknown>>();
function inSummaryLine<T>(organizationId: string, write: () => Promise<T>): Promise<T> {
  const previous = summaryQueues.get(organizationId) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(write);
  summaryQueues.set(organizationId, next);
  void next
    .finally(() => {
      if (summaryQueues.get(organizationId) === next) summaryQueues.delete(organizationId);
    })
    .catch(() => undefined);
  return next;
}

export interface CheckFacts {
  health: HealthStatus;
  check: HealthCheck;
  /** ISO time of this success, or undefined when the check failed. */
  seenAt: string | undefined;
}

function setFields(facts: CheckFacts, health: HealthStatus) {
  const values: Record<string, unknown> = {
    ":hs": health,
    ":checked": facts.check.timestamp,
    ":rt": facts.check.response_time_ms,
    ":one": 1,
  };
  let set = "health_status = :hs, last_health_check_at = :checked, response_time_ms = :rt";
  if (facts.seenAt) {
    set += ", last_seen_at = :seen";
    values[":seen"] = facts.seenAt;
  }
  return { set, values };
}

/** Servers whose transitions share one transaction: an update each, plus the summary and one outbox item for all their events. */
const TRANSITIONS_PER_TRANSACTION = 98;

export interface Transition {
  target: ProbeTarget;
  /** The health the server item is believed to hold (the group state's record of the last write). */
  from: HealthStatus;
  facts: CheckFacts;
}

/**
 * A health change moves only the health counters (the summary's dimensions are independent), and the
 * update is conditioned on exactly that health and an active server, so the delta is right whatever else
 * changed on the item meanwhile.
 */
function healthDelta(from: HealthStatus, to: HealthStatus): Record<string, number> {
  return from === to ? {} : { [`health:${from}`]: -1, [`health:${to}`]: 1 };
}

/**
 * The revision a transition writes: the time in milliseconds, far above what registrations, PATCHes and
 * heartbeats (one each) reach, or one above the revision last read when that is higher (a clock behind, or two
 * transitions in one millisecond). The update's condition makes it strictly higher than the stored one.
 */
export function transitionRevision(nowMs: number, storedRevision = 0): number {
  return Math.max(nowMs, storedRevision + 1);
}

function serverUpdate(organizationId: string, target: ProbeTarget, from: HealthStatus, facts: CheckFacts, revision: number): TransactItem {
  const { set, values } = setFields(facts, facts.health);
  const { ":one": _one, ...rest } = values;
  return {
    Update: {
      Key: keys.server(organizationId, target.id),
      UpdateExpression: `SET ${set}, revision = :revision`,
      ConditionExpression: "health_status = :was AND #status = :active AND (attribute_not_exists(revision) OR revision < :revision)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ...rest, ":was": from, ":active": "active", ":revision": revision },
    },
  };
}

function healthChanged(organizationId: string, target: ProbeTarget, from: HealthStatus, facts: CheckFacts, revision: number): FleetEvent {
  return fleetEvent(
    "Server Health Changed",
    organizationId,
    {
      server_id: target.id,
      server_name: target.name,
      previous_status: from,
      health_status: facts.health,
      checked_at: facts.check.timestamp,
      response_time_ms: facts.check.response_time_ms,
      error_message: facts.check.error_message,
      sequence: revision,
    },
    new Date(facts.check.timestamp),
  );
}

/** The events of a probe group's servers written together share outbox items (billed by size, not per event). */
function eventPuts(events: FleetEvent[]): TransactItem[] {
  return outboxItems(events).map((Item) => ({ Put: { Item } }));
}

/**
 * Writes many transitions of one probe group: up to 98 servers per transaction with one summary update
 * for all of them (a mass transition, a network blip say, would otherwise queue thousands of transactions
 * on the one summary item). A chunk whose transaction fails a condition (a server's health was not what the
 * group state believed, or it left `active`) is retried server by server.
 * Returns the health now stored per server id (absent: the server is gone or no longer active).
 */
export async function writeTransitions(
  ctx: FleetContext,
  organizationId: string,
  transitions: Transition[],
): Promise<Map<string, HealthStatus>> {
  const stored = new Map<string, HealthStatus>();
  const pending = transitions.filter((t) => t.from !== t.facts.health);
  for (const t of transitions) if (t.from === t.facts.health) stored.set(t.target.id, t.facts.health);
  for (let offset = 0; offset < pending.length; offset += TRANSITIONS_PER_TRANSACTION) {
    const chunk = pending.slice(offset, offset + TRANSITIONS_PER_TRANSACTION);
    const counters: Record<string, number> = {};
    for (const t of chunk)
      for (const [name, n] of Object.entries(healthDelta(t.from, t.facts.health))) counters[name] = (counters[name] ?? 0) + n;
    for (const name of Object.keys(counters)) if (counters[name] === 0) delete counters[name];
    const summary = summaryUpdate(organizationId, counters);
    try {
      await inSummaryLine(organizationId, () => {
        const revision = transitionRevision(ctx.clock.now().getTime());
        return ctx.table.transact([
          ...chunk.map((t) => serverUpdate(organizationId, t.target, t.from, t.facts, revision)),
          ...(summary ? [summary] : []),
          ...eventPuts(chunk.map((t) => healthChanged(organizationId, t.target, t.from, t.facts, revision))),
        ]);
      });
      for (const t of chunk) stored.set(t.target.id, t.facts.health);
    } catch (error) {
      if (!(error instanceof TransactionRejected)) throw error;
      for (const t of chunk) {
        const health = await writeTransition(ctx, organizationId, t.target, t.from, t.facts);
        if (health) stored.set(t.target.id, health);
      }
    }
  }
  return stored;
}

/**
 * Writes a transition from the health `from` to `facts.health`. Returns the health now stored, or
 * undefined when the server is gone or no longer active (its probe result is dropped).
 */
export async function writeTransition(
  ctx: FleetContext,
  organizationId: string,
  target: ProbeTarget,
  from: HealthStatus,
  facts: CheckFacts,
): Promise<HealthStatus | undefined> {
  let was = from;
  let storedRevision = 0;
  for (let attempt = 1; ; attempt++) {
    if (was === facts.health) return facts.health;
    const counters = summaryUpdate(organizationId, healthDelta(was, facts.health));
    try {
      await inSummaryLine(organizationId, () => {
        const revision = transitionRevision(ctx.clock.now().getTime(), storedRevision);
        const writes = [
          serverUpdate(organizationId, target, was, facts, revision),
          ...eventPuts([healthChanged(organizationId, target, was, facts, revision)]),
        ];
        if (counters) writes.push(counters);
        return ctx.table.transact(writes);
      });
      return facts.health;
    } catch (error) {
      if (!(error instanceof TransactionRejected && error.failedAt(0)) || attempt >= MAX_ATTEMPTS) throw error;
      const fresh = await getServerItem(ctx, organizationId, target.id, true).catch(() => undefined);
      if (!fresh || fresh.status !== "active") return undefined;
      was = fresh.health_status;
      storedRevision = fresh.revision ?? 0;
    }
  }
}

/** Refreshes last_seen_at and friends without a transition; skipped (not retried) if the health moved meanwhile. */
export async function writeHeartbeat(ctx: FleetContext, organizationId: string, target: ProbeTarget, facts: CheckFacts): Promise<void> {
  const { set, values } = setFields(facts, facts.health);
  try {
    await ctx.table.update({
      Key: keys.server(organizationId, target.id),
      UpdateExpression: `SET ${set} ADD revision :one`,
      ConditionExpression: "health_status = :hs AND #status = :active",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ...values, ":active": "active" },
    });
  } catch (error) {
    if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
  }
}
