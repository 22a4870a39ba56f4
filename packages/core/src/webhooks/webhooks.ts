// Webhook subscriptions of an organization: create (the secret shown once), list, read, update, delete.
import { randomBytes } from "node:crypto";
import type { FleetContext } from "../context.js";
import type { SecretBinding } from "../secrets/secrets.js";
import { Conflict, NotFound, ValidationFailed } from "../errors.js";
import { newId } from "../ids.js";
import { checkApiUrl } from "../servers/api-url.js";
import { keys, WEBHOOK_PREFIX } from "../store/keys.js";
import type { Webhook, WebhookCreate, WebhookUpdate } from "./schema.js";

export interface WebhookItem extends Webhook {
  organization_id: string;
  /** The signing secret, encrypted like agent tokens (KMS in AWS, the key file locally). */
  secret_enc: string;
  /** Test events sent so far (numberTest); absent before the first. Updates leave it alone. */
  test_sequence?: number;
}

export async function createWebhook(
  ctx: FleetContext,
  organizationId: string,
  input: WebhookCreate,
): Promise<Webhook & { secret: string }> {
  const url = webhookUrl(ctx, input.url);
  const existing = await listWebhookItems(ctx, organizationId);
  if (existing.length >= ctx.config.webhooks.maxPerOrganization) {
    throw new Conflict(`an organization may have ${ctx.config.webhooks.maxPerOrganization} webhooks; delete one first`);
  }
  const secret = input.secret ?? `whsec_${randomBytes(32).toString("base64url")}`;
  const now = ctx.clock.now().toISOString();
  const id = newId();
  const item: WebhookItem = {
    id,
    organization_id: organizationId,
    url,
    event_types: input.event_types ?? null,
    description: input.description ?? null,
    enabled: true,
    created_at: now,
    updated_at: now,
    secret_enc: await ctx.secrets.encrypt(secret, webhookSecretBinding(organizationId, id)),
  };
  await ctx.table.put({ Item: { ...keys.webhook(organizationId, item.id), entity: "webhook", ...item } });
  return { ...toWebhook(item), secret };
}

export async function listWebhooks(ctx: FleetContext, organizationId: string): Promise<Webhook[]> {
  return (await listWebhookItems(ctx, organizationId)).map(toWebhook);
}

export async function getWebhook(ctx: FleetContext, organizationId: string, id: string): Promise<Webhook> {
  return toWebhook(await getWebhookItem(ctx, organizationId, id));
}

/** Sets only the fields given (one conditional UpdateItem, no read), so a concurrent test's number is never rewound. */
export async function updateWebhook(ctx: FleetContext, organizationId: string, id: string, input: WebhookUpdate): Promise<Webhook> {
  const fields: Record<string, unknown> = { updated_at: ctx.clock.now().toISOString() };
  if (input.url !== undefined) fields.url = webhookUrl(ctx, input.url);
  if (input.event_types !== undefined) fields.event_types = input.event_types;
  if (input.description !== undefined) fields.description = input.description;
  if (input.enabled !== undefined) fields.enabled = input.enabled;
  const names = Object.keys(fields);
  try {
    const after = await ctx.table.update<WebhookItem>({
      Key: keys.webhook(organizationId, id),
      UpdateExpression: `SET ${names.map((name) => `#${name} = :${name}`).join(", ")}`,
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeNames: Object.fromEntries(names.map((name) => [`#${name}`, name])),
      ExpressionAttributeValues: Object.fromEntries(names.map((name) => [`:${name}`, fields[name]])),
      ReturnValues: "ALL_NEW",
    });
    return toWebhook(after!);
  } catch (error) {
    if ((error as Error).name === "ConditionalCheckFailedException") throw notFound(id);
    throw error;
  }
}

/**
 * Counts one more test event of the webhook and returns the webhook with its new `test_sequence`: the
 * `Webhook Test` event's sequence. One UpdateItem in place of the read a test needs anyway.
 */
export async function numberTest(ctx: FleetContext, organizationId: string, id: string): Promise<WebhookItem & { test_sequence: number }> {
  try {
    const item = await ctx.table.update<WebhookItem>({
      Key: keys.webhook(organizationId, id),
      UpdateExpression: "ADD test_sequence :one",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":one": 1 },
      ReturnValues: "ALL_NEW",
    });
    return item as WebhookItem & { test_sequence: number };
  } catch (error) {
    if ((error as Error).name === "ConditionalCheckFailedException") throw notFound(id);
    throw error;
  }
}

/** Deletes the webhook; its deliveries expire with their retention, and pending ones are dropped at their next attempt. */
export async function deleteWebhook(ctx: FleetContext, organizationId: string, id: string): Promise<void> {
  const deleted = await ctx.table.delete({ Key: keys.webhook(organizationId, id), ReturnValues: "ALL_OLD" });
  if (!deleted) throw notFound(id);
}

export async function getWebhookItem(ctx: FleetContext, organizationId: string, id: string): Promise<WebhookItem> {
  const item = await ctx.table.get<WebhookItem>(keys.webhook(organizationId, id), { consistent: true });
  if (!item) throw notFound(id);
  return item;
}

export async function listWebhookItems(ctx: FleetContext, organizationId: string): Promise<WebhookItem[]> {
  return ctx.table.queryAll<WebhookItem>({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.organizationPartition(organizationId), ":prefix": WEBHOOK_PREFIX },
    ConsistentRead: true,
  });
}

/** A webhook URL follows api_url's rules (https in production mode; http to 127.0.0.1 in development mode). */
export function webhookUrl(ctx: FleetContext, value: string): string {
  try {
    return checkApiUrl(value, ctx.config.mode);
  } catch (error) {
    if (error instanceof ValidationFailed) {
      const message = error.message.replace(/api_url/g, "url");
      throw new ValidationFailed(message, [{ path: "url", message }]);
    }
    throw error;
  }
}

function toWebhook(item: WebhookItem): Webhook {
  const { id, url, event_types, description, enabled, created_at, updated_at } = item;
  return { id, url, event_types, description, enabled, created_at, updated_at };
}

function notFound(id: string): NotFound {
  return new NotFound(`webhook ${id} not found`);
}

/** A webhook's signing secret is bound to its organization and the webhook, as agent tokens are to their server. */
export function webhookSecretBinding(organizationId: string, webhookId: string): SecretBinding {
  return { organization_id: organizationId, server_id: `webhook#${webhookId}` };
}
