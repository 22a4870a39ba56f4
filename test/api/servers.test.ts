// The server registry through the real API: register, read, list, update, decommission, purge, rotate.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
let viewer: string;
beforeAll(async () => {
  fleet = await startTestFleet();
  viewer = await fleet.keyWithRole("viewer");
});
afterAll(() => fleet.close());

const register = (overrides: Record<string, unknown> = {}) => fleet.request("POST", `${FLEET}/servers`, { body: serverBody(overrides) });

describe("register", () => {
  test("the seed's example registers an active server with unknown health and never returns the token", async () => {
    const res = await fleet.request("POST", `${FLEET}/servers`, {
      body: {
        name: "prod-east-1",
        hostname: "prod-east-1.example.com",
        api_url: "https://prod-east-1.example.com",
        api_token: "secret_token_here",
        region: "us-east-1",
        environment: "production",
        tags: ["production", "critical"],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "prod-east-1",
      status: "active",
      health_status: "unknown",
      organization_id: "default",
      tags: ["production", "critical"],
    });
    expect(JSON.stringify(res.body)).not.toContain("secret_token_here");
    expect(res.body).not.toHaveProperty("api_token");
    expect(res.body).not.toHaveProperty("api_token_enc");
  });

  test("a duplicate name in the organization is 409, case-insensitively", async () => {
    const first = await register({ name: "dup-Name" });
    expect(first.status).toBe(201);
    const second = await register({ name: "DUP-name" });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("conflict");
  });

  test("invalid fields are 400 with the path of each problem and nothing is written", async () => {
    const before = await fleet.request("GET", `${FLEET}/summary`);
    const res = await fleet.request("POST", `${FLEET}/servers`, {
      body: { name: "", hostname: "h", api_url: "ftp://x", api_token: "t", tags: "web" },
    });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "tags"]));
    const badUrl = await register({ api_url: "gopher://x" });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error.details[0].path).toBe("api_url");
    const unknownField = await register({ colour: "red" });
    expect(unknownField.status).toBe(400);
    const after = await fleet.request("GET", `${FLEET}/summary`);
    expect(after.body.total_servers).toBe(before.body.total_servers);
  });

  test("a viewer cannot register (403) and no key is 401", async () => {
    expect((await fleet.request("POST", `${FLEET}/servers`, { body: serverBody(), key: viewer })).status).toBe(403);
    expect((await fleet.request("POST", `${FLEET}/servers`, { body: serverBody(), key: null })).status).toBe(401);
    expect((await fleet.request("GET", `${FLEET}/servers`, { key: "fpk_unknown" })).status).toBe(401);
  });
});

describe("read and update", () => {
  test("get returns the server; unknown and malformed ids are 404", async () => {
    const { body: server } = await register();
    const got = await fleet.request("GET", `${FLEET}/servers/${server.id}`, { key: viewer });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(server);
    expect((await fleet.request("GET", `${FLEET}/servers/01a00000-0000-7000-8000-000000000000`)).status).toBe(404);
    expect((await fleet.request("GET", `${FLEET}/servers/not-an-id`)).status).toBe(404);
  });

  test("PATCH and PUT change only the fields sent, and a rename frees the old name", async () => {
    const { body: server } = await register({ name: "rename-me", description: "old" });
    const patched = await fleet.request("PATCH", `${FLEET}/servers/${server.id}`, {
      body: { name: "renamed", region: "eu-west-1", status: "maintenance" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: "renamed",
      region: "eu-west-1",
      status: "maintenance",
      description: "old",
      hostname: server.hostname,
    });
    expect(patched.body.updated_at >= server.updated_at).toBe(true);
    const put = await fleet.request("PUT", `${FLEET}/servers/${server.id}`, { body: { description: null, tags: ["a", "a", "b"] } });
    expect(put.body).toMatchObject({ name: "renamed", description: null, tags: ["a", "b"] });
    expect((await register({ name: "rename-me" })).status).toBe(201);
  });

  test("renaming onto a taken name is 409 and changes nothing", async () => {
    const { body: a } = await register({ name: "taken-a" });
    await register({ name: "taken-b" });
    const res = await fleet.request("PATCH", `${FLEET}/servers/${a.id}`, { body: { name: "taken-b" } });
    expect(res.status).toBe(409);
    expect((await fleet.request("GET", `${FLEET}/servers/${a.id}`)).body.name).toBe("taken-a");
  });

  test("an empty update is 400, an update by a viewer is 403, of an unknown server 404", async () => {
    const { body: server } = await register();
    expect((await fleet.request("PATCH", `${FLEET}/servers/${server.id}`, { body: {} })).status).toBe(400);
    expect((await fleet.request("PATCH", `${FLEET}/servers/${server.id}`, { body: { region: "x" }, key: viewer })).status).toBe(403);
    expect((await fleet.request("PATCH", `${FLEET}/servers/01a00000-0000-7000-8000-000000000000`, { body: { region: "x" } })).status).toBe(
      404,
    );
  });

  test("rotating the token keeps it secret and emits Server Updated", async () => {
    const { body: server } = await register();
    const res = await fleet.request("POST", `${FLEET}/servers/${server.id}/token`, { body: { api_token: "rotated-token-value" } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain("rotated-token-value");
    expect((await fleet.request("POST", `${FLEET}/servers/${server.id}/token`, { body: {} })).status).toBe(400);
    expect((await fleet.request("POST", `${FLEET}/servers/${server.id}/token`, { body: { api_token: "x" }, key: viewer })).status).toBe(
      403,
    );
  });
});

describe("decommission and purge", () => {
  test("DELETE decommissions: hidden from the list unless asked for, still readable, counted as decommissioned", async () => {
    const { body: server } = await register();
    const res = await fleet.request("DELETE", `${FLEET}/servers/${server.id}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("decommissioned");
    const listed = await fleet.request("GET", `${FLEET}/servers?limit=500`);
    expect(listed.body.items.map((s: { id: string }) => s.id)).not.toContain(server.id);
    const asked = await fleet.request("GET", `${FLEET}/servers?status=decommissioned&limit=500`);
    expect(asked.body.items.map((s: { id: string }) => s.id)).toContain(server.id);
    expect((await fleet.request("GET", `${FLEET}/servers/${server.id}`)).body.status).toBe("decommissioned");
  });

  test("?purge=true deletes the server and frees its name", async () => {
    const { body: server } = await register({ name: "purge-me" });
    expect((await fleet.request("DELETE", `${FLEET}/servers/${server.id}?purge=true`)).status).toBe(204);
    expect((await fleet.request("GET", `${FLEET}/servers/${server.id}`)).status).toBe(404);
    expect((await register({ name: "purge-me" })).status).toBe(201);
    expect((await fleet.request("DELETE", `${FLEET}/servers/${server.id}?purge=true`)).status).toBe(404);
  });

  test("registry changes are published as fleet events", async () => {
    const seen: string[] = [];
    const unsubscribe = fleet.runtime.bus.subscribe(
      { "detail-type": ["Server Registered", "Server Updated", "Server Decommissioned", "Server Deleted"] },
      (e) => {
        if ((e.detail.data.server as { name: string }).name === "evented") seen.push(e.detail_type);
      },
    );
    const { body: server } = await register({ name: "evented" });
    await fleet.request("PATCH", `${FLEET}/servers/${server.id}`, { body: { region: "ap-southeast-2" } });
    await fleet.request("DELETE", `${FLEET}/servers/${server.id}`);
    await fleet.request("DELETE", `${FLEET}/servers/${server.id}?purge=true`);
    await fleet.runtime.flushEvents();
    unsubscribe();
    expect(seen).toEqual(["Server Registered", "Server Updated", "Server Decommissioned", "Server Deleted"]);
  });
});

describe("production mode", () => {
  test("refuses plain http and link-local or metadata agent URLs", async () => {
    const prod = await startTestFleet({ mode: "production" });
    try {
      for (const api_url of ["http://agent.example.com", "https://169.254.169.254/latest", "https://[fd00:ec2::254]/"]) {
        const res = await prod.request("POST", `${FLEET}/servers`, { body: serverBody({ api_url }) });
        expect(res.status, api_url).toBe(400);
        expect(res.body.error.details[0].path).toBe("api_url");
      }
      expect((await prod.request("POST", `${FLEET}/servers`, { body: serverBody({ api_url: "https://agent.example.com" }) })).status).toBe(
        201,
      );
    } finally {
      await prod.close();
    }
  });
});
