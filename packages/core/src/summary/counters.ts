// The per-organization fleet summary item: counters moved by deltas in the same transaction as each change.
import type { FleetContext } from "../context.js";
import { keys } from "../store/keys.js";
import type { Table, TransactItem } from "../store/table.js";

export type Counters = Record<string, number>;

/** Fields of a server that the summary counts. */
export interface Countable {
  status: string;
  health_status: string;
  region: string | null;
  environment: string | null;
}

/** How the summary counts servers without a region or environment. */
export const UNASSIGNED = "unassigned";

/** The counters one server contributes; a decommissioned server counts only in `by_status`. */
export function contribution(server: Countable | undefined): Counters {
  if (!server) return {};
  if (server.status === "decommissioned") return { "status:decommissioned": 1 };
  return {
    total: 1,
    [`status:${server.status}`]: 1,
    [`health:${server.health_status}`]: 1,
    [`region:${server.region ?? UNASSIGNED}`]: 1,
    [`environment:${server.environment ?? UNASSIGNED}`]: 1,
  };
}

/** What to add to the summary when a server goes from `before` to `after` (either may be absent). */
export function delta(before: Countable | undefined, after: Countable | undefined): Counters {
  const result: Counters = {};
  for (const [name, n] of Object.entries(contribution(after))) result[name] = (result[name] ?? 0) + n;
  for (const [name, n] of Object.entries(contribution(before))) result[name] = (result[name] ?? 0) - n;
  for (const name of Object.keys(result)) if (result[name] === 0) delete result[name];
  return result;
}

/** An ADD update of the summary item, or undefined when nothing changes (no write at all). */
export function summaryUpdate(organizationId: string, change: Counters): TransactItem | undefined {
  const entries = Object.entries(change);
  if (entries.length === 0) return undefined;
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds = entries.map(([name, n], i) => {
    names[`#c${i}`] = `n:${name}`;
    values[`:c${i}`] = n;
    return `#c${i} :c${i}`;
  });
  return {
    Update: {
      Key: keys.summary(organizationId),
      UpdateExpression: `ADD ${adds.join(", ")}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

export interface ServerCounts {
  total_servers: number;
  by_status: Record<string, number>;
  by_health: Record<string, number>;
  by_region: Record<string, number>;
  by_environment: Record<string, number>;
}

/** Reads the counters back into the shape of `GET /summary`; zero counters are left out. */
export async function readServerCounts(table: Table, organizationId: string): Promise<ServerCounts & { item: Record<string, unknown> }> {
  const item = (await table.get(keys.summary(organizationId))) ?? {};
  const counts: ServerCounts = { total_servers: 0, by_status: {}, by_health: {}, by_region: {}, by_environment: {} };
  const groups: Record<string, Record<string, number>> = {
    status: counts.by_status,
    health: counts.by_health,
    region: counts.by_region,
    environment: counts.by_environment,
  };
  for (const [attribute, value] of Object.entries(item)) {
    if (!attribute.startsWith("n:") || typeof value !== "number" || value === 0) continue;
    const [group, ...rest] = attribute.slice(2).split(":");
    if (group === "total") counts.total_servers = value;
    else if (group && groups[group]) groups[group]![rest.join(":")] = value;
  }
  return { ...counts, item };
}

type Counts = Awaited<ReturnType<typeof readServerCounts>>;
const recentCounts = new WeakMap<FleetContext, Map<string, { until: number; writes: number; counts: Promise<Counts> }>>();

/**
 * The summary item, reused for `summaryCountsSeconds` by a process that has written nothing since it read
 * it (any write of its own may have moved the counters, so it reads again). Changes made by other
 * processes show within that time, as an eventually consistent read's would. `GET /summary` answers from
 * it, and listing sizes its reads by it.
 */
export function recentServerCounts(ctx: FleetContext, organizationId: string): Promise<Counts> {
  const perOrganization = recentCounts.get(ctx) ?? new Map();
  recentCounts.set(ctx, perOrganization);
  const cached = perOrganization.get(organizationId);
  if (cached && cached.until > Date.now() && cached.writes === ctx.table.writes) return cached.counts;
  const entry = {
    until: Date.now() + ctx.config.summaryCountsSeconds * 1000,
    writes: ctx.table.writes,
    counts: readServerCounts(ctx.table, organizationId),
  };
  perOrganization.set(organizationId, entry);
  entry.counts.catch(() => perOrganization.get(organizationId) === entry && perOrganization.delete(organizationId));
  return entry.counts;
}
