// Delivers outbox items to a publisher, in place of DynamoDB Streams (the local runtime runs it on a timer
// and whenever an outbox write commits). Items stay in the table (GET /events reads them; they expire by TTL):
// the relay keeps, per organization, a mark below which everything has been delivered. Delivery is at least once.
import type { FleetContext } from "../context.js";
import { keys } from "../store/keys.js";
import { eventsFromOutbox } from "./fleet-event.js";
import { idAt } from "./event-ids.js";
import type { EventPublisher } from "./publisher.js";

/**
 * Event ids are taken when an event is built, and a transaction may commit a moment later than one that
 * started after it. The mark therefore stays this far behind the clock: a late commit below the newest
 * delivered id is still found, and the relay's memory of what it already delivered keeps it from going twice.
 */
export const RELAY_SETTLE_MS = 5_000;
const ITEMS_PER_READ = 100;

export class OutboxRelay {
  /** Event ids delivered above each organization's mark, so re-reading the unsettled tail sends nothing twice. */
  private readonly delivered = new Map<string, Set<string>>();
  /** Organizations with outbox items above their mark; undefined until the first run lists every organization. */
  private pending: Set<string> | undefined;

  constructor(
    private readonly ctx: FleetContext,
    private readonly publisher: EventPublisher,
  ) {}

  /** An outbox write committed for this partition (the local table reports it): its organization is relayed next. */
  noteWritten(partitionKey: string): void {
    this.pending?.add(partitionKey.slice(keys.outboxPartition("").length));
  }

  /** Delivers what every pending organization's outbox holds above its mark; returns how many events went out. */
  async run(): Promise<number> {
    const organizations = this.pending ?? (await this.allOrganizations());
    this.pending = new Set();
    let sent = 0;
    let failure: unknown;
    for (const organizationId of organizations) {
      try {
        const result = await this.relay(organizationId);
        sent += result.count;
        if (!result.settled) this.pending.add(organizationId);
      } catch (error) {
        // Read again on the next run (the timer is the backstop); other organizations still go out.
        this.pending.add(organizationId);
        failure ??= error;
      }
    }
    if (failure) throw failure;
    return sent;
  }

  private async relay(organizationId: string): Promise<{ count: number; settled: boolean }> {
    const markKey = keys.outboxRelayMark(organizationId);
    const mark = ((await this.ctx.table.get<{ after?: string }>(markKey, { consistent: true }))?.after ?? "") as string;
    const seen = this.delivered.get(organizationId) ?? new Set<string>();
    this.delivered.set(organizationId, seen);
    const settledBelow = idAt(this.ctx.clock.now().getTime() - RELAY_SETTLE_MS);
    let count = 0;
    let newMark = mark;
    let unsettled = false;
    const above: string[][] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.ctx.table.query({
        KeyConditionExpression: "pk = :pk AND sk > :mark",
        ExpressionAttributeValues: { ":pk": keys.outboxPartition(organizationId), ":mark": mark },
        ConsistentRead: true,
        Limit: ITEMS_PER_READ,
        ExclusiveStartKey: start,
      });
      const fresh = page.items.flatMap(eventsFromOutbox).filter((e) => !seen.has(e.detail.event_id));
      if (fresh.length > 0) await this.publisher.publish(fresh);
      for (const event of fresh) seen.add(event.detail.event_id);
      count += fresh.length;
      for (const item of page.items) {
        const sk = item.sk as string;
        if (!unsettled && sk < settledBelow) newMark = sk;
        else {
          unsettled = true;
          above.push(eventsFromOutbox(item).map((e) => e.detail.event_id));
        }
      }
      start = page.lastKey;
    } while (start);
    if (newMark > mark) await this.ctx.table.put({ Item: { ...markKey, after: newMark } });
    // Only items above the mark are read again: remember just their events.
    this.delivered.set(organizationId, new Set(above.flat()));
    return { count, settled: !unsettled };
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
