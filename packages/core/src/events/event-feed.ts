// GET /events: an organization's recent fleet events, oldest first, read from its outbox partition.
import { z } from "@hono/zod-openapi";
import type { FleetContext } from "../context.js";
import { ValidationFailed } from "../errors.js";
import { isId } from "../ids.js";
import { keys } from "../store/keys.js";
import { idAt } from "./event-ids.js";
import { DETAIL_TYPES, eventsFromOutbox, wireEvent, type WireEvent } from "./fleet-event.js";

/** Outbox items examined per request at most: a rare detail_type returns a short page and a cursor to go on from. */
const MAX_ITEMS_EXAMINED = 1_000;

export const EventFeedQuery = z.object({
  after: z
    .string()
    .optional()
    .openapi({ description: "An event id (or a next_cursor): only events after it. Absent: from the start of the feed window." }),
  detail_type: z.enum(DETAIL_TYPES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type EventFeedQuery = z.infer<typeof EventFeedQuery>;

export const FeedEvent = z
  .object({
    id: z.string(),
    source: z.literal("fleetplane"),
    "detail-type": z.string(),
    time: z.string(),
    detail: z.object({
      event_id: z.string(),
      organization_id: z.string(),
      occurred_at: z.string(),
      version: z.literal(1),
      data: z.record(z.string(), z.unknown()),
    }),
  })
  .openapi("FleetEvent");

export const EventFeedPage = z
  .object({
    items: z.array(FeedEvent),
    next_cursor: z
      .string()
      .nullable()
      .openapi({ description: "Set when more events can be read now; null when the page reached the newest event." }),
  })
  .openapi("EventFeedPage");

export interface EventFeed {
  items: WireEvent[];
  next_cursor: string | null;
}

export async function listEvents(ctx: FleetContext, organizationId: string, query: EventFeedQuery): Promise<EventFeed> {
  if (query.after !== undefined && !isId(query.after)) {
    throw new ValidationFailed("after must be an event id or a next_cursor", [{ path: "after", message: "not an event id" }]);
  }
  const windowStart = idAt(ctx.clock.now().getTime() - ctx.config.events.feedDays * 86_400_000);
  const after = query.after && query.after > windowStart ? query.after : undefined;
  const items: WireEvent[] = [];
  let examinedLast: string | undefined;
  let examined = 0;
  const take = (item: Record<string, unknown>): boolean => {
    for (const event of eventsFromOutbox(item)) {
      const id = event.detail.event_id;
      if ((after && id <= after) || id < windowStart) continue;
      examinedLast = id;
      if (query.detail_type && event.detail_type !== query.detail_type) continue;
      items.push(wireEvent(event));
      if (items.length === query.limit) return true;
    }
    return false;
  };

  // An item shared by many events is keyed by its first: the one holding `after` may hold later events too.
  if (after) {
    const holder = await ctx.table.query({
      KeyConditionExpression: "pk = :pk AND sk <= :after",
      ExpressionAttributeValues: { ":pk": keys.outboxPartition(organizationId), ":after": after },
      ScanIndexForward: false,
      Limit: 1,
    });
    if (holder.items[0] && Array.isArray(holder.items[0].events) && take(holder.items[0])) return page(items, true);
  }
  let start: Record<string, unknown> | undefined;
  do {
    const read = await ctx.table.query({
      KeyConditionExpression: "pk = :pk AND sk > :from",
      ExpressionAttributeValues: { ":pk": keys.outboxPartition(organizationId), ":from": after ?? windowStart },
      Limit: Math.min(query.limit + 1, 100),
      ExclusiveStartKey: start,
    });
    for (const item of read.items) {
      if (take(item)) return page(items, true);
      if (++examined >= MAX_ITEMS_EXAMINED) return { items, next_cursor: examinedLast ?? null };
    }
    start = read.lastKey;
  } while (start);
  return page(items, false);
}

function page(items: WireEvent[], more: boolean): EventFeed {
  return { items, next_cursor: more ? items[items.length - 1]!.id : null };
}
