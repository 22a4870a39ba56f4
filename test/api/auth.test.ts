// API keys, roles, organizations, and isolation: a key never sees another organization's data.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
beforeAll(async () => {
  fleet = await startTestFleet();
});
afterAll(() => fleet.close());

describe("API keys", () => {
  test("a created key is shown once, listed without the key, works, and stops working when revoked", async () => {
    const created = await fleet.request("POST", `${FLEET}/api-keys`, { body: { name: "ci", role: "operator" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "ci", role: "operator", organization_id: "default" });
    expect(created.body.key).toMatch(/^fpk_/);
    const listed = await fleet.request("GET", `${FLEET}/api-keys`);
    const entry = listed.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(entry).toEqual({
      id: created.body.id,
      name: "ci",
      role: "operator",
      organization_id: "default",
      created_at: created.body.created_at,
    });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect((await fleet.request("GET", `${FLEET}/servers`, { key: created.body.key })).status).toBe(200);
    expect((await fleet.request("DELETE", `${FLEET}/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await fleet.request("GET", `${FLEET}/servers`, { key: created.body.key })).status).toBe(401);
    expect((await fleet.request("DELETE", `${FLEET}/api-keys/${created.body.id}`)).status).toBe(404);
  });

  test("only admins manage keys; bad roles are 400; the platform key cannot be revoked", async () => {
    const operator = await fleet.keyWithRole("operator");
    expect((await fleet.request("POST", `${FLEET}/api-keys`, { body: { name: "x", role: "viewer" }, key: operator })).status).toBe(403);
    expect((await fleet.request("GET", `${FLEET}/api-keys`, { key: operator })).status).toBe(403);
    expect((await fleet.request("POST", `${FLEET}/api-keys`, { body: { name: "x", role: "root" } })).status).toBe(400);
    const platform = (await fleet.request("GET", `${FLEET}/api-keys`)).body.items.find((k: { name: string }) => k.name === "platform");
    expect((await fleet.request("DELETE", `${FLEET}/api-keys/${platform.id}`)).status).toBe(409);
  });

  test("malformed Authorization headers are 401", async () => {
    for (const authorization of ["Basic abc", "Bearer", "Bearer a b", "fpk_x"]) {
      const res = await fleet.request("GET", `${FLEET}/servers`, { key: null, headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect(res.body.error.code).toBe("unauthenticated");
    }
  });
});

describe("organizations", () => {
  test("the platform key creates an organization with its first admin key; names are unique; others get 403", async () => {
    const res = await fleet.request("POST", "/api/v1/organizations", { body: { name: "acme" } });
    expect(res.status).toBe(201);
    expect(res.body.organization).toMatchObject({ name: "acme" });
    expect(typeof res.body.admin_key).toBe("string");
    expect((await fleet.request("POST", "/api/v1/organizations", { body: { name: "acme" } })).status).toBe(409);
    expect((await fleet.request("POST", "/api/v1/organizations", { body: { name: "evil" }, key: res.body.admin_key })).status).toBe(403);
    const admin = await fleet.keyWithRole("admin");
    expect((await fleet.request("POST", "/api/v1/organizations", { body: { name: "evil" }, key: admin })).status).toBe(403);
    expect((await fleet.request("POST", "/api/v1/organizations", { body: { name: "evil" }, key: null })).status).toBe(401);
    expect((await fleet.request("POST", "/api/v1/organizations", { body: {} })).status).toBe(400);
  });
});

describe("isolation between organizations", () => {
  test("servers, groups, keys and the summary of one organization are invisible to another, even by id", async () => {
    const other = await fleet.organization();
    const ours = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ name: "shared-name" }) });
    const { body: group } = await fleet.request("POST", `${FLEET}/groups`, { body: { name: "ours", server_ids: [ours.body.id] } });
    const { body: key } = await fleet.request("POST", `${FLEET}/api-keys`, { body: { name: "ours", role: "viewer" } });
    const as = { key: other.adminKey };

    // The same name is free in the other organization.
    const theirs = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody({ name: "shared-name" }), ...as });
    expect(theirs.status).toBe(201);
    expect(theirs.body.organization_id).toBe(other.id);

    const sid = ours.body.id;
    expect((await fleet.request("GET", `${FLEET}/servers/${sid}`, as)).status).toBe(404);
    expect((await fleet.request("PATCH", `${FLEET}/servers/${sid}`, { body: { region: "x" }, ...as })).status).toBe(404);
    expect((await fleet.request("PUT", `${FLEET}/servers/${sid}`, { body: { region: "x" }, ...as })).status).toBe(404);
    expect((await fleet.request("DELETE", `${FLEET}/servers/${sid}`, as)).status).toBe(404);
    expect((await fleet.request("DELETE", `${FLEET}/servers/${sid}?purge=true`, as)).status).toBe(404);
    expect((await fleet.request("POST", `${FLEET}/servers/${sid}/token`, { body: { api_token: "x" }, ...as })).status).toBe(404);
    const list = await fleet.request("GET", `${FLEET}/servers?limit=500`, as);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([theirs.body.id]);

    expect((await fleet.request("GET", `${FLEET}/groups/${group.id}`, as)).status).toBe(404);
    expect((await fleet.request("GET", `${FLEET}/groups/${group.id}/servers`, as)).status).toBe(404);
    expect((await fleet.request("PATCH", `${FLEET}/groups/${group.id}`, { body: { name: "x" }, ...as })).status).toBe(404);
    expect((await fleet.request("DELETE", `${FLEET}/groups/${group.id}`, as)).status).toBe(404);
    expect(
      (await fleet.request("POST", `${FLEET}/groups/${group.id}/servers`, { body: { server_ids: [theirs.body.id] }, ...as })).status,
    ).toBe(404);
    expect((await fleet.request("GET", `${FLEET}/groups`, as)).body.items).toEqual([]);

    // Their group cannot take our server as a member.
    const { body: theirGroup } = await fleet.request("POST", `${FLEET}/groups`, { body: { name: "theirs" }, ...as });
    expect((await fleet.request("POST", `${FLEET}/groups/${theirGroup.id}/servers`, { body: { server_ids: [sid] }, ...as })).status).toBe(
      400,
    );
    expect(
      (await fleet.request("POST", `${FLEET}/groups/members`, { body: { group_id: theirGroup.id, server_id: sid }, ...as })).status,
    ).toBe(400);

    expect((await fleet.request("DELETE", `${FLEET}/api-keys/${key.id}`, as)).status).toBe(404);
    expect((await fleet.request("GET", `${FLEET}/api-keys`, as)).body.items.map((k: { id: string }) => k.id)).not.toContain(key.id);

    const summary = await fleet.request("GET", `${FLEET}/summary`, as);
    expect(summary.body.total_servers).toBe(1);

    // And nothing of theirs changed ours.
    expect((await fleet.request("GET", `${FLEET}/servers/${sid}`)).body.status).toBe("active");
  });
});

describe("who am I", () => {
  test("GET /me tells a key its organization and role, and nothing else", async () => {
    const viewer = await fleet.keyWithRole("viewer");
    const me = await fleet.request("GET", `${FLEET}/me`, { key: viewer });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ key_id: expect.any(String), organization_id: "default", role: "viewer", platform: false });
    expect((await fleet.request("GET", `${FLEET}/me`)).body).toMatchObject({ role: "admin", platform: true });
    expect((await fleet.request("GET", `${FLEET}/me`, { key: null })).status).toBe(401);
  });
});
