// Delivers outbox items to a publisher and then deletes them. Locally this replaces DynamoDB Streams:
// the local runtime calls it on a short timer. Order within a shard is by time; delivery is at least once.
import type { FleetContext } from "../context.js";
import { keys, OUTBOX_SHARDS } from "../store/keys.js";
import { eventsFromOutbox } from "./fleet-event.js";
import type { EventPublisher } from "./publisher.js";

export async function relayOutbox(ctx: FleetContext, publisher: EventPublisher, maxPerShard = 100): Promise<number> {
  let delivered = 0;
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const page = await ctx.table.query({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.outboxPartition(shard) },
      ConsistentRead: true,
      Limit: maxPerShard,
    });
    if (page.items.length === 0) continue;
    const events = page.items.flatMap(eventsFromOutbox);
    await publisher.publish(events);
    await ctx.table.batchWrite(page.items.map((i) => ({ delete: { pk: i.pk as string, sk: i.sk as string } })));
    delivered += events.length;
  }
  return delivered;
}
