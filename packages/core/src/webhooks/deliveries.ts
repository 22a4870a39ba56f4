// Webhook deliveries: one durable item per event and webhook, attempted at once, retried with exponential
// backoff and jitter until the retry window closes, then dead-lettered (kept, listed and redeliverable).
// The same functions run in AWS (SQS fan-out, a scheduled retry sweep) and locally (bus subscriber, a timer).
import type { FleetContext } from "../context.js";
import { NotFound } from "../errors.js";
import { isId, newId } from "../ids.js";
import type { WireEvent } from "../events/fleet-event.js";
import { DUE_DELIVERIES, DELIVERY_PREFIX, keys } from "../store/keys.js";
import { deliveryRetry, postEvent } from "./delivery-attempt.js";
import { TEST_DETAIL_TYPE, type Delivery, type DeliveryStatus } from "./schema.js";
import { getWebhookItem, listWebhookItems, numberTest, type WebhookItem } from "./webhooks.js";

interface DeliveryItem extends Delivery {
  pk: string;
  sk: string;
  organization_id: string;
  event: WireEvent;
  /** The delivery is dead-lettered once a retry would fall after this. */
  retry_until: string;
  /** In the due index (gsi1) only while pending: `<next_attempt_at>#<event id>`. */
  gsi1pk?: string;
  gsi1sk?: string;
}

/** Deliveries attempted at once by one sweep or fan-out (each holds an HTTP request of up to the timeout). */
const CONCURRENT_ATTEMPTS = 16;
/** Due deliveries one sweep takes; the rest wait for the next sweep. */
const SWEEP_LIMIT = 500;

/**
 * Records a delivery of `event` for each of the organization's enabled webhooks that want it, then attempts them.
 * Recording is idempotent (one item per event and webhook), so an event handed over twice is delivered once.
 * The returned promise settles when the items are written; `attempts` when the first attempts have finished.
 */
export async function enqueueDeliveries(ctx: FleetContext, event: WireEvent): Promise<{ attempts: Promise<void> }> {
  const webhooks = (await listWebhookItems(ctx, event.detail.organization_id)).filter(
    (w) => w.enabled && (!w.event_types || w.event_types.includes(event["detail-type"])),
  );
  const created: Array<{ item: DeliveryItem; webhook: WebhookItem }> = [];
  for (const webhook of webhooks) {
    const item = newDelivery(ctx, webhook, event);
    try {
      await ctx.table.put({ Item: item, ConditionExpression: "attribute_not_exists(pk)" });
      created.push({ item, webhook });
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
    }
  }
  return { attempts: inParallel(ctx, created, ({ item, webhook }) => attempt(ctx, item, webhook)) };
}

/** Attempts every delivery whose retry time has come (all organizations); returns how many were attempted. */
export async function deliverDue(ctx: FleetContext): Promise<number> {
  const now = ctx.clock.now().toISOString();
  const due = await ctx.table.query({
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :due AND gsi1sk <= :now",
    ExpressionAttributeValues: { ":due": DUE_DELIVERIES, ":now": `${now}~` },
    Limit: SWEEP_LIMIT,
  });
  let attempted = 0;
  await inParallel(ctx, due.items, async (entry) => {
    const item = await ctx.table.get<DeliveryItem>({ pk: entry.pk as string, sk: entry.sk as string }, { consistent: true });
    if (!item || item.status !== "pending" || !item.next_attempt_at || item.next_attempt_at > now) return;
    const webhook = await getWebhookItem(ctx, item.organization_id, item.webhook_id).catch(() => undefined);
    // Claim it for one attempt, so a concurrent sweep (another Lambda) does not send it too.
    const claimed = await claim(ctx, item);
    if (!claimed) return;
    attempted += 1;
    await attempt(ctx, claimed, webhook);
  });
  return attempted;
}

/** Sends a `Webhook Test` event to one webhook now (enabled or not) and returns the delivery. */
export async function sendTestEvent(ctx: FleetContext, organizationId: string, webhookId: string): Promise<Delivery> {
  const webhook = await numberTest(ctx, organizationId, webhookId);
  const now = ctx.clock.now();
  const eventId = newId(now.getTime());
  const event: WireEvent = {
    id: eventId,
    source: "fleetplane",
    "detail-type": TEST_DETAIL_TYPE,
    time: now.toISOString(),
    detail: {
      event_id: eventId,
      organization_id: organizationId,
      occurred_at: now.toISOString(),
      version: 1,
      data: {
        webhook_id: webhookId,
        message: "A test event from Fleetplane: this webhook is reachable and its signature verifies.",
        sequence: webhook.test_sequence,
      },
    },
  };
  const item = newDelivery(ctx, webhook, event);
  await ctx.table.put({ Item: item });
  return toDelivery(await attempt(ctx, item, { ...webhook, enabled: true }));
}

/** Redelivers one delivery now (a dead letter, or a pending one sooner), with a fresh retry window. */
export async function retryDelivery(ctx: FleetContext, organizationId: string, webhookId: string, deliveryId: string): Promise<Delivery> {
  const webhook = await getWebhookItem(ctx, organizationId, webhookId);
  if (!isId(deliveryId)) throw new NotFound(`delivery ${deliveryId} not found`);
  const key = keys.webhookDelivery(organizationId, webhookId, deliveryId);
  const item = await ctx.table.get<DeliveryItem>(key, { consistent: true });
  if (!item) throw new NotFound(`delivery ${deliveryId} not found`);
  const restarted = await claim(ctx, item, { retry_until: retryUntil(ctx) });
  if (!restarted) return toDelivery((await ctx.table.get<DeliveryItem>(key, { consistent: true })) ?? item);
  return toDelivery(await attempt(ctx, restarted, { ...webhook, enabled: true }));
}

export async function listDeliveries(
  ctx: FleetContext,
  organizationId: string,
  webhookId: string,
  query: { limit: number; cursor?: string },
): Promise<{ items: Delivery[]; next_cursor: string | null }> {
  await getWebhookItem(ctx, organizationId, webhookId);
  const after = query.cursor && isId(query.cursor) ? query.cursor : undefined;
  const page = await ctx.table.query<DeliveryItem>({
    KeyConditionExpression: after ? "pk = :pk AND sk BETWEEN :prefix AND :before" : "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: {
      ":pk": keys.webhookDeliveries(organizationId, webhookId),
      ":prefix": DELIVERY_PREFIX,
      ...(after ? { ":before": `${DELIVERY_PREFIX}${after}` } : {}),
    },
    ScanIndexForward: false,
    Limit: query.limit + (after ? 1 : 0),
  });
  const items = page.items.filter((i) => i.id !== after).slice(0, query.limit);
  const more = page.lastKey !== undefined && items.length === query.limit;
  return { items: items.map(toDelivery), next_cursor: more ? items[items.length - 1]!.id : null };
}

function newDelivery(ctx: FleetContext, webhook: WebhookItem, event: WireEvent): DeliveryItem {
  const now = ctx.clock.now();
  // Created already claimed by its creator, who attempts it at once; if the creator dies, the sweep takes it when the claim lapses.
  const lease = leaseEnd(ctx, now);
  return {
    ...keys.webhookDelivery(webhook.organization_id, webhook.id, event.id),
    id: event.id,
    webhook_id: webhook.id,
    organization_id: webhook.organization_id,
    event_id: event.id,
    detail_type: event["detail-type"],
    event,
    status: "pending",
    attempts: 0,
    status_code: null,
    duration_ms: null,
    error: null,
    created_at: now.toISOString(),
    last_attempt_at: null,
    next_attempt_at: lease,
    retry_until: retryUntil(ctx),
    gsi1pk: DUE_DELIVERIES,
    gsi1sk: `${lease}#${event.id}`,
    expires_at: Math.floor(now.getTime() / 1000) + ctx.config.webhooks.deliveryRetentionSeconds,
  } as DeliveryItem;
}

/** Moves a pending (or dead-lettered) delivery's next attempt past one attempt's duration, if nobody moved it first. */
async function claim(ctx: FleetContext, item: DeliveryItem, extra: { retry_until?: string } = {}): Promise<DeliveryItem | undefined> {
  const lease = leaseEnd(ctx, ctx.clock.now());
  try {
    const updated = await ctx.table.update<DeliveryItem>({
      Key: { pk: item.pk, sk: item.sk },
      UpdateExpression: `SET #status = :pending, next_attempt_at = :lease, gsi1pk = :due, gsi1sk = :sk${extra.retry_until ? ", retry_until = :until" : ""}`,
      ConditionExpression: "attribute_exists(pk) AND attempts = :attempts AND #status = :was",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":pending": "pending",
        ":lease": lease,
        ":due": DUE_DELIVERIES,
        ":sk": `${lease}#${item.event_id}`,
        ":attempts": item.attempts,
        ":was": item.status,
        ...(extra.retry_until ? { ":until": extra.retry_until } : {}),
      },
      ReturnValues: "ALL_NEW",
    });
    return updated;
  } catch (error) {
    if ((error as Error).name === "ConditionalCheckFailedException") return undefined;
    throw error;
  }
}

/** One attempt of a claimed delivery, and its outcome written back. A deleted webhook's delivery is dropped. */
async function attempt(ctx: FleetContext, item: DeliveryItem, webhook: WebhookItem | undefined): Promise<DeliveryItem> {
  const key = { pk: item.pk, sk: item.sk };
  if (!webhook) {
    await ctx.table.delete({ Key: key });
    return item;
  }
  const result = webhook.enabled
    ? await postEvent(ctx, webhook, item.event)
    : { ok: false, status_code: null, duration_ms: 0, error: "webhook disabled" };
  const now = ctx.clock.now();
  const attempts = item.attempts + 1;
  let status: DeliveryStatus = result.ok ? "succeeded" : "pending";
  let next: string | null = null;
  if (!result.ok) {
    const at = new Date(now.getTime() + deliveryRetry(ctx.config.webhooks, attempts)).toISOString();
    if (!webhook.enabled || at > item.retry_until) status = "dead_lettered";
    else next = at;
  }
  const outcome = {
    status,
    attempts,
    status_code: result.status_code,
    duration_ms: result.duration_ms,
    error: result.error,
    last_attempt_at: now.toISOString(),
    next_attempt_at: next,
  };
  const values: Record<string, unknown> = {
    ":status": status,
    ":attempts": attempts,
    ":code": result.status_code,
    ":ms": result.duration_ms,
    ":error": result.error,
    ":last": outcome.last_attempt_at,
    ":next": next,
  };
  let expression =
    "SET #status = :status, attempts = :attempts, status_code = :code, duration_ms = :ms, #error = :error, last_attempt_at = :last, next_attempt_at = :next";
  if (next) {
    expression += ", gsi1sk = :sk";
    values[":sk"] = `${next}#${item.event_id}`;
  } else expression += " REMOVE gsi1pk, gsi1sk";
  await ctx.table
    .update({
      Key: key,
      UpdateExpression: expression,
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeNames: { "#status": "status", "#error": "error" },
      ExpressionAttributeValues: values,
    })
    .catch((error: Error) => {
      // Deleted meanwhile (the webhook's partition purged): nothing to record.
      if (error.name !== "ConditionalCheckFailedException") throw error;
    });
  if (status === "dead_lettered") {
    ctx.signals?.log.warn("webhook delivery dead-lettered", { webhook_id: item.webhook_id, event_id: item.event_id, attempts });
  }
  return { ...item, ...outcome };
}

function leaseEnd(ctx: FleetContext, now: Date): string {
  return new Date(now.getTime() + ctx.config.webhooks.timeoutMs + 5_000).toISOString();
}

function retryUntil(ctx: FleetContext): string {
  return new Date(ctx.clock.now().getTime() + ctx.config.webhooks.retryForMs).toISOString();
}

function toDelivery(item: DeliveryItem): Delivery {
  const {
    id,
    webhook_id,
    event_id,
    detail_type,
    status,
    attempts,
    status_code,
    duration_ms,
    error,
    created_at,
    last_attempt_at,
    next_attempt_at,
  } = item;
  return {
    id,
    webhook_id,
    event_id,
    detail_type,
    status,
    attempts,
    status_code,
    duration_ms,
    error,
    created_at,
    last_attempt_at,
    next_attempt_at,
  };
}

async function inParallel<T>(ctx: FleetContext, items: T[], task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await task(item).catch((error: unknown) => ctx.signals?.log.error("webhook delivery failed to record", { error: String(error) }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_ATTEMPTS, items.length) }, worker));
}
