// Listing servers: filters, case-insensitive search and opaque cursors over the organization's partition,
// in registration order (ids are time-ordered), with a bounded amount of work per request. Filters run in
// DynamoDB (a FilterExpression), so a selective filter reads many servers but returns only its matches.
import type { FleetContext } from "../context.js";
import { keys, SERVER_PREFIX } from "../store/keys.js";
import type { Projection } from "../store/table.js";
import { INDEXES } from "../store/table-definition.js";
import { recentServerCounts, UNASSIGNED, type ServerCounts } from "../summary/counters.js";
import type { Server, ServerListQuery } from "./schema.js";
import {
  decodeCursor,
  encodeCursor,
  LIST_SCAN_BUDGET,
  matches,
  readSize,
  serverFilter,
  type CheckedServer,
  type ServerFilter,
  type ServerPage,
} from "./list-filter.js";
import { listByName } from "./name-order.js";
import { serverProjection, toServer, type ServerItem, type StoredServer } from "./server-item.js";

/** What listing reads of a server: in order, the public record; by key, what the re-check needs besides. */
const IN_ORDER = serverProjection();
const BY_KEY = serverProjection("sk", "search_text");

/** An environment or region filter reads the placement index only when it keeps less than 1/4 of the fleet. */
const PLACEMENT_SHARE_LIMIT = 4;

export type { ServerPage } from "./list-filter.js";

export async function listServers(ctx: FleetContext, organizationId: string, query: ServerListQuery): Promise<ServerPage> {
  // The summary's counts tell what share of the fleet each of these filters keeps (and name the placement
  // partitions), so that a read asks for about as many items as hold a page of matches.
  const counted = Boolean(query.status || query.health_status || query.environment || query.region);
  const counts = counted ? await recentServerCounts(ctx, organizationId) : undefined;
  if (query.sort === "name" || query.sort === "-name") return listByName(ctx, organizationId, query, expectedShare(counts, query));
  // Health is on neither the placement index nor the tag entries (probes rewrite it): a health filter reads
  // the fleet in order. Otherwise an environment or region slice under a quarter of the fleet reads the
  // `placement` index, and a tag filter its tag's entries, so that only (nearly) matching servers are read.
  // (The counts leave decommissioned servers out: asking for those reads otherwise.)
  if (!query.health_status && (query.environment || query.region) && query.status !== "decommissioned") {
    const share = counts && placementShare(counts, query);
    if (share === undefined || share * PLACEMENT_SHARE_LIMIT < 1) return listByPlacement(ctx, organizationId, query, counts);
  }
  if (!query.health_status && query.tag?.length) return listByTag(ctx, organizationId, query, counts);
  const { found, lastExamined } = await readInOrder<StoredServer>(
    ctx,
    keys.organizationPartition(organizationId),
    query,
    serverFilter(query),
    expectedShare(counts, query),
    IN_ORDER,
  );
  if (found.length > query.limit) {
    return { items: found.slice(0, query.limit).map(toServer), next_cursor: encodeCursor({ after: found[query.limit - 1]!.id }) };
  }
  return { items: found.map(toServer), next_cursor: lastExamined ? encodeCursor({ after: lastExamined }) : null };
}

/**
 * Reads a partition of server-keyed items (the organization's servers, or a tag's entries) in registration
 * order from the query's cursor, until it has one match more than the page or has examined
 * LIST_SCAN_BUDGET items. The filter runs in DynamoDB: only matches travel, and only the `projection` of
 * them, but every item is read; each read is sized by `readSize`. `lastExamined` is where reading stopped
 * (undefined at the partition's end).
 */
async function readInOrder<T extends object>(
  ctx: FleetContext,
  partition: string,
  query: ServerListQuery,
  filter: ServerFilter,
  share: number,
  projection: Projection,
): Promise<{ found: T[]; lastExamined: string | undefined }> {
  const found: T[] = [];
  let start: Record<string, unknown> | undefined = query.cursor
    ? { pk: partition, sk: `${SERVER_PREFIX}${decodeCursor(query.cursor, "registered")}` }
    : undefined;
  let examined = 0;
  let lastExamined: string | undefined;
  while (found.length <= query.limit && examined < LIST_SCAN_BUDGET) {
    const page = await ctx.table.query<T>({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      FilterExpression: filter.expression,
      ExpressionAttributeNames: { ...filter.names, ...projection.names },
      ExpressionAttributeValues: { ":pk": partition, ":prefix": SERVER_PREFIX, ...filter.values },
      ProjectionExpression: projection.expression,
      ScanIndexForward: query.sort !== "-registered",
      ExclusiveStartKey: start,
      Limit: readSize(query.limit + 1, found.length, examined, filter.selective, share),
    });
    examined += page.scanned;
    for (const item of page.items) {
      found.push(item);
      if (found.length > query.limit) break;
    }
    if (!page.lastKey) return { found, lastExamined: undefined };
    lastExamined = String(page.lastKey.sk).slice(SERVER_PREFIX.length);
    start = page.lastKey;
  }
  return { found, lastExamined };
}

/**
 * The share of servers a filter is expected to keep, from the summary's counts, the filters taken as
 * independent: status, health, environment and region each by its count. Tags and `q` have no counts and
 * are taken to keep everything: a first read is then no larger than a page needs, and a selective search
 * costs one more read, sized by the share the first one saw.
 */
function expectedShare(
  counts: ServerCounts | undefined,
  query: Pick<ServerListQuery, "status" | "health_status" | "environment" | "region">,
): number {
  if (!counts || counts.total_servers === 0) return 1;
  const live = counts.total_servers;
  const all = live + (counts.by_status.decommissioned ?? 0);
  const of = (count: number | undefined, among: number) => Math.min(1, (count ?? 0) / among);
  const status = query.status ? of(counts.by_status[query.status], all) : live / all;
  const health = query.health_status ? of(counts.by_health[query.health_status], live) : 1;
  return status * health * placementShare(counts, query)!;
}

/**
 * Lists through the entries of the first tag asked for: one per server carrying it, in registration order.
 * The other filters run on the entries (they carry every field a filter reads but health), then one
 * BatchGetItem reads the page's servers, each checked again: an entry can trail its server by the instant
 * between two reads, or outlive a tag the server lost.
 */
async function listByTag(
  ctx: FleetContext,
  organizationId: string,
  query: ServerListQuery,
  counts: ServerCounts | undefined,
): Promise<ServerPage> {
  const [tag, ...otherTags] = query.tag!;
  const filter = serverFilter({ ...query, tag: otherTags });
  const { found, lastExamined } = await readInOrder<{ sk: string }>(
    ctx,
    keys.tagPartition(organizationId, tag!),
    query,
    filter,
    expectedShare(counts, query),
    { expression: "sk", names: {} },
  );
  const page = found.slice(0, query.limit).map((entry) => entry.sk);
  const servers = await serversInOrder(ctx, organizationId, page, query);
  const last = found.length > query.limit ? page[page.length - 1]!.slice(SERVER_PREFIX.length) : lastExamined;
  return { items: servers, next_cursor: last ? encodeCursor({ after: last }) : null };
}

/** The servers of a page of sort keys, read with one BatchGetItem, in the page's order; servers that no longer match are left out. */
async function serversInOrder(ctx: FleetContext, organizationId: string, page: string[], query: ServerListQuery): Promise<Server[]> {
  const items = await ctx.table.batchGet<CheckedServer>(
    page.map((sk) => ({ pk: keys.organizationPartition(organizationId), sk })),
    { projection: BY_KEY },
  );
  const bySk = new Map(items.filter((item) => matches(item, query)).map((item) => [item.sk, item]));
  return page.flatMap((sk) => (bySk.has(sk) ? [toServer(bySk.get(sk)!)] : []));
}

/**
 * The share of the fleet an environment and/or region filter keeps, from the summary's counts (the two taken
 * as independent when both are given); undefined for an empty fleet.
 */
function placementShare(counts: ServerCounts, query: Pick<ServerListQuery, "environment" | "region">): number | undefined {
  if (counts.total_servers === 0) return undefined;
  const of = (slice: number | undefined) => Math.min(1, (slice ?? 0) / counts.total_servers);
  return (query.environment ? of(counts.by_environment[query.environment]) : 1) * (query.region ? of(counts.by_region[query.region]) : 1);
}

/**
 * Lists through the `placement` index: one partition per (environment, region) pair the filter allows, read
 * in parallel in registration order and merged; status, tag and `q` filter the index entries (they are
 * projected); then one BatchGetItem reads the page's servers.
 */
async function listByPlacement(
  ctx: FleetContext,
  organizationId: string,
  query: ServerListQuery,
  counts: ServerCounts | undefined,
): Promise<ServerPage> {
  const { environment, region } = query;
  const values = (known: Record<string, number> | undefined, given: string | undefined): Array<string | null> =>
    given !== undefined ? [given] : Object.keys(known ?? {}).flatMap((v) => (v === UNASSIGNED ? [v, null] : [v]));
  const partitions = values(counts?.by_environment, environment).flatMap((env) =>
    values(counts?.by_region, region).map((reg) => keys.placement(organizationId, env, reg)),
  );
  const filter = serverFilter({ ...query, environment: undefined, region: undefined });
  const share = expectedShare(counts, { status: query.status });
  const after = query.cursor ? keys.server(organizationId, decodeCursor(query.cursor, "registered")).sk : undefined;
  const newestFirst = query.sort === "-registered";
  const budget = Math.ceil(LIST_SCAN_BUDGET / Math.max(1, partitions.length));

  const reads = await Promise.all(
    partitions.map(async (placement) => {
      const matches: string[] = [];
      let start: Record<string, unknown> | undefined;
      let examined = 0;
      do {
        const page = await ctx.table.query<{ sk: string }>({
          IndexName: INDEXES.placement.name,
          KeyConditionExpression: after ? `placement = :placement AND sk ${newestFirst ? "<" : ">"} :after` : "placement = :placement",
          FilterExpression: filter.expression,
          ExpressionAttributeNames: filter.names,
          ExpressionAttributeValues: { ":placement": placement, ...(after ? { ":after": after } : {}), ...filter.values },
          ProjectionExpression: "sk",
          ScanIndexForward: !newestFirst,
          ExclusiveStartKey: start,
          Limit: readSize(query.limit + 1, matches.length, examined, filter.selective, share),
        });
        examined += page.scanned;
        matches.push(...page.items.map((i) => i.sk));
        start = page.lastKey;
      } while (start && matches.length <= query.limit && examined < budget);
      // Everything up to `bound` was examined; a partition read to its end has no bound.
      return { matches, bound: start ? String(start.sk) : undefined };
    }),
  );
  const bounds = reads.flatMap((r) => (r.bound ? [r.bound] : []));
  // Read in the page's direction, so the partitions were all examined up to the bound nearest the start.
  const before = (a: string, b: string) => (newestFirst ? a > b : a < b);
  const bound = bounds.length ? bounds.reduce((a, b) => (before(b, a) ? b : a)) : undefined;
  const eligible = reads
    .flatMap((r) => r.matches)
    .filter((sk) => bound === undefined || sk === bound || before(sk, bound))
    .sort();
  if (newestFirst) eligible.reverse();
  const page = eligible.slice(0, query.limit);
  // The index is eventually consistent: a server changed meanwhile is left out of a page it no longer matches.
  const servers = await serversInOrder(ctx, organizationId, page, query);
  const last = eligible.length > query.limit ? page[page.length - 1] : bound;
  return { items: servers, next_cursor: last ? encodeCursor({ after: last.slice(SERVER_PREFIX.length) }) : null };
}

/** Every server of the organization matching a predicate; for groups and targeting (bounded by fleet size). */
export async function allServers(ctx: FleetContext, organizationId: string): Promise<ServerItem[]> {
  return ctx.table.queryAll<ServerItem>({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": keys.organizationPartition(organizationId), ":prefix": SERVER_PREFIX },
  });
}
