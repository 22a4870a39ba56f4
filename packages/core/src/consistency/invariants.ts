// What must hold between a fleet's items whatever happened to the process writing them, and what to write
// when it does not: summary counters equal to its servers, a name guard per server (carrying its filter fields)
// and a server per guard, a tag entry per tag of a server and none for anything else, and group members whose
// server and group exist.
import { keys } from "../store/keys.js";
import type { Item } from "../store/table.js";
import { contribution, type Counters } from "../summary/counters.js";
import { nameItem, tagItems, type ServerItem } from "../servers/server-item.js";

/** The items of one organization the invariants are about, as a scan found them. */
export interface OrganizationItems {
  servers: ServerItem[];
  /** `SERVERNAME#<lower name>` items: `server_id` names the server holding the name. */
  nameGuards: Item[];
  tagEntries: Item[];
  groupIds: Set<string>;
  members: Item[];
  /** The summary item's counters (`n:<counter>` attributes), without the prefix; absent item = {}. */
  counters: Counters;
}

export type ProblemKind =
  | "summary_counter"
  | "orphan_name_guard"
  | "missing_name_guard"
  | "stale_name_guard"
  | "orphan_tag_entry"
  | "missing_tag_entry"
  | "stale_tag_entry"
  | "orphan_group_member";

/** The item must be absent, present, or hold these attribute values (undefined: the attribute is absent). */
export type Condition = "absent" | "exists" | Record<string, unknown>;

/** One write that restores an invariant; each is conditional, so a change made since the check is never overwritten. */
export type Fix =
  | { put: Item; condition: Condition }
  | { delete: { pk: string; sk: string }; condition: Condition }
  | { counters: { organizationId: string; set: Counters; remove: string[]; stored: Counters } };

export interface Problem {
  kind: ProblemKind;
  organization_id: string;
  /** The key of the item at fault (pk/sk), or of the summary. */
  key: { pk: string; sk: string };
  message: string;
  fix: Fix;
}

/** Every violated invariant of one organization, with its fix. */
export function findProblems(organizationId: string, items: OrganizationItems): Problem[] {
  const problems: Problem[] = [];
  const servers = new Map(items.servers.map((s) => [s.id, s]));

  const expected: Counters = {};
  for (const server of items.servers) {
    for (const [name, n] of Object.entries(contribution(server))) expected[name] = (expected[name] ?? 0) + n;
  }
  const differing = [...new Set([...Object.keys(expected), ...Object.keys(items.counters)])]
    .filter((name) => (expected[name] ?? 0) !== (items.counters[name] ?? 0))
    .sort();
  if (differing.length > 0) {
    problems.push({
      kind: "summary_counter",
      organization_id: organizationId,
      key: keys.summary(organizationId),
      message: `summary counters differ from the servers: ${differing.map((n) => `${n} ${items.counters[n] ?? 0} → ${expected[n] ?? 0}`).join(", ")}`,
      fix: {
        counters: {
          organizationId,
          set: Object.fromEntries(differing.filter((n) => (expected[n] ?? 0) !== 0).map((n) => [n, expected[n]!])),
          remove: differing.filter((n) => (expected[n] ?? 0) === 0),
          stored: items.counters,
        },
      },
    });
  }

  const guarded = new Set<string>();
  for (const guard of items.nameGuards) {
    const server = servers.get(String(guard.server_id));
    const key = { pk: String(guard.pk), sk: String(guard.sk) };
    if (server && keys.serverName(organizationId, server.name).sk === key.sk) {
      guarded.add(server.id);
      const wanted = nameItem(server);
      if (sameEntry(guard, wanted)) continue;
      problems.push({
        kind: "stale_name_guard",
        organization_id: organizationId,
        key,
        message: `the name guard of server ${server.id} does not carry the server's current fields`,
        fix: {
          put: wanted,
          condition: { server_id: server.id, ...Object.fromEntries(SCALAR_ENTRY_FIELDS.map((field) => [field, guard[field]])) },
        },
      });
      continue;
    }
    problems.push({
      kind: "orphan_name_guard",
      organization_id: organizationId,
      key,
      message: `the name ${key.sk.slice("SERVERNAME#".length)} is reserved for server ${String(guard.server_id)}, which ${server ? "has another name" : "does not exist"}`,
      fix: { delete: key, condition: { server_id: guard.server_id } },
    });
  }
  for (const server of items.servers) {
    if (guarded.has(server.id)) continue;
    const guard = nameItem(server);
    problems.push({
      kind: "missing_name_guard",
      organization_id: organizationId,
      key: keys.server(organizationId, server.id),
      message: `server ${server.id} has no reservation of its name ${server.name}`,
      fix: { put: guard, condition: "absent" },
    });
  }

  const entries = new Map(items.tagEntries.map((e) => [`${String(e.pk)}\n${String(e.sk)}`, e]));
  const wanted = new Set<string>();
  for (const server of items.servers) {
    for (const entry of tagItems(server)) {
      const id = `${entry.pk}\n${entry.sk}`;
      wanted.add(id);
      const found = entries.get(id);
      if (found && sameEntry(found, entry)) continue;
      problems.push({
        kind: found ? "stale_tag_entry" : "missing_tag_entry",
        organization_id: organizationId,
        key: { pk: entry.pk, sk: entry.sk },
        message: found
          ? `the entry of server ${server.id} under a tag does not carry the server's current fields`
          : `server ${server.id} has no entry under its tag ${decodeURIComponent(entry.pk.slice(entry.pk.lastIndexOf("#TAG#") + 5))}`,
        // (Conditional on the scalar fields as read; conditions on whole lists are left out.)
        fix: { put: entry, condition: found ? Object.fromEntries(SCALAR_ENTRY_FIELDS.map((field) => [field, found[field]])) : "absent" },
      });
    }
  }
  for (const [id, entry] of entries) {
    if (wanted.has(id)) continue;
    problems.push({
      kind: "orphan_tag_entry",
      organization_id: organizationId,
      key: { pk: String(entry.pk), sk: String(entry.sk) },
      message: `a tag entry for server ${String(entry.sk).slice("SERVER#".length)}, which ${servers.has(String(entry.sk).slice("SERVER#".length)) ? "does not carry that tag" : "does not exist"}`,
      fix: { delete: { pk: String(entry.pk), sk: String(entry.sk) }, condition: "exists" },
    });
  }

  for (const member of items.members) {
    const serverMissing = !servers.has(String(member.server_id));
    const groupMissing = !items.groupIds.has(String(member.group_id));
    if (!serverMissing && !groupMissing) continue;
    problems.push({
      kind: "orphan_group_member",
      organization_id: organizationId,
      key: { pk: String(member.pk), sk: String(member.sk) },
      message: `group ${String(member.group_id)} lists server ${String(member.server_id)}, but the ${serverMissing ? "server" : "group"} does not exist`,
      fix: { delete: { pk: String(member.pk), sk: String(member.sk) }, condition: "exists" },
    });
  }
  return problems;
}

const SCALAR_ENTRY_FIELDS = ["status", "environment", "region", "search_text"] as const;
const ENTRY_FIELDS = [...SCALAR_ENTRY_FIELDS, "tags"] as const;

function sameEntry(found: Item, entry: ReturnType<typeof tagItems>[number] | ReturnType<typeof nameItem>): boolean {
  return ENTRY_FIELDS.every((field) => JSON.stringify(found[field] ?? null) === JSON.stringify(entry[field] ?? null));
}
