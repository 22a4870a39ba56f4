// Listing servers by name (`sort=name`, `-name`): the organization's name guards sort by the lower-cased name
// and carry every field a filter reads but health, so a page reads the matching guards in order, then its
// servers with one BatchGetItem, each checked again (health is checked only there).
import type { FleetContext } from "../context.js";
import { keys, SERVER_NAME_PREFIX } from "../store/keys.js";
import {
  decodeCursor,
  encodeCursor,
  LIST_SCAN_BUDGET,
  matches,
  readSize,
  serverFilter,
  type CheckedServer,
  type ServerPage,
} from "./list-filter.js";
import type { ServerListQuery } from "./schema.js";
import { serverProjection, toServer } from "./server-item.js";

const BY_KEY = serverProjection("sk", "search_text");
/**
 * Guards examined per request with a health filter, which only the servers themselves answer: each guard
 * examined then costs a server read, so the page ends early (with a cursor) rather than read on.
 */
export const HEALTH_BY_NAME_BUDGET = 1_000;

/**
 * Collation: names compared lower-cased (locale-independent `toLowerCase`), then by Unicode code point, as
 * DynamoDB orders the guards' UTF-8 sort keys; names are unique case-insensitively, so there are no ties.
 * `share` is the share of guards the filters are expected to keep (from the summary's counts).
 */
export async function listByName(ctx: FleetContext, organizationId: string, query: ServerListQuery, share: number): Promise<ServerPage> {
  const partition = keys.organizationPartition(organizationId);
  const filter = serverFilter({ ...query, health_status: undefined });
  const selective = filter.selective || Boolean(query.health_status);
  const budget = query.health_status ? HEALTH_BY_NAME_BUDGET : LIST_SCAN_BUDGET;
  const found: Array<{ name: string; server: CheckedServer }> = [];
  let start: Record<string, unknown> | undefined = query.cursor
    ? { pk: partition, sk: `${SERVER_NAME_PREFIX}${decodeCursor(query.cursor, "name")}` }
    : undefined;
  let examined = 0;
  let lastExamined: string | undefined;
  while (found.length <= query.limit && examined < budget) {
    const page = await ctx.table.query<{ sk: string; server_id: string }>({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      FilterExpression: filter.expression,
      ExpressionAttributeNames: { ...filter.names, "#sk": "sk", "#server": "server_id" },
      ExpressionAttributeValues: { ":pk": partition, ":prefix": SERVER_NAME_PREFIX, ...filter.values },
      ProjectionExpression: "#sk, #server",
      ScanIndexForward: query.sort !== "-name",
      ExclusiveStartKey: start,
      Limit: Math.min(budget - examined, readSize(query.limit + 1, found.length, examined, selective, share)),
    });
    examined += page.scanned;
    const servers = await ctx.table.batchGet<CheckedServer>(
      page.items.map((guard) => keys.server(organizationId, guard.server_id)),
      { projection: BY_KEY },
    );
    const byId = new Map(servers.map((server) => [server.id, server]));
    for (const guard of page.items) {
      const name = guard.sk.slice(SERVER_NAME_PREFIX.length);
      const server = byId.get(guard.server_id);
      // A server renamed or changed between the two reads is left to the position its guard now holds.
      if (server && server.name.toLowerCase() === name && matches(server, query)) found.push({ name, server });
    }
    if (!page.lastKey) {
      lastExamined = undefined;
      break;
    }
    lastExamined = String(page.lastKey.sk).slice(SERVER_NAME_PREFIX.length);
    start = page.lastKey;
  }
  if (found.length > query.limit) {
    const items = found.slice(0, query.limit);
    return { items: items.map((f) => toServer(f.server)), next_cursor: encodeCursor({ name: items[items.length - 1]!.name }) };
  }
  return { items: found.map((f) => toServer(f.server)), next_cursor: lastExamined ? encodeCursor({ name: lastExamined }) : null };
}
