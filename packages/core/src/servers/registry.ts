// The server registry: register, read, update, decommission, purge and rotate tokens, each change
// written with its summary delta and its fleet event in one transaction.
import type { FleetContext } from "../context.js";
import { Conflict, NotFound } from "../errors.js";
import { fleetEvent, outboxPut, type DetailType } from "../events/fleet-event.js";
import { newId, isId } from "../ids.js";
import { keys } from "../store/keys.js";
import { TransactionRejected, type TransactItem } from "../store/table.js";
import { delta, summaryUpdate } from "../summary/counters.js";
import { removeServerFromGroups } from "../groups/membership.js";
import { checkApiUrl } from "./api-url.js";
import { inTurn } from "./write-turns.js";
import type { Server, ServerCreate, ServerUpdate } from "./schema.js";
import { nameItem, sameTagEntries, tagItems, toServer, toServerItem, type ServerItem } from "./server-item.js";

/** Attempts at a read-modify-write of one server before answering 409; jittered backoff spreads the writers. */
const MAX_UPDATE_ATTEMPTS = 12;
/** DynamoDB's limit of items in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

export async function registerServer(ctx: FleetContext, organizationId: string, input: ServerCreate): Promise<Server> {
  const now = ctx.clock.now().toISOString();
  const server: Server = {
    id: newId(),
    organization_id: organizationId,
    name: input.name,
    description: input.description ?? null,
    hostname: input.hostname,
    api_url: checkApiUrl(input.api_url, ctx.config.mode),
    version: input.version ?? null,
    region: input.region ?? null,
    environment: input.environment ?? null,
    status: input.status ?? "active",
    health_status: "unknown",
    last_seen_at: null,
    last_health_check_at: null,
    response_time_ms: null,
    tags: unique(input.tags ?? []),
    metadata: input.metadata ?? {},
    created_at: now,
    updated_at: now,
  };
  const item = toServerItem(
    server,
    await ctx.secrets.encrypt(input.api_token, { organization_id: organizationId, server_id: server.id }),
    1,
  );
  const writes: TransactItem[] = [
    { Put: { Item: nameItem(item), ConditionExpression: "attribute_not_exists(pk)" } },
    { Put: { Item: item, ConditionExpression: "attribute_not_exists(pk)" } },
    outboxPut(fleetEvent("Server Registered", organizationId, { server: toServer(item), sequence: item.revision }, ctx.clock.now())),
    ...tagItems(item).map((entry) => ({ Put: { Item: entry } })),
  ];
  const counters = summaryUpdate(organizationId, delta(undefined, server));
  if (counters) writes.push(counters);
  try {
    await ctx.table.transact(writes);
  } catch (error) {
    if (error instanceof TransactionRejected && error.failedAt(0)) throw nameTaken(server.name);
    throw error;
  }
  return server;
}

/** The stored item, or NotFound; also NotFound for another organization's id, so ids leak nothing. */
export async function getServerItem(ctx: FleetContext, organizationId: string, id: string, consistent = false): Promise<ServerItem> {
  const item = isId(id) ? await ctx.table.get<ServerItem>(keys.server(organizationId, id), { consistent }) : undefined;
  if (!item) throw new NotFound(`server ${id} not found`);
  return item;
}

export async function getServer(ctx: FleetContext, organizationId: string, id: string): Promise<Server> {
  return toServer(await getServerItem(ctx, organizationId, id));
}

/** A PATCH to `decommissioned` leaves the server's static groups as DELETE does: reactivation is an explicit re-add. */
export async function updateServer(ctx: FleetContext, organizationId: string, id: string, input: ServerUpdate): Promise<Server> {
  const server = await rewriteFields(ctx, organizationId, id, input);
  if (server.status === "decommissioned") await removeServerFromGroups(ctx, organizationId, id);
  return server;
}

async function rewriteFields(ctx: FleetContext, organizationId: string, id: string, input: ServerUpdate): Promise<Server> {
  const apiUrl = input.api_url === undefined ? undefined : checkApiUrl(input.api_url, ctx.config.mode);
  const tokenCiphertext =
    input.api_token === undefined
      ? undefined
      : await ctx.secrets.encrypt(input.api_token, { organization_id: organizationId, server_id: id });
  return rewriteServer(ctx, organizationId, id, (before) => {
    const { api_token: _token, ...fields } = input;
    const after: Server = { ...toServer(before), ...definedOnly(fields) };
    if (apiUrl !== undefined) after.api_url = apiUrl;
    if (input.tags) after.tags = unique(input.tags);
    const changed =
      tokenCiphertext !== undefined || Object.keys(fields).some((f) => !sameValue(before[f as keyof Server], after[f as keyof Server]));
    const detailType: DetailType =
      after.status === "decommissioned" && before.status !== "decommissioned" ? "Server Decommissioned" : "Server Updated";
    return changed ? { after, tokenCiphertext, detailType } : undefined;
  });
}

/** Soft delete: the server stays (hidden from lists) with status `decommissioned`, leaves its groups, and is no longer probed. */
export async function decommissionServer(ctx: FleetContext, organizationId: string, id: string): Promise<Server> {
  const server = await rewriteServer(ctx, organizationId, id, (before) =>
    before.status === "decommissioned"
      ? undefined
      : { after: { ...toServer(before), status: "decommissioned" }, detailType: "Server Decommissioned" },
  );
  await removeServerFromGroups(ctx, organizationId, id);
  for (const cleanup of decommissionCleanups) await cleanup(ctx, organizationId, id);
  return server;
}

export async function rotateServerToken(ctx: FleetContext, organizationId: string, id: string, token: string): Promise<Server> {
  const tokenCiphertext = await ctx.secrets.encrypt(token, { organization_id: organizationId, server_id: id });
  return rewriteServer(ctx, organizationId, id, (before) => ({
    after: toServer(before),
    tokenCiphertext,
    detailType: "Server Updated",
    data: { token_rotated: true },
  }));
}

/** Hard delete of the server, its name reservation, its group memberships and, through registered cleanups, its history. */
export async function purgeServer(ctx: FleetContext, organizationId: string, id: string): Promise<void> {
  // Memberships go before the server (and again after, for any added meanwhile): a process stopped between
  // the two leaves a server outside its groups, never a group listing a server that does not exist.
  await removeServerFromGroups(ctx, organizationId, id);
  for (let attempt = 1; ; attempt++) {
    const before = await getServerItem(ctx, organizationId, id, true);
    const writes: TransactItem[] = [
      {
        Delete: {
          Key: keys.server(organizationId, id),
          ConditionExpression: "revision = :r",
          ExpressionAttributeValues: { ":r": before.revision },
        },
      },
      { Delete: { Key: keys.serverName(organizationId, before.name) } },
      outboxPut(fleetEvent("Server Deleted", organizationId, { server: toServer(before), sequence: before.revision + 1 }, ctx.clock.now())),
      ...before.tags.map((tag) => ({ Delete: { Key: keys.serverTag(organizationId, tag, id) } })),
    ];
    const counters = summaryUpdate(organizationId, delta(before, undefined));
    if (counters) writes.push(counters);
    try {
      await ctx.table.transact(writes);
      break;
    } catch (error) {
      if (!(error instanceof TransactionRejected && error.failedAt(0))) throw error;
      if (attempt >= MAX_UPDATE_ATTEMPTS) throw changedConcurrently(id);
      await backoff(attempt);
    }
  }
  await removeServerFromGroups(ctx, organizationId, id);
  for (const cleanup of serverHistoryCleanups) await cleanup(ctx, organizationId, id);
}

/** Deletes the history a capability keeps per server (health checks, metrics) when the server is purged. */
export type ServerHistoryCleanup = (ctx: FleetContext, organizationId: string, serverId: string) => Promise<void>;
const serverHistoryCleanups: ServerHistoryCleanup[] = [];
export function onServerPurged(cleanup: ServerHistoryCleanup): void {
  serverHistoryCleanups.push(cleanup);
}

/** Clears what a capability keeps open about a server (its open alerts) when the server is decommissioned. */
const decommissionCleanups: ServerHistoryCleanup[] = [];
export function onServerDecommissioned(cleanup: ServerHistoryCleanup): void {
  decommissionCleanups.push(cleanup);
}

interface Rewrite {
  after: Server;
  tokenCiphertext?: string;
  detailType: DetailType;
  data?: Record<string, unknown>;
}

/**
 * Read-modify-write with optimistic concurrency: the write is conditional on the revision that was read,
 * so the summary delta is always computed from the state being replaced. `change` returns undefined when
 * nothing differs, and then nothing is written.
 */
async function rewriteServer(
  ctx: FleetContext,
  organizationId: string,
  id: string,
  change: (before: ServerItem) => Rewrite | undefined,
): Promise<Server> {
  return inTurn(`${organizationId}/${id}`, () => rewriteUntilWritten(ctx, organizationId, id, change));
}

async function rewriteUntilWritten(
  ctx: FleetContext,
  organizationId: string,
  id: string,
  change: (before: ServerItem) => Rewrite | undefined,
): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    const before = await getServerItem(ctx, organizationId, id, true);
    const rewrite = change(before);
    if (!rewrite) return toServer(before);
    const after: Server = { ...rewrite.after, updated_at: ctx.clock.now().toISOString() };
    const item = toServerItem(after, rewrite.tokenCiphertext ?? before.api_token_enc, before.revision + 1);
    const renamed = before.name.toLowerCase() !== after.name.toLowerCase();
    const writes: TransactItem[] = [
      { Put: { Item: item, ConditionExpression: "revision = :r", ExpressionAttributeValues: { ":r": before.revision } } },
      outboxPut(
        fleetEvent(
          rewrite.detailType,
          organizationId,
          { server: toServer(item), sequence: item.revision, ...rewrite.data },
          ctx.clock.now(),
        ),
      ),
    ];
    if (renamed) {
      writes.push(
        { Put: { Item: nameItem(item), ConditionExpression: "attribute_not_exists(pk)" } },
        { Delete: { Key: keys.serverName(organizationId, before.name) } },
      );
    } else if (!sameTagEntries(before, item)) {
      // The guard carries the filter fields a listing by name reads (pushed after the items failedAt() looks at).
      writes.push({ Put: { Item: nameItem(item) } });
    }
    const counters = summaryUpdate(organizationId, delta(before, after));
    if (counters) writes.push(counters);
    // Tag entries follow the fields they carry; entries of tags it lost go in the same transaction when
    // they fit (a change of more than about 45 tags at once deletes them just after: a leftover entry is
    // passed over by listing, which re-checks every server it reads).
    if (!sameTagEntries(before, item)) writes.push(...tagItems(item).map((entry) => ({ Put: { Item: entry } })));
    const lost = before.tags
      .filter((tag) => !item.tags.includes(tag))
      .map((tag) => ({ Delete: { Key: keys.serverTag(organizationId, tag, id) } }));
    const later = writes.length + lost.length > MAX_TRANSACTION_ITEMS ? lost : [];
    if (later.length === 0) writes.push(...lost);
    try {
      await ctx.table.transact(writes);
      if (later.length > 0) await ctx.table.batchWrite(later.map(({ Delete }) => ({ delete: Delete.Key })));
      return toServer(item);
    } catch (error) {
      if (!(error instanceof TransactionRejected)) throw error;
      if (renamed && error.failedAt(2)) throw nameTaken(after.name);
      if (!error.failedAt(0)) throw error;
      if (attempt >= MAX_UPDATE_ATTEMPTS) throw changedConcurrently(id);
      await backoff(attempt);
    }
  }
}

function changedConcurrently(id: string): Conflict {
  return new Conflict(`server ${id} is being changed by other requests at the same time; retry`);
}

/** Jittered, capped exponential backoff: 50 writers on one server spread out instead of colliding in lockstep. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(200, 5 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function nameTaken(name: string): Conflict {
  return new Conflict(`a server named ${name} already exists`, [{ path: "name", message: "already taken in this organization" }]);
}

function unique(tags: string[]): string[] {
  return [...new Set(tags)];
}

function definedOnly<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
