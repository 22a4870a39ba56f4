// The operator's consistency check: reads every item the fleet invariants are about (one parallel scan of the
// table, in AWS or locally), reports each violation and, when asked, writes the fix of each.
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "../store/keys.js";
import type { Table, Item } from "../store/table.js";
import type { Counters } from "../summary/counters.js";
import type { ServerItem } from "../servers/server-item.js";
import { findProblems, type Condition, type Fix, type OrganizationItems, type Problem } from "./invariants.js";

export interface ConsistencyReport {
  organizations: number;
  servers: number;
  problems: Array<Omit<Problem, "fix"> & { fixed?: boolean; fix_error?: string }>;
}

const ENTITIES = ["server", "server_name", "server_tag", "group", "group_member"];
/** Scan segments read at once (DynamoDB parallel scan). */
const SEGMENTS = 4;

/**
 * Checks every organization's invariants (docs/consistency.md). With `repair`, each problem's fix is written
 * conditionally on the item being as the check read it, so a change made meanwhile is never overwritten
 * (its fix then fails and is reported; run the check again).
 */
export async function checkConsistency(table: Table, options: { repair?: boolean } = {}): Promise<ConsistencyReport> {
  const organizations = await readOrganizations(table);
  const found = [...organizations].flatMap(([id, items]) => findProblems(id, items));
  const problems: ConsistencyReport["problems"] = [];
  for (const { fix, ...problem } of found) {
    if (!options.repair) {
      problems.push(problem);
      continue;
    }
    try {
      await applyFix(table, fix);
      problems.push({ ...problem, fixed: true });
    } catch (error) {
      problems.push({
        ...problem,
        fixed: false,
        fix_error: (error as Error).name === "ConditionalCheckFailedException" ? "changed since it was read" : String(error),
      });
    }
  }
  const servers = [...organizations.values()].reduce((n, o) => n + o.servers.length, 0);
  return { organizations: organizations.size, servers, problems };
}

async function readOrganizations(table: Table): Promise<Map<string, OrganizationItems>> {
  const organizations = new Map<string, OrganizationItems>();
  const of = (id: string) => {
    let items = organizations.get(id);
    if (!items) {
      items = { servers: [], nameGuards: [], tagEntries: [], groupIds: new Set(), members: [], counters: {} };
      organizations.set(id, items);
    }
    return items;
  };
  for (const item of await scanAll(table)) {
    const organizationId = String(item.pk).split("#")[1]!;
    const items = of(organizationId);
    if (item.sk === "SUMMARY") items.counters = countersOf(item);
    else if (item.entity === "server") items.servers.push(item as unknown as ServerItem);
    else if (item.entity === "server_name") items.nameGuards.push(item);
    else if (item.entity === "server_tag") items.tagEntries.push(item);
    else if (item.entity === "group") items.groupIds.add(String(item.id));
    else if (item.entity === "group_member") items.members.push(item);
  }
  return organizations;
}

/** Every item a check looks at: a strongly consistent, parallel scan filtered to those entities and the summaries. */
async function scanAll(table: Table): Promise<Item[]> {
  const names = { "#entity": "entity", "#sk": "sk" };
  const values = { ":summary": "SUMMARY", ...Object.fromEntries(ENTITIES.map((e, i) => [`:e${i}`, e])) };
  const filter = `#sk = :summary OR #entity IN (${ENTITIES.map((_, i) => `:e${i}`).join(", ")})`;
  const segments = await Promise.all(
    Array.from({ length: SEGMENTS }, async (_, segment) => {
      const items: Item[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await table.doc.send(
          new ScanCommand({
            TableName: table.name,
            Segment: segment,
            TotalSegments: SEGMENTS,
            ConsistentRead: true,
            FilterExpression: filter,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ExclusiveStartKey: start,
            ReturnConsumedCapacity: "TOTAL",
          }),
        );
        table.meter.record("Scan", out.ConsumedCapacity);
        items.push(...((out.Items ?? []) as Item[]).filter((i) => table.isLive(i)));
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    }),
  );
  return segments.flat();
}

function countersOf(summary: Item): Counters {
  const counters: Counters = {};
  for (const [attribute, value] of Object.entries(summary)) {
    if (attribute.startsWith("n:") && typeof value === "number" && value !== 0) counters[attribute.slice(2)] = value;
  }
  return counters;
}

async function applyFix(table: Table, fix: Fix): Promise<void> {
  if ("put" in fix) {
    await table.put({ Item: fix.put, ...conditionOf(fix.condition) });
  } else if ("delete" in fix) {
    await table.delete({ Key: fix.delete, ...conditionOf(fix.condition) });
  } else {
    // Each counter is set to what the servers give, on condition that every counter is still what was read.
    const { organizationId, set, remove, stored } = fix.counters;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const name = (counter: string) => {
      const alias = `#c${Object.keys(names).length}`;
      names[alias] = `n:${counter}`;
      return alias;
    };
    const sets = Object.entries(set).map(([counter, n], i) => {
      values[`:s${i}`] = n;
      return `${name(counter)} = :s${i}`;
    });
    const removes = remove.map(name);
    const checks = [...new Set([...Object.keys(set), ...remove])].map((counter, i) => {
      const alias = Object.keys(names).find((a) => names[a] === `n:${counter}`)!;
      if (stored[counter] === undefined) return `(attribute_not_exists(${alias}) OR ${alias} = :zero)`;
      values[`:w${i}`] = stored[counter];
      return `${alias} = :w${i}`;
    });
    if (checks.some((c) => c.includes(":zero"))) values[":zero"] = 0;
    await table.update({
      Key: keys.summary(organizationId),
      UpdateExpression: [sets.length ? `SET ${sets.join(", ")}` : "", removes.length ? `REMOVE ${removes.join(", ")}` : ""]
        .join(" ")
        .trim(),
      ConditionExpression: checks.join(" AND "),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
    });
  }
}

function conditionOf(condition: Condition): {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (condition === "absent") return { ConditionExpression: "attribute_not_exists(#pk)", ExpressionAttributeNames: { "#pk": "pk" } };
  if (condition === "exists") return { ConditionExpression: "attribute_exists(#pk)", ExpressionAttributeNames: { "#pk": "pk" } };
  const names: Record<string, string> = { "#pk": "pk" };
  const values: Record<string, unknown> = {};
  const clauses = ["attribute_exists(#pk)"];
  Object.entries(condition).forEach(([attribute, value], i) => {
    names[`#a${i}`] = attribute;
    if (value === undefined) clauses.push(`attribute_not_exists(#a${i})`);
    else if (value === null) {
      values[`:v${i}`] = "NULL";
      clauses.push(`attribute_type(#a${i}, :v${i})`);
    } else {
      values[`:v${i}`] = value;
      clauses.push(`#a${i} = :v${i}`);
    }
  });
  return {
    ConditionExpression: clauses.join(" AND "),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}
