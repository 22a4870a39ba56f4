// Many writers on one record: each gets a success, a 409 or a 404, never a 500, and the record ends consistent.
import { afterAll, beforeAll, expect, test } from "vitest";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
beforeAll(async () => {
  fleet = await startTestFleet();
});
afterAll(() => fleet.close());

const WRITERS = 50;

test("50 concurrent writers on one server get 2xx or 409, and the summary still counts it once", async () => {
  const server = (await fleet.request("POST", `${FLEET}/servers`, { body: serverBody() })).body;
  const statuses = await Promise.all(
    Array.from({ length: WRITERS }, (_, i) => {
      if (i % 10 === 9) return fleet.request("POST", `${FLEET}/servers/${server.id}/token`, { body: { api_token: `token-${i}` } });
      const body = i % 2 ? { description: `writer ${i}`, tags: [`t${i}`] } : { metadata: { writer: i }, region: `r-${i % 3}` };
      return fleet.request("PATCH", `${FLEET}/servers/${server.id}`, { body });
    }),
  ).then((all) => all.map((r) => r.status));
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
  const summary = await fleet.request("GET", `${FLEET}/summary`);
  expect(summary.body.by_status.active).toBe(1);
  const after = await fleet.request("GET", `${FLEET}/servers/${server.id}`);
  expect(after.status).toBe(200);
}, 120_000);

test("50 concurrent writers on one group, with a DELETE among them, get 2xx, 404 or 409, never a 500", async () => {
  const servers = await Promise.all(Array.from({ length: 3 }, () => fleet.request("POST", `${FLEET}/servers`, { body: serverBody() })));
  const ids = servers.map((s) => s.body.id as string);
  const group = (await fleet.request("POST", `${FLEET}/groups`, { body: { name: "contended", server_ids: [ids[0]] } })).body;
  const statuses = await Promise.all(
    Array.from({ length: WRITERS }, (_, i) => {
      if (i === 25) return fleet.request("DELETE", `${FLEET}/groups/${group.id}`);
      if (i % 3 === 0) return fleet.request("POST", `${FLEET}/groups/${group.id}/servers`, { body: { server_ids: [ids[i % 3]] } });
      if (i % 3 === 1) return fleet.request("DELETE", `${FLEET}/groups/${group.id}/servers/${ids[0]}`);
      return fleet.request("PATCH", `${FLEET}/groups/${group.id}`, { body: { description: `writer ${i}`, tags: [`t${i}`] } });
    }),
  ).then((all) => all.map((r) => r.status));
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(statuses.every((s) => [200, 204, 404, 409].includes(s))).toBe(true);
  expect((await fleet.request("GET", `${FLEET}/groups/${group.id}`)).status).toBe(404);
});

test("decommissioning by PATCH removes static group membership, as DELETE does", async () => {
  const server = (await fleet.request("POST", `${FLEET}/servers`, { body: serverBody() })).body;
  const group = (await fleet.request("POST", `${FLEET}/groups`, { body: { name: "static", server_ids: [server.id] } })).body;
  expect((await fleet.request("PATCH", `${FLEET}/servers/${server.id}`, { body: { status: "decommissioned" } })).status).toBe(200);
  expect((await fleet.request("PATCH", `${FLEET}/servers/${server.id}`, { body: { status: "active" } })).status).toBe(200);
  expect((await fleet.request("GET", `${FLEET}/groups/${group.id}`)).body.server_ids).toEqual([]);
});
