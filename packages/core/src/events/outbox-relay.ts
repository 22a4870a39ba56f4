// Delivers outbox items to a publisher, in place of DynamoDB Streams: the local runtime tells it the key of
// every outbox item a transaction commits, and it reads and publishes exactly those. Items stay in the table
// (GET /events reads them; they expire by TTL). A per-organization mark, below which everything has been
// delivered, lets a restarted runtime catch up on what it committed but had not yet delivered. At least once.
import type { FleetContext } from "../context.js";
import type { Key } from "../store/keys.js";
import { keys } from "../store/keys.js";
import { eventsFromOutbox } from "./fleet-event.js";
import { idAt } from "./event-ids.js";
import type { EventPublisher } from "./publisher.js";

/**
 * Event ids are taken when an event is built, and a transaction may commit a moment after one whose id is
 * later. The persisted mark therefore stays this far behind the clock, so the catch-up read after a restart
 * still finds such an item; the last seconds before a restart may be delivered twice.
 */
export const RELAY_SETTLE_MS = 5_000;
const ITEMS_PER_READ = 100;

export class OutboxRelay {
  /** Committed outbox items not yet delivered, by organization (sort keys). */
  private readonly pending = new Map<string, Set<string>>();
  /** Highest sort key delivered per organization, and whether the mark in the table already says so. */
  private readonly delivered = new Map<string, { upTo: string; saved: string }>();
  private caughtUp = false;

  constructor(
    private readonly ctx: FleetContext,
    private readonly publisher: EventPublisher,
  ) {}

  /** An outbox item was committed (the local table reports it): it is delivered on the next run. */
  noteWritten(key: Key): void {
    const organizationId = key.pk.slice(keys.outboxPartition("").length);
    const set = this.pending.get(organizationId) ?? new Set<string>();
    set.add(key.sk);
    this.pending.set(organizationId, set);
  }

  /** Delivers what is pending (on the first run: everything above each organization's mark); returns how many events went out. */
  async run(): Promise<number> {
    let sent = 0;
    if (!this.caughtUp) {
      for (const organizationId of await this.allOrganizations()) sent += await this.catchUp(organizationId);
      this.caughtUp = true;
    }
    let failure: unknown;
    for (const [organizationId, sortKeys] of [...this.pending]) {
      this.pending.delete(organizationId);
      const batch = [...sortKeys].sort();
      try {
        const items = await this.ctx.table.batchGet(
          batch.map((sk) => ({ pk: keys.outboxPartition(organizationId), sk })),
          { consistent: true },
        );
        items.sort((a, b) => ((a.sk as string) < (b.sk as string) ? -1 : 1));
        sent += await this.deliver(organizationId, items);
      } catch (error) {
        // Tried again on the next run (the timer is the backstop); other organizations still go out.
        for (const sk of batch) this.noteWritten({ pk: keys.outboxPartition(organizationId), sk });
        failure ??= error;
      }
      await this.saveMark(organizationId);
    }
    // A quiet organization's mark still moves up once its last deliveries have settled.
    for (const organizationId of this.delivered.keys()) await this.saveMark(organizationId);
    if (failure) throw failure;
    return sent;
  }

  /** Everything above the organization's mark: what a previous run committed and may not have delivered. */
  private async catchUp(organizationId: string): Promise<number> {
    const mark = (await this.ctx.table.get<{ after?: string }>(keys.outboxRelayMark(organizationId), { consistent: true }))?.after ?? "";
    this.delivered.set(organizationId, { upTo: mark, saved: mark });
    let sent = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.ctx.table.query({
        KeyConditionExpression: "pk = :pk AND sk > :mark",
        ExpressionAttributeValues: { ":pk": keys.outboxPartition(organizationId), ":mark": mark },
        ConsistentRead: true,
        Limit: ITEMS_PER_READ,
        ExclusiveStartKey: start,
      });
      sent += await this.deliver(organizationId, page.items);
      start = page.lastKey;
    } while (start);
    await this.saveMark(organizationId);
    return sent;
  }

  private async deliver(organizationId: string, items: Array<Record<string, unknown>>): Promise<number> {
    if (items.length === 0) return 0;
    const events = items.flatMap(eventsFromOutbox);
    await this.publisher.publish(events);
    // Noted before the catch-up read them: already delivered.
    const noted = this.pending.get(organizationId);
    for (const item of items) noted?.delete(item.sk as string);
    if (noted?.size === 0) this.pending.delete(organizationId);
    const state = this.delivered.get(organizationId) ?? { upTo: "", saved: "" };
    const last = items[items.length - 1]!.sk as string;
    if (last > state.upTo) state.upTo = last;
    this.delivered.set(organizationId, state);
    return events.length;
  }

  /** Moves the stored mark up to what was delivered, but never into the last `RELAY_SETTLE_MS`. */
  private async saveMark(organizationId: string): Promise<void> {
    const state = this.delivered.get(organizationId);
    if (!state || this.pending.has(organizationId)) return;
    const settled = idAt(this.ctx.clock.now().getTime() - RELAY_SETTLE_MS);
    const mark = state.upTo < settled ? state.upTo : settled;
    if (mark <= state.saved) return;
    await this.ctx.table.put({ Item: { ...keys.outboxRelayMark(organizationId), after: mark } });
    state.saved = mark;
  }

  private allOrganizations(): Promise<Set<string>> {
    return organizationIds(this.ctx);
  }
}

/** Every organization's id, from the partition holding their name items (the outbox has one partition each). */
export async function organizationIds(ctx: Pick<FleetContext, "table">): Promise<Set<string>> {
  const names = await ctx.table.queryAll<{ organization_id: string }>({
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.organizationNames() },
  });
  return new Set(names.map((n) => n.organization_id));
}
