// Probe groups sized to the organization: a small fleet is laid out in one group on its first dispatch, and what
// was written under the earlier layout (state, check history, metrics) is still read afterwards.
import { afterAll, beforeAll, expect, test } from "vitest";
import { DEFAULT_ORGANIZATION_ID, keys } from "@fleetplane/core";
import { loadProbeLayout } from "../../packages/core/src/probes/probe-layout.js";
import { FLEET } from "../support/fleet.js";
import { startProbeFleet, type ProbeFleet } from "./support.js";

let f: ProbeFleet;
beforeAll(async () => {
  f = await startProbeFleet(3);
});
afterAll(() => f?.close());

test("checks made under the earlier layout carry over: failures continue counting and history spans both layouts", async () => {
  const ctx = f.fleet.runtime.ctx;
  f.sim.setProfile(0, { kind: "refused" });
  // A manual check before any dispatch writes under the layout of organizations not yet laid out.
  expect((await f.fleet.request("POST", `${FLEET}/servers/${f.ids[0]}/check`)).status).toBe(200);
  expect((await loadProbeLayout(ctx, DEFAULT_ORGANIZATION_ID)).stored).toBe(false);

  await f.cycle(30, true);
  const layout = await loadProbeLayout(ctx, DEFAULT_ORGANIZATION_ID);
  expect(layout).toMatchObject({ groups: 1, previous: [64], stored: true });

  const health = await f.fleet.request("GET", `${FLEET}/servers/${f.ids[0]}/health`);
  expect(health.body.consecutive_failures).toBe(2);
  const history = await f.fleet.request("GET", `${FLEET}/servers/${f.ids[0]}/health-history?limit=10`);
  expect(history.body.items).toHaveLength(2);
  expect(history.body.items.every((c: { error_message: string | null }) => c.error_message !== null)).toBe(true);
  const page = await f.fleet.request("GET", `${FLEET}/servers/${f.ids[0]}/health-history?limit=1`);
  const next = await f.fleet.request("GET", `${FLEET}/servers/${f.ids[0]}/health-history?limit=1&cursor=${page.body.next_cursor}`);
  expect([page.body.items[0].timestamp, next.body.items[0].timestamp]).toEqual(
    history.body.items.map((c: { timestamp: string }) => c.timestamp),
  );
  f.sim.setProfile(0, { kind: "healthy" });
});

test("a stable small fleet keeps its layout: later dispatches write nothing to the layout", async () => {
  const before = await f.fleet.runtime.ctx.table.get<{ version: number }>(keys.probeLayout(DEFAULT_ORGANIZATION_ID), { consistent: true });
  for (let i = 0; i < 3; i++) await f.cycle(30, i % 2 === 0);
  const after = await f.fleet.runtime.ctx.table.get<{ version: number }>(keys.probeLayout(DEFAULT_ORGANIZATION_ID), { consistent: true });
  expect(after!.version).toBe(before!.version);
});
