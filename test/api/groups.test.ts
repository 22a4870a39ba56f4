// Groups through the real API: static members, dynamic criteria, both membership forms, deletion rules.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
let viewer: string;
const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((s) => s.id).sort();

beforeAll(async () => {
  fleet = await startTestFleet();
  viewer = await fleet.keyWithRole("viewer");
});
afterAll(() => fleet.close());

async function server(overrides: Record<string, unknown> = {}): Promise<{ id: string }> {
  const res = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody(overrides) });
  expect(res.status).toBe(201);
  return res.body;
}

describe("groups", () => {
  test("create, get, list, update and delete a group", async () => {
    const a = await server();
    const created = await fleet.request("POST", `${FLEET}/groups`, {
      body: { name: "edge", color: "#FF8800", description: "edge nodes", server_ids: [a.id] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "edge", color: "#ff8800", server_ids: [a.id], tags: [], regions: [], environments: [] });
    const got = await fleet.request("GET", `${FLEET}/groups/${created.body.id}`, { key: viewer });
    expect(got.body).toEqual(created.body);
    const listed = await fleet.request("GET", `${FLEET}/groups`, { key: viewer });
    expect(listed.body.items.map((g: { id: string }) => g.id)).toContain(created.body.id);
    const updated = await fleet.request("PATCH", `${FLEET}/groups/${created.body.id}`, {
      body: { description: "renamed", regions: ["eu-west-1"] },
    });
    expect(updated.body).toMatchObject({ name: "edge", description: "renamed", regions: ["eu-west-1"], server_ids: [a.id] });
    expect((await fleet.request("PUT", `${FLEET}/groups/${created.body.id}`, { body: { name: "edge-2" } })).body.name).toBe("edge-2");
    expect((await fleet.request("DELETE", `${FLEET}/groups/${created.body.id}`)).status).toBe(204);
    expect((await fleet.request("GET", `${FLEET}/groups/${created.body.id}`)).status).toBe(404);
    expect((await fleet.request("GET", `${FLEET}/servers/${a.id}`)).status).toBe(200);
  });

  test("bad input is 400: colour format, unknown server ids, unknown fields", async () => {
    expect((await fleet.request("POST", `${FLEET}/groups`, { body: { name: "x", color: "red" } })).status).toBe(400);
    const unknown = await fleet.request("POST", `${FLEET}/groups`, {
      body: { name: "x", server_ids: ["01a00000-0000-7000-8000-000000000000"] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].path).toBe("server_ids.0");
    expect((await fleet.request("POST", `${FLEET}/groups`, { body: { name: "x", size: 3 } })).status).toBe(400);
  });

  test("viewers read groups but cannot change them", async () => {
    expect((await fleet.request("POST", `${FLEET}/groups`, { body: { name: "nope" }, key: viewer })).status).toBe(403);
    const { body: group } = await fleet.request("POST", `${FLEET}/groups`, { body: { name: "ro" } });
    expect((await fleet.request("PATCH", `${FLEET}/groups/${group.id}`, { body: { name: "x" }, key: viewer })).status).toBe(403);
    expect((await fleet.request("DELETE", `${FLEET}/groups/${group.id}`, { key: viewer })).status).toBe(403);
    expect((await fleet.request("GET", `${FLEET}/groups/${group.id}/servers`, { key: viewer })).status).toBe(200);
  });

  test("group servers are the union of static members and servers matching every criterion", async () => {
    const staticMember = await server({ region: "ap-southeast-2", environment: "staging", tags: ["db"] });
    const match = await server({ region: "eu-central-1", environment: "production", tags: ["gpu", "ml"] });
    await server({ region: "eu-central-1", environment: "production", tags: ["gpu"] }); // lacks the "ml" tag
    await server({ region: "eu-central-1", environment: "staging", tags: ["gpu", "ml"] }); // wrong environment
    const { body: group } = await fleet.request("POST", `${FLEET}/groups`, {
      body: { name: "ml", tags: ["gpu", "ml"], regions: ["eu-central-1"], environments: ["production"], server_ids: [staticMember.id] },
    });
    const members = await fleet.request("GET", `${FLEET}/groups/${group.id}/servers`);
    expect(members.status).toBe(200);
    expect(ids(members)).toEqual([staticMember.id, match.id].sort());
  });

  test("members are added and removed in both the nested and the /groups/members form", async () => {
    const a = await server();
    const b = await server();
    const { body: group } = await fleet.request("POST", `${FLEET}/groups`, { body: { name: "members" } });
    const added = await fleet.request("POST", `${FLEET}/groups/${group.id}/servers`, { body: { server_ids: [a.id] } });
    expect(added.body.server_ids).toEqual([a.id]);
    const seed000 = await fleet.request("POST", `${FLEET}/groups/members`, { body: { server_id: b.id, group_id: group.id } });
    expect(seed000.status).toBe(200);
    expect(seed000.body.server_ids.sort()).toEqual([a.id, b.id].sort());
    expect((await fleet.request("DELETE", `${FLEET}/groups/${group.id}/servers/${a.id}`)).status).toBe(204);
    expect((await fleet.request("DELETE", `${FLEET}/groups/${group.id}/servers/${a.id}`)).status).toBe(404);
    expect((await fleet.request("DELETE", `${FLEET}/groups/members`, { body: { server_id: b.id, group_id: group.id } })).status).toBe(204);
    expect((await fleet.request("GET", `${FLEET}/groups/${group.id}`)).body.server_ids).toEqual([]);
    expect(
      (
        await fleet.request("POST", `${FLEET}/groups/members`, {
          body: { server_id: a.id, group_id: "01a00000-0000-7000-8000-000000000000" },
        })
      ).status,
    ).toBe(404);
  });

  test("deleting a server removes its memberships; deleting a group leaves its servers", async () => {
    const a = await server();
    const b = await server();
    const { body: group } = await fleet.request("POST", `${FLEET}/groups`, { body: { name: "lifecycle", server_ids: [a.id, b.id] } });
    await fleet.request("DELETE", `${FLEET}/servers/${a.id}?purge=true`);
    await fleet.request("DELETE", `${FLEET}/servers/${b.id}`);
    expect((await fleet.request("GET", `${FLEET}/groups/${group.id}`)).body.server_ids).toEqual([]);
    const c = await server();
    const { body: other } = await fleet.request("POST", `${FLEET}/groups`, { body: { name: "doomed", server_ids: [c.id] } });
    await fleet.request("DELETE", `${FLEET}/groups/${other.id}`);
    expect((await fleet.request("GET", `${FLEET}/servers/${c.id}`)).body.status).toBe("active");
  });
});
