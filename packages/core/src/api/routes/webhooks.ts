// /webhooks (admin): signed HTTP delivery of fleet events to receivers outside AWS, and their delivery log.
import { createRoute, z } from "@hono/zod-openapi";
import { listDeliveries, retryDelivery, sendTestEvent } from "../../webhooks/deliveries.js";
import { Delivery, DeliveryPage, DeliveryQuery, Webhook, WebhookCreate, WebhookCreated, WebhookUpdate } from "../../webhooks/schema.js";
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, updateWebhook } from "../../webhooks/webhooks.js";
import { errorResponses, IdParam, json, jsonBody, router } from "../env.js";
import { requireRole } from "../middleware/auth.js";

export const webhooks = router();
const tags = ["webhooks"];
const admin = [requireRole("admin")];
const DeliveryParams = IdParam.extend({
  delivery_id: z.string().openapi({ param: { name: "delivery_id", in: "path" } }),
});

webhooks.openapi(
  createRoute({
    method: "post",
    path: "/webhooks",
    operationId: "createWebhook",
    tags,
    summary: "Add a webhook (its signing secret is shown only in this response)",
    middleware: admin,
    request: { body: jsonBody(WebhookCreate) },
    responses: { 201: json(WebhookCreated, "created"), ...errorResponses },
  }),
  async (c) => c.json(await createWebhook(c.get("ctx"), c.get("caller").organizationId, c.req.valid("json")), 201),
);

webhooks.openapi(
  createRoute({
    method: "get",
    path: "/webhooks",
    operationId: "listWebhooks",
    tags,
    summary: "List webhooks (without secrets)",
    middleware: admin,
    responses: { 200: json(z.object({ items: z.array(Webhook) })), ...errorResponses },
  }),
  async (c) => c.json({ items: await listWebhooks(c.get("ctx"), c.get("caller").organizationId) }, 200),
);

webhooks.openapi(
  createRoute({
    method: "get",
    path: "/webhooks/{id}",
    operationId: "getWebhook",
    tags,
    summary: "Get a webhook",
    middleware: admin,
    request: { params: IdParam },
    responses: { 200: json(Webhook), ...errorResponses },
  }),
  async (c) => c.json(await getWebhook(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id), 200),
);

webhooks.openapi(
  createRoute({
    method: "patch",
    path: "/webhooks/{id}",
    operationId: "updateWebhook",
    tags,
    summary: "Change a webhook's url, event_types, description or enabled",
    middleware: admin,
    request: { params: IdParam, body: jsonBody(WebhookUpdate) },
    responses: { 200: json(Webhook), ...errorResponses },
  }),
  async (c) => c.json(await updateWebhook(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id, c.req.valid("json")), 200),
);

webhooks.openapi(
  createRoute({
    method: "delete",
    path: "/webhooks/{id}",
    operationId: "deleteWebhook",
    tags,
    summary: "Delete a webhook (its pending deliveries are dropped)",
    middleware: admin,
    request: { params: IdParam },
    responses: { 204: { description: "deleted" }, ...errorResponses },
  }),
  async (c) => {
    await deleteWebhook(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id);
    return c.body(null, 204);
  },
);

webhooks.openapi(
  createRoute({
    method: "get",
    path: "/webhooks/{id}/deliveries",
    operationId: "listWebhookDeliveries",
    tags,
    summary: "Recent deliveries, newest first: status, attempts, last status code, duration, error, next attempt",
    middleware: admin,
    request: { params: IdParam, query: DeliveryQuery },
    responses: { 200: json(DeliveryPage), ...errorResponses },
  }),
  async (c) =>
    c.json(await listDeliveries(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id, c.req.valid("query")), 200),
);

webhooks.openapi(
  createRoute({
    method: "post",
    path: "/webhooks/{id}/deliveries/{delivery_id}/retry",
    operationId: "retryWebhookDelivery",
    tags,
    summary: "Redeliver a delivery now (a dead letter included), with a fresh retry window",
    middleware: admin,
    request: { params: DeliveryParams },
    responses: { 200: json(Delivery), ...errorResponses },
  }),
  async (c) => {
    const { id, delivery_id } = c.req.valid("param");
    return c.json(await retryDelivery(c.get("ctx"), c.get("caller").organizationId, id, delivery_id), 200);
  },
);

webhooks.openapi(
  createRoute({
    method: "post",
    path: "/webhooks/{id}/test",
    operationId: "testWebhook",
    tags,
    summary: "Send a `Webhook Test` event to this webhook now and return the delivery",
    middleware: admin,
    responses: { 200: json(Delivery), ...errorResponses },
    request: { params: IdParam },
  }),
  async (c) => c.json(await sendTestEvent(c.get("ctx"), c.get("caller").organizationId, c.req.valid("param").id), 200),
);
