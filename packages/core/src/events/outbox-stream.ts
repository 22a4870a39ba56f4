// The outbox publisher's work on a batch of stream records: publish each record's events and name the records
// that were not fully delivered, so Lambda retries exactly those (reportBatchItemFailures).
import type { FleetLog } from "../observability/signals.js";
import { eventsFromOutbox, type FleetEvent } from "./fleet-event.js";

/** An outbox item from a stream record, named by the record's sequence number. */
export interface OutboxRecord {
  id: string;
  item: Record<string, unknown>;
}

/** A publisher that reports which events it could not deliver instead of throwing (EventBridgePublisher.deliver). */
export interface ReportingPublisher {
  deliver(events: FleetEvent[]): Promise<FleetEvent[]>;
}

/** Publishes every record's events in order; returns the ids of records with at least one undelivered event. */
export async function publishOutboxRecords(publisher: ReportingPublisher, records: OutboxRecord[], log?: FleetLog): Promise<string[]> {
  const recordOf = new Map<FleetEvent, string>();
  const failed = new Set<string>();
  const events: FleetEvent[] = [];
  for (const record of records) {
    try {
      for (const event of eventsFromOutbox(record.item)) {
        recordOf.set(event, record.id);
        events.push(event);
      }
    } catch (error) {
      log?.error("unreadable outbox record", { record: record.id, error: String(error) });
      failed.add(record.id);
    }
  }
  for (const event of await publisher.deliver(events)) failed.add(recordOf.get(event)!);
  return records.map((r) => r.id).filter((id) => failed.has(id));
}
