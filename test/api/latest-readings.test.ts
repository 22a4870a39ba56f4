// The latest check and metrics on GET /servers and GET /servers/{id}: from probes run against the agent
// simulator, fresher than the server record (which only a change of health or a heartbeat rewrites).
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { DEFAULT_ORGANIZATION_ID, keys } from "@fleetplane/core";
import { groupOf, loadProbeLayout } from "../../packages/core/src/probes/probe-layout.js";
import { FLEET } from "../support/fleet.js";
import { startProbeFleet, type ProbeFleet } from "../probes/support.js";

let f: ProbeFleet;
beforeAll(async () => {
  f = await startProbeFleet(4, { config: { probes: { requestTimeoutMs: 300, summaryFiguresSeconds: 1 } } });
});
afterAll(() => f?.close());

interface Listed {
  id: string;
  last_check_at: string | null;
  last_health_check_at: string | null;
  cpu_percent: number | null;
  memory_percent: number | null;
}

async function listed(): Promise<Map<string, Listed>> {
  const res = await f.fleet.request("GET", `${FLEET}/servers?limit=10&sort=name`);
  expect(res.status).toBe(200);
  return new Map((res.body.items as Listed[]).map((s) => [s.id, s]));
}

/** The newest one-minute point the API serves for a server. */
async function latestPoint(id: string): Promise<{ cpu_percent: number; memory_percent: number }> {
  const from = new Date(f.clock.now().getTime() - 3600_000).toISOString();
  const res = await f.fleet.request("GET", `${FLEET}/servers/${id}/metrics?period=1m&from=${from}&limit=500`);
  return res.body.points.at(-1);
}
const oneDecimal = (n: number) => Math.round(n * 10) / 10;

test("a server never probed lists no check and no metrics", async () => {
  for (const server of (await listed()).values()) {
    expect(server).toMatchObject({ last_check_at: null, cpu_percent: null, memory_percent: null });
  }
});

test("after a probe cycle every server lists the cycle's check and its latest sample's CPU and memory, in the list and alone", async () => {
  await f.cycle(0, true);
  const at = f.clock.now().toISOString();
  const servers = await listed();
  for (const id of f.ids) {
    const point = await latestPoint(id);
    const expected = { last_check_at: at, cpu_percent: oneDecimal(point.cpu_percent), memory_percent: oneDecimal(point.memory_percent) };
    expect(servers.get(id)).toMatchObject(expected);
    const alone = await f.fleet.request("GET", `${FLEET}/servers/${id}`);
    expect(alone.body).toMatchObject(expected);
  }
});

test("later cycles move the values on while the server record keeps its older check time", async () => {
  const first = await listed();
  await f.cycle(30, false);
  // A scheduled health-only cycle is shown by the next metrics cycle: never more than one interval behind.
  for (const server of (await listed()).values()) {
    expect(f.clock.now().getTime() - Date.parse(server.last_check_at!)).toBeLessThanOrEqual(30_000);
  }
  await f.cycle(30, true);
  const at = f.clock.now().toISOString();
  const servers = await listed();
  for (const id of f.ids) {
    const point = await latestPoint(id);
    expect(servers.get(id)).toMatchObject({ last_check_at: at, cpu_percent: oneDecimal(point.cpu_percent) });
  }
  // The record was written by the first check's transition (unknown → healthy), not by every check since: only a
  // heartbeat (each server's once in 15 minutes) may have moved it, never past the listed check.
  expect([...servers.values()].some((s) => s.last_health_check_at === first.get(s.id)!.last_check_at)).toBe(true);
  for (const s of servers.values()) expect(s.last_health_check_at! <= s.last_check_at!).toBe(true);
});

test("a failing server's checks still count as checks; its metrics stay those of the last sample it gave", async () => {
  const before = (await listed()).get(f.ids[1]!)!;
  f.sim.setProfile(1, { kind: "refused" });
  await f.cycle(30, false);
  await f.cycle(30, true);
  const after = (await listed()).get(f.ids[1]!)!;
  expect(after.last_check_at).toBe(f.clock.now().toISOString());
  expect(after).toMatchObject({ cpu_percent: before.cpu_percent, memory_percent: before.memory_percent });
  f.sim.setProfile(1, { kind: "healthy" });
});

test("a check asked for through the API shows in the list at once", async () => {
  f.clock.advance(7);
  const check = await f.fleet.request("POST", `${FLEET}/servers/${f.ids[2]}/check`, { key: f.fleet.adminKey });
  expect(check.status).toBe(200);
  const servers = await listed();
  expect(servers.get(f.ids[2]!)!.last_check_at).toBe(f.clock.now().toISOString());
  expect(servers.get(f.ids[3]!)!.last_check_at).not.toBe(f.clock.now().toISOString());
});

test("readings another process's probes wrote show up once the process's reuse window (summaryFiguresSeconds) has passed", async () => {
  const ctx = f.fleet.runtime.ctx;
  const id = f.ids[3]!;
  await listed(); // read and kept now
  // A probe worker elsewhere (another Lambda) records a newer sample: this process has saved nothing.
  const key = keys.probeProgress(DEFAULT_ORGANIZATION_ID, groupOf(await loadProbeLayout(ctx, DEFAULT_ORGANIZATION_ID), id));
  const item = (await ctx.table.get<{ data: string; version: number }>(key, { consistent: true }))!;
  const data = JSON.parse(item.data) as { servers: Record<string, unknown[]> };
  const member = data.servers[id.slice(-12)]!;
  member[3] = 12.3;
  member[4] = 45.6;
  await ctx.table.put({ Item: { ...item, data: JSON.stringify(data), version: item.version + 1 } });
  await vi.waitFor(async () => expect((await listed()).get(id)).toMatchObject({ cpu_percent: 12.3, memory_percent: 45.6 }), {
    timeout: 10_000,
    interval: 100,
  });
});
