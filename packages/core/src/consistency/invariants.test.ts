// The fleet invariants on hand-made items: each violation is found once, with the write that fixes it.
import { expect, test } from "vitest";
import { keys } from "../store/keys.js";
import { nameItem, tagItems, toServerItem, type ServerItem } from "../servers/server-item.js";
import type { Server } from "../servers/schema.js";
import { findProblems, type OrganizationItems } from "./invariants.js";

const ORG = "org-1";

function server(id: string, fields: Partial<Server> = {}): ServerItem {
  const record: Server = {
    id,
    organization_id: ORG,
    name: `name-${id}`,
    description: null,
    hostname: `${id}.example.com`,
    api_url: `https://${id}.example.com`,
    version: null,
    region: "us-east-1",
    environment: "production",
    status: "active",
    health_status: "healthy",
    last_seen_at: null,
    last_health_check_at: null,
    response_time_ms: null,
    tags: ["web"],
    metadata: {},
    created_at: "2026-12-02T00:00:00.000Z",
    updated_at: "2026-12-02T00:00:00.000Z",
    ...fields,
  };
  return toServerItem(record, "ciphertext", 1);
}

/** A consistent organization holding these servers: guards, tag entries and counters as the registry writes them. */
function consistent(servers: ServerItem[]): OrganizationItems {
  const counters: Record<string, number> = {};
  for (const s of servers) {
    const add = (name: string) => (counters[name] = (counters[name] ?? 0) + 1);
    if (s.status === "decommissioned") add("status:decommissioned");
    else ["total", `status:${s.status}`, `health:${s.health_status}`, `region:${s.region}`, `environment:${s.environment}`].forEach(add);
  }
  return {
    servers,
    nameGuards: servers.map((s) => nameItem(s)),
    tagEntries: servers.flatMap((s) => tagItems(s)),
    groupIds: new Set(["g1"]),
    members: servers.map((s) => ({ ...keys.groupMember(ORG, "g1", s.id), group_id: "g1", server_id: s.id })),
    counters,
  };
}

test("a fleet written as the registry writes it has no problem, decommissioned servers counted only by status", () => {
  expect(findProblems(ORG, consistent([server("a"), server("b", { status: "decommissioned", tags: [] })]))).toEqual([]);
});

test("counters off from the servers are set back to what the servers give, a counter that should be zero removed", () => {
  const items = consistent([server("a")]);
  items.counters.total = 4;
  items.counters["region:eu-west-1"] = 2;
  const [problem, ...rest] = findProblems(ORG, items);
  expect(rest).toEqual([]);
  expect(problem).toMatchObject({
    kind: "summary_counter",
    key: keys.summary(ORG),
    fix: { counters: { set: { total: 1 }, remove: ["region:eu-west-1"] } },
  });
});

test("a guard without its server is deleted, and a server without its guard gets one", () => {
  const items = consistent([server("a")]);
  items.nameGuards = [{ ...keys.serverName(ORG, "gone"), entity: "server_name", server_id: "b" }];
  expect(findProblems(ORG, items).map((p) => [p.kind, "delete" in p.fix ? "delete" : "put"])).toEqual([
    ["orphan_name_guard", "delete"],
    ["missing_name_guard", "put"],
  ]);
});

test("a name guard lacking the server's filter fields (written before guards carried them) is rewritten from the server", () => {
  const a = server("a", { tags: ["web", "db"] });
  const items = consistent([a]);
  items.nameGuards = [{ ...keys.serverName(ORG, a.name), entity: "server_name", server_id: "a" }];
  const problems = findProblems(ORG, items);
  expect(problems.map((p) => p.kind)).toEqual(["stale_name_guard"]);
  expect(problems[0]!.fix).toEqual({
    put: nameItem(a),
    condition: { server_id: "a", status: undefined, environment: undefined, region: undefined, search_text: undefined },
  });
});

test("tag entries: one for a tag the server lacks is deleted, a missing one written, a stale one rewritten from the server", () => {
  const a = server("a", { tags: ["web", "db"] });
  const items = consistent([a]);
  const [web] = tagItems(a);
  items.tagEntries = [
    { ...web!, status: "maintenance" },
    { ...keys.serverTag(ORG, "old", "a"), entity: "server_tag" },
    { ...keys.serverTag(ORG, "web", "nobody"), entity: "server_tag" },
  ];
  expect(findProblems(ORG, items).map((p) => p.kind)).toEqual([
    "stale_tag_entry",
    "missing_tag_entry",
    "orphan_tag_entry",
    "orphan_tag_entry",
  ]);
});

test("a member whose server or group is gone is deleted", () => {
  const items = consistent([server("a")]);
  items.members.push({ ...keys.groupMember(ORG, "g1", "gone"), group_id: "g1", server_id: "gone" });
  items.members.push({ ...keys.groupMember(ORG, "g2", "a"), group_id: "g2", server_id: "a" });
  const problems = findProblems(ORG, items);
  expect(problems.map((p) => [p.kind, p.key.sk])).toEqual([
    ["orphan_group_member", "MEMBER#gone"],
    ["orphan_group_member", "MEMBER#a"],
  ]);
  expect(problems.every((p) => "delete" in p.fix)).toBe(true);
});
