// Listing servers: filters, case-insensitive search and opaque cursors over the organization's partition,
// in registration order (ids are time-ordered), with a bounded amount of work per request.
import type { FleetContext } from "../context.js";
import { ValidationFailed } from "../errors.js";
import { keys, SERVER_PREFIX } from "../store/keys.js";
import type { Server, ServerListQuery } from "./schema.js";
import { toServer, type ServerItem } from "./server-item.js";

/** Items examined per request at most; a selective filter returns a short page and a cursor rather than scan on. */
export const LIST_SCAN_BUDGET = 5_000;

export interface ServerPage {
  items: Server[];
  next_cursor: string | null;
}

export async function listServers(ctx: FleetContext, organizationId: string, query: ServerListQuery): Promise<ServerPage> {
  const matches = serverFilter(query);
  const selective = Boolean(query.status || query.health_status || query.region || query.environment || query.tag?.length || query.q);
  const found: ServerItem[] = [];
  let start = query.cursor ? { ...keys.server(organizationId, decodeCursor(query.cursor)) } : undefined;
  let examined = 0;
  let lastExamined: string | undefined;
  while (found.length <= query.limit && examined < LIST_SCAN_BUDGET) {
    const page = await ctx.table.query<ServerItem>({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": keys.organizationPartition(organizationId), ":prefix": SERVER_PREFIX },
      ExclusiveStartKey: start,
      Limit: selective ? Math.min(1_000, Math.max(200, query.limit * 4)) : query.limit + 1 - found.length,
    });
    for (const item of page.items) {
      examined += 1;
      lastExamined = item.id;
      if (matches(item)) found.push(item);
      if (found.length > query.limit) break;
    }
    if (!page.lastKey) {
      lastExamined = undefined;
      break;
    }
    start = page.lastKey as typeof start;
  }
  if (found.length > query.limit) {
    return { items: found.slice(0, query.limit).map(toServer), next_cursor: encodeCursor(found[query.limit - 1]!.id) };
  }
  return { items: found.map(toServer), next_cursor: lastExamined ? encodeCursor(lastExamined) : null };
}

/** Every server of the organization matching a predicate; for groups and targeting (bounded by fleet size). */
export async function allServers(ctx: FleetContext, organizationId: string): Promise<ServerItem[]> {
  return ctx.table.queryAll<ServerItem>({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.organizationPartition(organizationId), ":prefix": SERVER_PREFIX },
  });
}

function serverFilter(query: ServerListQuery): (item: ServerItem) => boolean {
  const tests: Array<(item: ServerItem) => boolean> = [];
  // Decommissioned servers are hidden unless asked for by status.
  tests.push(query.status ? (i) => i.status === query.status : (i) => i.status !== "decommissioned");
  if (query.health_status) tests.push((i) => i.health_status === query.health_status);
  if (query.region) tests.push((i) => i.region === query.region);
  if (query.environment) tests.push((i) => i.environment === query.environment);
  for (const tag of query.tag ?? []) tests.push((i) => (i.tags ?? []).includes(tag));
  const q = query.q?.trim().toLowerCase();
  if (q) tests.push((i) => i.search_text.includes(q));
  return (i) => tests.every((t) => t(i));
}

function encodeCursor(serverId: string): string {
  return Buffer.from(JSON.stringify({ after: serverId })).toString("base64url");
}

function decodeCursor(cursor: string): string {
  try {
    const { after } = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof after === "string" && after.length <= 64) return after;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationFailed("cursor is not valid", [{ path: "cursor", message: "use next_cursor from a previous page" }]);
}
