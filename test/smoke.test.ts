import { afterAll, beforeAll, expect, test } from "vitest";
import { FLEET, serverBody, startTestFleet, type TestFleet } from "./support/fleet.js";

let fleet: TestFleet;
beforeAll(async () => {
  fleet = await startTestFleet();
});
afterAll(() => fleet.close());

test("a registered server is listed and counted", async () => {
  const created = await fleet.request("POST", `${FLEET}/servers`, { body: serverBody() });
  expect(created.status).toBe(201);
  const list = await fleet.request("GET", `${FLEET}/servers`);
  expect(list.body.items.map((s: { id: string }) => s.id)).toContain(created.body.id);
  const summary = await fleet.request("GET", `${FLEET}/summary`);
  expect(summary.body.total_servers).toBe(1);
});
