// Alert records for GET /alerts: one item per open alert (by server and rule) and one per resolved alert (by
// resolution time, kept `alerts.resolvedRetentionDays`), in the organization's alert partition. They are
// derived from the alert events a probe group's save publishes and written just before that save, so a crash
// in between repeats a record on the next cycle (idempotent keys for open ones) and never loses one.
import { z } from "@hono/zod-openapi";
import type { FleetContext } from "../context.js";
import { ValidationFailed } from "../errors.js";
import type { FleetEvent } from "../events/fleet-event.js";
import { keys, OPEN_ALERT_PREFIX, RESOLVED_ALERT_PREFIX, type Key } from "../store/keys.js";

export const AlertRecord = z
  .object({
    id: z.string(),
    server_id: z.string(),
    server_name: z.string(),
    rule: z.string(),
    severity: z.enum(["warning", "critical"]),
    state: z.enum(["open", "resolved"]),
    raised_at: z.string(),
    resolved_at: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi("Alert");
export type AlertRecord = z.infer<typeof AlertRecord>;

export const AlertListQuery = z.object({
  state: z.enum(["open", "resolved"]).default("open"),
  severity: z.enum(["warning", "critical"]).optional(),
  server_id: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});
export type AlertListQuery = z.infer<typeof AlertListQuery>;

interface AlertItem extends AlertRecord {
  pk: string;
  sk: string;
}

/** Fields of an alert event's `data.alert` that are the record's own; the rest are its details. */
const OWN = new Set(["id", "rule", "severity", "server_id", "server_name", "raised_at", "resolved_at"]);

/** The record writes implied by a save's alert events (raise: put the open record; resolve: replace it by a resolved one). */
export function alertRecordWrites(
  organizationId: string,
  events: FleetEvent[],
  retentionSeconds: number,
): Array<{ put: Record<string, unknown> } | { delete: Key }> {
  // A batch may not touch one key twice: the last event about an open record wins.
  const writes = new Map<string, { put: Record<string, unknown> } | { delete: Key }>();
  for (const event of events) {
    if (event.detail_type !== "Fleet Alert Raised" && event.detail_type !== "Fleet Alert Resolved") continue;
    const alert = event.detail.data.alert as Record<string, unknown>;
    const serverId = String(alert.server_id);
    const rule = String(alert.rule);
    const details = Object.fromEntries(Object.entries(alert).filter(([k]) => !OWN.has(k)));
    const record = {
      id: String(alert.id),
      server_id: serverId,
      server_name: String(alert.server_name),
      rule,
      severity: alert.severity,
      raised_at: String(alert.raised_at),
      details,
    };
    const open = keys.openAlert(organizationId, serverId, rule);
    if (event.detail_type === "Fleet Alert Raised") {
      writes.set(open.sk, { put: { ...open, entity: "alert", ...record, state: "open", resolved_at: null } });
    } else {
      const resolvedAt = String(alert.resolved_at);
      const resolved = keys.resolvedAlert(organizationId, resolvedAt, serverId, rule);
      writes.set(open.sk, { delete: open });
      writes.set(resolved.sk, {
        put: {
          ...resolved,
          entity: "alert",
          ...record,
          state: "resolved",
          resolved_at: resolvedAt,
          expires_at: Math.floor(Date.parse(resolvedAt) / 1000) + retentionSeconds,
        },
      });
    }
  }
  return [...writes.values()];
}

export async function writeAlertRecords(ctx: FleetContext, organizationId: string, events: FleetEvent[]): Promise<void> {
  const writes = alertRecordWrites(organizationId, events, ctx.config.alerts.resolvedRetentionDays * 86_400);
  if (writes.length > 0) await ctx.table.batchWrite(writes);
}

/** Open alert records of servers leaving their probe group, by member key (the end of a server id). */
export async function forgetOpenAlertsOfMembers(ctx: FleetContext, organizationId: string, members: string[]): Promise<void> {
  const open = await ctx.table.queryAll<{ pk: string; sk: string; server_id: string }>({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.alerts(organizationId), ":prefix": OPEN_ALERT_PREFIX },
    ProjectionExpression: "pk, sk, server_id",
  });
  const leaving = open.filter((item) => members.some((m) => item.server_id.endsWith(m)));
  if (leaving.length > 0) await ctx.table.batchWrite(leaving.map(({ pk, sk }) => ({ delete: { pk, sk } })));
}

/** A decommissioned or purged server's open alert records go with it (its resolved ones expire). */
export async function forgetOpenAlerts(ctx: FleetContext, organizationId: string, serverId: string): Promise<void> {
  const open = await ctx.table.queryAll<{ pk: string; sk: string }>({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.alerts(organizationId), ":prefix": `${OPEN_ALERT_PREFIX}${serverId}#` },
    ProjectionExpression: "pk, sk",
  });
  if (open.length > 0) await ctx.table.batchWrite(open.map(({ pk, sk }) => ({ delete: { pk, sk } })));
}

/** Bounds the items one request reads when a filter matches few of them. */
const SCAN_BUDGET = 2_000;

/**
 * Open alerts ordered by server, or resolved ones newest first, a page at a time. A server filter on open
 * alerts narrows the key range; severity (and server, for resolved ones) filters the items read.
 */
export async function listAlerts(
  ctx: FleetContext,
  organizationId: string,
  query: AlertListQuery,
): Promise<{ items: AlertRecord[]; next_cursor: string | null }> {
  const prefix = query.state === "open" ? `${OPEN_ALERT_PREFIX}${query.server_id ? `${query.server_id}#` : ""}` : RESOLVED_ALERT_PREFIX;
  const pk = keys.alerts(organizationId);
  let start: Record<string, unknown> | undefined = query.cursor ? { pk, sk: decodeCursor(query.cursor, prefix) } : undefined;
  const filters: string[] = [];
  const values: Record<string, unknown> = { ":pk": pk, ":prefix": prefix };
  if (query.severity) {
    filters.push("severity = :severity");
    values[":severity"] = query.severity;
  }
  if (query.server_id && query.state === "resolved") {
    filters.push("server_id = :server");
    values[":server"] = query.server_id;
  }
  const items: AlertRecord[] = [];
  let scanned = 0;
  let last: string | undefined;
  do {
    const page = await ctx.table.query<AlertItem>({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: values,
      ...(filters.length ? { FilterExpression: filters.join(" AND ") } : {}),
      ScanIndexForward: query.state === "open",
      ExclusiveStartKey: start,
      Limit: Math.min(SCAN_BUDGET, query.limit + 1 - items.length + (filters.length ? 100 : 0)),
    });
    scanned += page.scanned;
    for (const item of page.items) {
      if (items.length === query.limit) return { items, next_cursor: encodeCursor(last!) };
      items.push(toRecord(item));
      last = item.sk;
    }
    start = page.lastKey;
    if (start && items.length === query.limit) return { items, next_cursor: encodeCursor(last!) };
    if (start && scanned >= SCAN_BUDGET) return { items, next_cursor: encodeCursor(String(start.sk)) };
  } while (start);
  return { items, next_cursor: null };
}

function toRecord(item: AlertItem): AlertRecord {
  const {
    pk: _pk,
    sk: _sk,
    entity: _entity,
    expires_at: _expires,
    ...record
  } = item as AlertItem & { entity?: string; expires_at?: number };
  return record;
}

function encodeCursor(sk: string): string {
  return Buffer.from(sk).toString("base64url");
}

function decodeCursor(cursor: string, prefix: string): string {
  const sk = Buffer.from(cursor, "base64url").toString("utf8");
  if (!sk.startsWith(prefix))
    throw new ValidationFailed("cursor is not valid", [
      { path: "cursor", message: "use next_cursor from a previous page with the same filters" },
    ]);
  return sk;
}
