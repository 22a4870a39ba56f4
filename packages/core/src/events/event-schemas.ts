// The `data` of each fleet event detail-type as a zod schema: the type event builders must satisfy, and the
// source of the JSON Schemas in docs/events/ and of the EventBridge Schema Registry entries.
import { z } from "@hono/zod-openapi";
import { OperationStatus, OperationType, TargetStatus } from "../operations/schema.js";
import { HealthStatus, Server } from "../servers/schema.js";

/**
 * The per-entity sequence every event carries: it grows with each change of the entity the event is about, so a
 * consumer orders one entity's events by it and drops one it has already applied (docs/events.md, "Ordering").
 * Numbers are not contiguous.
 */
const sequence = (of: string) => z.number().int().positive().describe(of);
const serverSequence = sequence(
  "The server's revision after this change, shared by every event about the server (registry and health): higher is newer",
);
const ServerData = z.object({
  server: Server.describe("The server record as the API returns it (never its agent token)"),
  sequence: serverSequence,
});
const when = z.string().describe("ISO 8601 time");
const alertSequence = sequence("The alert's sequence: higher is a later raise or resolution of the same alert id");
const operationSequence = sequence(
  "The operation's progress sequence: Started is 1, each server's result is higher, Finished is higher than all of them",
);
const Alert = z
  .object({
    id: z.string().describe("<server id>:<rule>, the same when the alert is raised and when it is resolved"),
    rule: z.string(),
    severity: z.string(),
    server_id: z.string(),
    server_name: z.string(),
    raised_at: when,
    resolved_at: when.optional(),
  })
  .catchall(z.unknown())
  .describe("The alert; rule-specific figures (value, threshold, sample_at...) besides these");

export const EVENT_DATA = {
  "Server Registered": ServerData,
  "Server Updated": ServerData.extend({ token_rotated: z.literal(true).optional() }),
  "Server Decommissioned": ServerData,
  "Server Deleted": ServerData,
  "Server Health Changed": z.object({
    server_id: z.string(),
    server_name: z.string(),
    previous_status: HealthStatus,
    health_status: HealthStatus,
    checked_at: when,
    response_time_ms: z.number().nullable(),
    error_message: z.string().nullable(),
    sequence: serverSequence,
  }),
  "Fleet Alert Raised": z.object({ alert: Alert, sequence: alertSequence }),
  "Fleet Alert Resolved": z.object({ alert: Alert.extend({ resolved_at: when }), sequence: alertSequence }),
  "Bulk Operation Started": z.object({
    operation_id: z.string(),
    operation_type: OperationType,
    total_servers: z.number().int(),
    max_concurrency: z.number().int(),
    max_errors: z.number().int(),
    initiated_by: z.string(),
    sequence: operationSequence,
  }),
  "Server Operation Finished": z.object({
    operation_id: z.string(),
    operation_type: OperationType,
    server_id: z.string(),
    server_name: z.string(),
    status: TargetStatus,
    attempts: z.number().int(),
    duration_ms: z.number().nullable(),
    error: z.string().nullable(),
    sequence: operationSequence,
  }),
  "Bulk Operation Finished": z.object({
    operation_id: z.string(),
    operation_type: OperationType,
    status: OperationStatus,
    total_servers: z.number().int(),
    completed_servers: z.number().int(),
    failed_servers: z.number().int(),
    skipped_servers: z.number().int(),
    cancelled_servers: z.number().int(),
    error_summary: z.string().nullable(),
    sequence: operationSequence,
  }),
} as const;

/** `data` of the `Webhook Test` event POST /webhooks/{id}/test sends to that webhook only (never on the bus or in the feed). */
export const WEBHOOK_TEST_DATA = z.object({
  webhook_id: z.string(),
  message: z.string(),
  sequence: sequence("The number of this test among the webhook's tests: 1, 2, ..."),
});

/** What an event builder passes as `data` for a detail-type. */
export type EventData<T extends keyof typeof EVENT_DATA> = z.input<(typeof EVENT_DATA)[T]>;

/** The envelope's `detail`, with `data` open (each detail-type's schema narrows it). */
export const EventDetail = z.object({
  event_id: z.string().describe("UUIDv7; de-duplicate on it"),
  organization_id: z.string(),
  occurred_at: when,
  version: z.literal(1),
  data: z.record(z.string(), z.unknown()),
});

/** A fleet event as the feed lists it and a webhook receives it (EventBridge's shape). */
export const EventEnvelope = z.object({
  id: z.string().describe("The event id (detail.event_id); on the bus EventBridge sets its own"),
  source: z.literal("fleetplane"),
  "detail-type": z.string(),
  time: when,
  detail: EventDetail,
});
