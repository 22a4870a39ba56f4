// Outbox redrive: republishes the events of a table-stream batch that reached the outbox dead-letter
// queue, from the outbox items still in the table, once per event id however often it is run.
import type { FleetContext } from "../context.js";
import { keys } from "../store/keys.js";
import { idAt } from "./event-ids.js";
import { eventsFromOutbox, OUTBOX_RETENTION_SECONDS, type FleetEvent } from "./fleet-event.js";
import { organizationIds } from "./outbox-relay.js";
import type { EventPublisher } from "./publisher.js";

/** What Lambda writes to an on-failure destination for a DynamoDB stream batch (the parts read here). */
export interface StreamBatchInfo {
  shardId?: string;
  startSequenceNumber?: string;
  endSequenceNumber?: string;
  approximateArrivalOfFirstRecord: string;
  approximateArrivalOfLastRecord: string;
  batchSize?: number;
}

/**
 * An event's `occurred_at` is taken before its transaction commits and the stream's arrival time after,
 * so the range is widened by this much either side. Events in the margin that were delivered already are
 * published again, which the at-least-once contract allows (subscribers de-duplicate by `event_id`).
 */
export const REDRIVE_MARGIN_MS = 60_000;

export interface RedriveResult {
  /** Outbox events found in the batch's time range. */
  found: number;
  /** Events published by this run. */
  republished: number;
  /** Events an earlier run had already republished. */
  alreadyRepublished: number;
  /** The range refers to outbox items past their retention: nothing could be found. */
  expired: boolean;
}

/** Reads the batch info out of an on-failure message body (`{"DDBStreamBatchInfo": {...}}`), or throws. */
export function streamBatchInfo(messageBody: string): StreamBatchInfo {
  const body = JSON.parse(messageBody) as { DDBStreamBatchInfo?: StreamBatchInfo };
  const info = body.DDBStreamBatchInfo;
  if (
    !info ||
    Number.isNaN(Date.parse(info.approximateArrivalOfFirstRecord)) ||
    Number.isNaN(Date.parse(info.approximateArrivalOfLastRecord))
  ) {
    throw new Error("not a DynamoDB stream failure record: DDBStreamBatchInfo with arrival times is missing");
  }
  return info;
}

export async function redriveOutbox(
  ctx: Pick<FleetContext, "table" | "clock">,
  publisher: EventPublisher,
  batch: StreamBatchInfo,
  options: { dryRun?: boolean } = {},
): Promise<RedriveResult> {
  const from = Date.parse(batch.approximateArrivalOfFirstRecord) - REDRIVE_MARGIN_MS;
  const to = Date.parse(batch.approximateArrivalOfLastRecord) + REDRIVE_MARGIN_MS;
  const expired = to / 1000 + OUTBOX_RETENTION_SECONDS < ctx.clock.now().getTime() / 1000;

  // Each organization's outbox is keyed by event id (UUIDv7), so a time range is an id range.
  const items = (
    await Promise.all(
      [...(await organizationIds(ctx))].map((organizationId) =>
        ctx.table.queryAll({
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
          ExpressionAttributeValues: { ":pk": keys.outboxPartition(organizationId), ":from": idAt(from), ":to": idAt(to + 1) },
        }),
      ),
    )
  ).flat();
  const events = items.flatMap(eventsFromOutbox).sort((a, b) => a.detail.occurred_at.localeCompare(b.detail.occurred_at));

  const markers = await ctx.table.batchGet(
    events.map((event) => keys.outboxRedrive(event.detail.event_id)),
    { consistent: true },
  );
  const done = new Set(markers.map((marker) => marker.sk as string));
  const pending: FleetEvent[] = events.filter((event) => !done.has(event.detail.event_id));
  if (!options.dryRun && pending.length > 0) {
    await publisher.publish(pending);
    // Marked only once published: a crash in between republishes them on the next run, never loses them.
    await ctx.table.batchWrite(
      pending.map((event) => ({
        put: {
          ...keys.outboxRedrive(event.detail.event_id),
          entity: "outbox-redrive",
          expires_at: Math.floor(Date.parse(event.detail.occurred_at) / 1000) + OUTBOX_RETENTION_SECONDS,
        },
      })),
    );
  }
  return { found: events.length, republished: options.dryRun ? 0 : pending.length, alreadyRepublished: done.size, expired };
}
