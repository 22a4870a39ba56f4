// What probing writes, read back from the table (a healthy group's metrics minute rewrites only its small
// PROGRESS item; STATE moves only when something else changed), and how GET /summary reuses what it read of it.
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { DEFAULT_ORGANIZATION_ID, keys } from "@fleetplane/core";
import { groupOf, loadProbeLayout } from "../../packages/core/src/probes/probe-layout.js";
import { startProbeFleet, type ProbeFleet } from "./support.js";

let f: ProbeFleet;
beforeAll(async () => {
  f = await startProbeFleet(6);
  await f.cycle(0, true);
});
afterAll(() => f?.close());

async function versions(serverIndex: number) {
  const table = f.fleet.runtime.ctx.table;
  const group = groupOf(await loadProbeLayout(f.fleet.runtime.ctx, DEFAULT_ORGANIZATION_ID), f.ids[serverIndex]!);
  const state = await table.get<{ version: number; data: string }>(keys.probeState(DEFAULT_ORGANIZATION_ID, group), { consistent: true });
  const progress = await table.get<{ version: number; data: string }>(keys.probeProgress(DEFAULT_ORGANIZATION_ID, group), {
    consistent: true,
  });
  return { state: state!.version, progress: progress!.version, stateData: state!.data, progressData: progress!.data };
}

describe("probe group state and progress", () => {
  test("healthy cycles advance the progress item once per metrics cycle and leave the state item alone", async () => {
    const before = await versions(0);
    for (let i = 0; i < 4; i++) await f.cycle(30, i % 2 === 1);
    const after = await versions(0);
    expect(after.state).toBe(before.state);
    expect(after.progress).toBe(before.progress + 2);
    // The cursor, last success, last check and latest CPU and memory live in PROGRESS only.
    expect(after.stateData).not.toMatch(/"(c|ok|lc|cpu|mem)":/);
    expect(Object.values(JSON.parse(after.progressData).servers)).toContainEqual([
      expect.any(Number),
      expect.any(String),
      expect.any(Number),
      expect.any(Number),
      expect.any(Number),
    ]);
  });

  test("a failure moves the state item, and the merged view keeps both parts", async () => {
    const before = await versions(1);
    f.sim.setProfile(1, { kind: "refused" });
    await f.cycle(30, false);
    const after = await versions(1);
    expect(after.state).toBe(before.state + 1);
    const health = await f.fleet.request("GET", `/api/v1/fleet/servers/${f.ids[1]}/health`);
    // Last success comes from PROGRESS (the minute before), failures from STATE.
    expect(health.body).toMatchObject({
      consecutive_failures: 1,
      last_success_at: new Date(f.clock.now().getTime() - 30_000).toISOString(),
    });
    expect(health.body.last_seen_at).toBe(health.body.last_success_at);
    f.sim.setProfile(1, { kind: "healthy" });
  });
});

describe("summary figures from another process's probes", () => {
  let g: ProbeFleet;
  beforeAll(async () => {
    g = await startProbeFleet(3, { config: { probes: { summaryFiguresSeconds: 1 } } });
    await g.cycle(0, true);
  });
  afterAll(() => g?.close());

  test("are reused within summaryFiguresSeconds, then refreshed without a request waiting for them", async () => {
    const summary = async () => (await g.fleet.request("GET", `/api/v1/fleet/summary`)).body;
    expect((await summary()).open_alerts.total).toBe(0);
    // A probe worker elsewhere (another Lambda) opens an alert: this process has saved nothing.
    const table = g.fleet.runtime.ctx.table;
    const key = keys.probeState(
      DEFAULT_ORGANIZATION_ID,
      groupOf(await loadProbeLayout(g.fleet.runtime.ctx, DEFAULT_ORGANIZATION_ID), g.ids[0]!),
    );
    const item = (await table.get<{ data: string; version: number }>(key, { consistent: true }))!;
    const data = JSON.parse(item.data) as { servers: Record<string, { al?: Record<string, number> }> };
    data.servers[g.ids[0]!.slice(-12)]!.al = { cpu_high: Math.floor(g.clock.now().getTime() / 1000) };
    await table.put({ Item: { ...item, data: JSON.stringify(data), version: item.version + 1 } });

    expect((await summary()).open_alerts.total).toBe(0); // still the figures computed a moment ago
    await vi.waitFor(async () => expect((await summary()).open_alerts).toEqual({ total: 1, by_rule: { cpu_high: 1 } }), {
      timeout: 10_000,
      interval: 100,
    });
  });
});
