// Fleet events: the names and envelope published on EventBridge (Source "fleetplane"), and their outbox items.
import { newId } from "../ids.js";
import { keys } from "../store/keys.js";
import type { TransactItem } from "../store/table.js";
import type { EventData } from "./event-schemas.js";

export const EVENT_SOURCE = "fleetplane";

export const DETAIL_TYPES = [
  "Server Registered",
  "Server Updated",
  "Server Decommissioned",
  "Server Deleted",
  "Server Health Changed",
  "Fleet Alert Raised",
  "Fleet Alert Resolved",
  "Bulk Operation Started",
  "Server Operation Finished",
  "Bulk Operation Finished",
] as const;
export type DetailType = (typeof DETAIL_TYPES)[number];

/** EventBridge `Detail` of every fleet event. */
export interface FleetEventDetail {
  event_id: string;
  organization_id: string;
  occurred_at: string;
  version: 1;
  data: Record<string, unknown>;
}

export interface FleetEvent {
  detail_type: DetailType;
  detail: FleetEventDetail;
}

/**
 * Outbox items are kept this long: they outlive a week-long outage of the publisher, and GET /events serves
 * them as the organization's feed for as long (its window, a setting, can only be shorter).
 */
export const OUTBOX_RETENTION_SECONDS = 7 * 24 * 3600;
const outboxExpiry = (occurredAt: string) => Math.floor(Date.parse(occurredAt) / 1000) + OUTBOX_RETENTION_SECONDS;

/** An event of a detail-type; `data` must satisfy that detail-type's schema (event-schemas.ts, docs/events/). */
export function fleetEvent<T extends DetailType>(detailType: T, organizationId: string, data: EventData<T>, now: Date): FleetEvent {
  return {
    detail_type: detailType,
    detail: {
      event_id: newId(now.getTime()),
      organization_id: organizationId,
      occurred_at: now.toISOString(),
      version: 1,
      data: data as Record<string, unknown>,
    },
  };
}

/** A copy of the event with `data.sequence` set: for events whose sequence is known only when they are written (alerts). */
export function withSequence(event: FleetEvent, sequence: number): FleetEvent {
  return { ...event, detail: { ...event.detail, data: { ...event.detail.data, sequence } } };
}

/** A fleet event as EventBridge shapes it: what GET /events lists and what a webhook receives. */
export interface WireEvent {
  id: string;
  source: typeof EVENT_SOURCE;
  "detail-type": string;
  time: string;
  detail: FleetEventDetail;
}

export function wireEvent(event: FleetEvent): WireEvent {
  return {
    id: event.detail.event_id,
    source: EVENT_SOURCE,
    "detail-type": event.detail_type,
    time: event.detail.occurred_at,
    detail: event.detail,
  };
}

/** The transaction item that records an event beside the change it describes (the outbox pattern). */
export function outboxPut(event: FleetEvent): TransactItem {
  return { Put: { Item: outboxItem(event) } };
}

export function outboxItem(event: FleetEvent): Record<string, unknown> {
  const { event_id, occurred_at, organization_id } = event.detail;
  return {
    ...keys.outbox(organization_id, event_id),
    entity: "outbox",
    detail_type: event.detail_type,
    detail: event.detail,
    expires_at: outboxExpiry(occurred_at),
  };
}

/** Events one shared outbox item carries at most, and the bytes of JSON (DynamoDB's item limit is 400 KB). */
const EVENTS_PER_ITEM = 100;
const BYTES_PER_ITEM = 200_000;

/**
 * Outbox items for many events written together (a probe group's transitions, say): they share items,
 * billed by size rather than one write unit (two in a transaction) per event. An item holds one
 * organization's events in id order and is keyed by the first, so the feed reads them in order.
 */
export function outboxItems(events: FleetEvent[]): Array<Record<string, unknown>> {
  const items: Array<Record<string, unknown>> = [];
  let chunk: FleetEvent[] = [];
  let bytes = 0;
  const flush = () => {
    if (chunk.length === 1) items.push(outboxItem(chunk[0]!));
    else if (chunk.length > 1) {
      const first = chunk[0]!.detail;
      items.push({
        ...keys.outbox(first.organization_id, first.event_id),
        entity: "outbox",
        events: chunk.map(({ detail_type, detail }) => ({ detail_type, detail })),
        expires_at: outboxExpiry(first.occurred_at),
      });
    }
    chunk = [];
    bytes = 0;
  };
  const ordered = [...events].sort((a, b) => (a.detail.event_id < b.detail.event_id ? -1 : a.detail.event_id > b.detail.event_id ? 1 : 0));
  for (const event of ordered) {
    const size = JSON.stringify(event).length;
    const otherOrganization = chunk.length > 0 && chunk[0]!.detail.organization_id !== event.detail.organization_id;
    if (otherOrganization || chunk.length >= EVENTS_PER_ITEM || (chunk.length > 0 && bytes + size > BYTES_PER_ITEM)) flush();
    chunk.push(event);
    bytes += size;
  }
  flush();
  return items;
}

/** The events carried by an outbox item (as read back from the table or a DynamoDB stream image). */
export function eventsFromOutbox(item: Record<string, unknown>): FleetEvent[] {
  if (Array.isArray(item.events)) return item.events as FleetEvent[];
  return [{ detail_type: item.detail_type as DetailType, detail: item.detail as FleetEventDetail }];
}
