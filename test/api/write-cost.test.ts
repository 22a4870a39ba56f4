// What the registry writes, from ConsumedCapacity: the figures docs/performance.md quotes, kept from creeping.
import { afterAll, beforeAll, expect, test } from "vitest";
import { FLEET, startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
beforeAll(async () => {
  fleet = await startTestFleet();
});
afterAll(() => fleet.close());

async function writeUnits(action: () => Promise<unknown>): Promise<number> {
  const meter = fleet.runtime.ctx.table.meter;
  const before = meter.snapshot().writeUnits;
  await action();
  await fleet.runtime.flushEvents(); // the local relay's deletes are not Fleetplane's writes: not counted
  return meter.snapshot().writeUnits - before;
}

test("a registration is one transaction of four small items and an entry per tag; an update writes what it changes", async () => {
  let id = "";
  const registration = await writeUnits(async () => {
    const res = await fleet.request("POST", `${FLEET}/servers`, {
      body: { name: "cost-1", hostname: "cost-1.example.com", api_url: "https://cost-1.example.com", api_token: "t", tags: ["web"] },
    });
    expect(res.status).toBe(201);
    id = res.body.id;
  });
  // server, name guard, summary delta, outbox event and the `web` tag entry: each under 1 KB, billed twice in a transaction.
  expect(registration).toBe(10);
  expect(await writeUnits(() => fleet.request("PATCH", `${FLEET}/servers/${id}`, { body: { tags: ["web"] } }))).toBe(0);
  // server, summary delta (region counts move), outbox event, the tag entry and the name guard (both carry the region).
  expect(await writeUnits(() => fleet.request("PATCH", `${FLEET}/servers/${id}`, { body: { region: "eu-west-1" } }))).toBe(10);
  // server, outbox event, the new tag's entry, the old one's deletion, the name guard; the summary does not count tags.
  expect(await writeUnits(() => fleet.request("PATCH", `${FLEET}/servers/${id}`, { body: { tags: ["db"] } }))).toBe(10);
  // An update of a field no filter reads leaves the tag entries alone: server and outbox event.
  expect(await writeUnits(() => fleet.request("PATCH", `${FLEET}/servers/${id}`, { body: { description: "edge" } }))).toBe(4);
});
