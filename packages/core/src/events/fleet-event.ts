// Fleet events: the names and envelope published on EventBridge (Source "fleetplane"), and their outbox items.
import { newId } from "../ids.js";
import { keys } from "../store/keys.js";
import type { TransactItem } from "../store/table.js";

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

/** Outbox items outlive a week-long outage of the publisher; delivery normally takes well under a second. */
const OUTBOX_RETENTION_SECONDS = 7 * 24 * 3600;

export function fleetEvent(detailType: DetailType, organizationId: string, data: Record<string, unknown>, now: Date): FleetEvent {
  return {
    detail_type: detailType,
    detail: { event_id: newId(now.getTime()), organization_id: organizationId, occurred_at: now.toISOString(), version: 1, data },
  };
}

/**
 * The transaction item that records an event beside the change it describes (the outbox pattern).
 * Events sharing an `orderingKey` (the server or operation they are about) are delivered in order.
 */
export function outboxPut(event: FleetEvent, orderingKey?: string): TransactItem {
  return { Put: { Item: outboxItem(event, orderingKey) } };
}

export function outboxItem(event: FleetEvent, orderingKey?: string): Record<string, unknown> {
  const { event_id, occurred_at } = event.detail;
  return {
    ...keys.outbox(event_id, occurred_at, orderingKey),
    entity: "outbox",
    detail_type: event.detail_type,
    detail: event.detail,
    expires_at: Math.floor(Date.parse(occurred_at) / 1000) + OUTBOX_RETENTION_SECONDS,
  };
}

/** The event carried by an outbox item (as read back from the table or a DynamoDB stream image). */
export function eventFromOutbox(item: Record<string, unknown>): FleetEvent {
  return { detail_type: item.detail_type as DetailType, detail: item.detail as FleetEventDetail };
}
