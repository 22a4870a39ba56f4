// Webhook and delivery schemas: request validation, response shapes and the OpenAPI document, defined once.
import { z } from "@hono/zod-openapi";
import { DETAIL_TYPES } from "../events/fleet-event.js";

/** The detail-type of the event POST /webhooks/{id}/test sends (only to that webhook, never on the bus). */
export const TEST_DETAIL_TYPE = "Webhook Test";

const EventTypes = z
  .array(z.enum(DETAIL_TYPES))
  .min(1)
  .max(DETAIL_TYPES.length)
  .nullable()
  .openapi({ description: "Detail-types delivered; null or absent: all of them" });
const Url = z.string().max(2048).openapi({ description: "Where events are POSTed; api_url's rules (https in production mode)" });
const Description = z.string().max(500);

export const WebhookCreate = z
  .object({
    url: Url,
    event_types: EventTypes.optional(),
    secret: z.string().min(16).max(256).optional().openapi({ description: "Signing secret; generated when absent" }),
    description: Description.optional(),
  })
  .strict()
  .openapi("WebhookCreate");
export type WebhookCreate = z.infer<typeof WebhookCreate>;

export const WebhookUpdate = z
  .object({ url: Url, event_types: EventTypes, description: Description.nullable(), enabled: z.boolean() })
  .partial()
  .strict()
  .openapi("WebhookUpdate");
export type WebhookUpdate = z.infer<typeof WebhookUpdate>;

export const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    event_types: z.array(z.string()).nullable(),
    description: z.string().nullable(),
    enabled: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Webhook");
export type Webhook = z.infer<typeof Webhook>;

export const WebhookCreated = Webhook.extend({ secret: z.string().openapi({ description: "Shown only in this response" }) }).openapi(
  "WebhookCreated",
);

export const DELIVERY_STATUSES = ["pending", "succeeded", "dead_lettered"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const Delivery = z
  .object({
    id: z.string().openapi({ description: "The delivery id (the event's id: one delivery per event and webhook)" }),
    webhook_id: z.string(),
    event_id: z.string(),
    detail_type: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    status_code: z.number().int().nullable(),
    duration_ms: z.number().int().nullable(),
    error: z.string().nullable(),
    created_at: z.string(),
    last_attempt_at: z.string().nullable(),
    next_attempt_at: z.string().nullable(),
  })
  .openapi("WebhookDelivery");
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
});

export const DeliveryPage = z.object({ items: z.array(Delivery), next_cursor: z.string().nullable() }).openapi("WebhookDeliveryPage");
