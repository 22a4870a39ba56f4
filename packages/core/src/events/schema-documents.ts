// JSON Schema documents of fleet events, generated from the zod schemas: one per detail-type (the whole event,
// its detail-type and data narrowed) plus the envelope. docs/events/ holds them; the Events stack registers them.
import { z } from "@hono/zod-openapi";
import { DETAIL_TYPES, type DetailType } from "./fleet-event.js";
import { EVENT_DATA, EventDetail, EventEnvelope, WEBHOOK_TEST_DATA } from "./event-schemas.js";

export type SchemaTarget = "draft-7" | "draft-4";

/** File name of a detail-type's schema: `server-health-changed.json`. */
export function schemaFileName(detailType: DetailType | "Webhook Test" | "envelope"): string {
  return `${detailType.toLowerCase().replace(/\s+/g, "-")}.json`;
}

export function eventSchemaOf(detailType: DetailType | "Webhook Test") {
  return EventEnvelope.extend({
    "detail-type": z.literal(detailType),
    detail: EventDetail.extend({ data: detailType === "Webhook Test" ? WEBHOOK_TEST_DATA : EVENT_DATA[detailType] }),
  });
}

export function eventSchemaDocuments(target: SchemaTarget = "draft-7"): Record<string, Record<string, unknown>> {
  const document = (schema: z.ZodType, title: string, description: string) => ({
    ...(z.toJSONSchema(schema, { target, io: "input", unrepresentable: "any" }) as Record<string, unknown>),
    title,
    description,
  });
  const documents: Record<string, Record<string, unknown>> = {
    [schemaFileName("envelope")]: document(
      EventEnvelope,
      "Fleetplane event",
      "Every fleet event (the feed, webhook bodies; on the bus, Detail is `detail`).",
    ),
  };
  for (const detailType of DETAIL_TYPES) {
    documents[schemaFileName(detailType)] = document(
      eventSchemaOf(detailType),
      detailType,
      `A Fleetplane "${detailType}" event (docs/events.md).`,
    );
  }
  // Only webhooks receive it (never the bus), so the Events stack does not register it.
  documents[schemaFileName("Webhook Test")] = document(
    eventSchemaOf("Webhook Test"),
    "Webhook Test",
    "The event POST /webhooks/{id}/test sends to that webhook only (docs/events.md).",
  );
  return documents;
}
