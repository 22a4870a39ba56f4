// Alerts raised and resolved exactly once; the summary's counters exact after many concurrent transitions;
// the fleet-wide endpoints (check all, overview, aggregated metrics, summary figures) with their roles.
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { FLEET } from "../support/fleet.js";
import { eventsOf, startProbeFleet, type ProbeFleet } from "./support.js";

describe("alerts", () => {
  let f: ProbeFleet;
  beforeAll(async () => {
    f = await startProbeFleet(3, {
      config: { alerts: { unreachableForSeconds: 60, memoryPercent: 1, consecutivePoints: 3 }, probes: { requestTimeoutMs: 300 } },
    });
    await f.cycle(0, true);
  });
  afterAll(() => f?.close());

  const alerts = (type: "Fleet Alert Raised" | "Fleet Alert Resolved", index: number, rule: string) =>
    eventsOf(f.events, type, f.ids[index]).filter((e) => (e.detail.data.alert as { rule: string }).rule === rule);

  test("a degraded server raises one alert however many cycles it stays degraded, and resolves it once", async () => {
    f.sim.setProfile(0, { kind: "degraded" });
    for (let i = 0; i < 6; i++) await f.cycle();
    expect(alerts("Fleet Alert Raised", 0, "health_degraded")).toHaveLength(1);
    expect(alerts("Fleet Alert Raised", 0, "failed_services")).toHaveLength(1);
    const health = await f.fleet.request("GET", `${FLEET}/servers/${f.ids[0]}/health`);
    expect(health.body.open_alerts.map((a: { rule: string }) => a.rule)).toEqual(
      expect.arrayContaining(["health_degraded", "failed_services"]),
    );
    f.sim.setProfile(0, { kind: "healthy" });
    for (let i = 0; i < 6; i++) await f.cycle();
    expect(alerts("Fleet Alert Resolved", 0, "health_degraded")).toHaveLength(1);
    expect(alerts("Fleet Alert Resolved", 0, "failed_services")).toHaveLength(1);
    expect(alerts("Fleet Alert Raised", 0, "health_degraded")).toHaveLength(1);
  });

  test("unreachable for longer than the threshold raises one alert, resolved when the server answers", async () => {
    f.sim.setProfile(1, { kind: "timeout" });
    for (let i = 0; i < 3; i++) await f.cycle();
    expect(alerts("Fleet Alert Raised", 1, "unreachable")).toHaveLength(0); // unreachable for 30 s only
    for (let i = 0; i < 8; i++) await f.cycle();
    expect(alerts("Fleet Alert Raised", 1, "unreachable")).toHaveLength(1);
    f.sim.setProfile(1, { kind: "healthy" });
    for (let i = 0; i < 12 && alerts("Fleet Alert Resolved", 1, "unreachable").length === 0; i++) await f.cycle();
    expect(alerts("Fleet Alert Resolved", 1, "unreachable")).toHaveLength(1);
    expect(alerts("Fleet Alert Raised", 1, "unreachable")).toHaveLength(1);
  });

  test("a resource above its threshold for k consecutive points raises one alert", async () => {
    // memory threshold 1 %: every simulated point is above it; raised at the third point and never again.
    const raised = alerts("Fleet Alert Raised", 2, "memory_high");
    expect(raised).toHaveLength(1);
    expect(raised[0]!.detail.data.alert).toMatchObject({
      rule: "memory_high",
      severity: "warning",
      threshold: 1,
      consecutive_points: 3,
      server_id: f.ids[2],
    });
  });
});

describe("summary and fleet-wide endpoints", () => {
  let f: ProbeFleet;
  beforeAll(async () => {
    f = await startProbeFleet(40, { config: { probes: { syncCheckLimit: 10 } } });
    await f.cycle(0, true);
  });
  afterAll(() => f?.close());

  test("summary counts stay exact after many concurrent transitions and registry updates", async () => {
    const kinds = ["healthy", "degraded", "critical", "refused", "flapping"] as const;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 40; i++) f.sim.setProfile(i, { kind: kinds[(i * 7 + round * 3) % kinds.length]! } as never);
      // Registry writes race the probe cycle's transitions on the same items.
      const patches = Array.from({ length: 10 }, (_, k) =>
        f.fleet.request("PATCH", `${FLEET}/servers/${f.ids[(round * 10 + k) % 40]}`, { body: { region: `region-${(round + k) % 3}` } }),
      );
      await Promise.all([f.cycle(), ...patches]);
    }
    const list = await f.fleet.request("GET", `${FLEET}/servers?limit=500`);
    const byHealth: Record<string, number> = {};
    const byRegion: Record<string, number> = {};
    for (const s of list.body.items) {
      byHealth[s.health_status] = (byHealth[s.health_status] ?? 0) + 1;
      byRegion[s.region] = (byRegion[s.region] ?? 0) + 1;
    }
    const summary = await f.fleet.request("GET", `${FLEET}/summary`);
    expect(summary.body.by_health).toEqual(byHealth);
    expect(summary.body.by_region).toEqual(byRegion);
    expect(summary.body.total_servers).toBe(40);
    expect(Object.keys(byHealth).length).toBeGreaterThan(2);
  });

  test("the summary carries health counts, current averages and totals, stale servers and a red/amber/green status", async () => {
    for (let i = 0; i < 40; i++) f.sim.setProfile(i, { kind: "healthy" });
    for (let i = 0; i < 12; i++) await f.cycle(30, i % 2 === 0);
    const summary = (await f.fleet.request("GET", `${FLEET}/summary`)).body;
    expect(summary.health_counts).toMatchObject({ healthy: 40, unreachable: 0 });
    expect(summary.metrics.servers_reporting).toBe(40);
    expect(summary.metrics.avg_cpu_percent).toBeGreaterThan(0);
    expect(summary.metrics.total_users).toBeGreaterThan(0);
    expect(summary.stale_servers.count).toBe(0);
    expect(["green", "amber"]).toContain(summary.status);
    expect(typeof summary.suggested_action).toBe("string");

    f.sim.setProfile(0, { kind: "refused" });
    f.sim.setProfile(1, { kind: "refused" });
    f.sim.setProfile(2, { kind: "refused" });
    f.sim.setProfile(3, { kind: "refused" });
    for (let i = 0; i < 5; i++) await f.cycle();
    const red = (await f.fleet.request("GET", `${FLEET}/summary`)).body;
    expect(red.health_counts.unreachable).toBe(4);
    expect(red.status).toBe("red");
    expect(red.stale_servers.count).toBe(4);
    expect(red.suggested_action).toMatch(/unreachable/);
  });

  test("POST /health-check/all answers 202 with progress above the inline limit, and completes", async () => {
    const viewer = await f.fleet.keyWithRole("viewer");
    expect((await f.fleet.request("POST", `${FLEET}/health-check/all`, { key: viewer })).status).toBe(403);
    const operator = await f.fleet.keyWithRole("operator");
    const started = await f.fleet.request("POST", `${FLEET}/health-check/all`, { key: operator });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: "running", total_servers: 40, completed_servers: 0 });
    await f.fleet.runtime.probes.queue.idle();
    const done = await f.fleet.request("GET", `${FLEET}/health-check/all/${started.body.id}`, { key: viewer });
    expect(done.body).toMatchObject({ status: "completed", completed_servers: 40, progress_percent: 100 });
  });

  test("POST /servers/{id}/check and its alias check one server now, for operators", async () => {
    const viewer = await f.fleet.keyWithRole("viewer");
    const operator = await f.fleet.keyWithRole("operator");
    expect((await f.fleet.request("POST", `${FLEET}/servers/${f.ids[5]}/check`, { key: viewer })).status).toBe(403);
    f.clock.advance(5);
    for (const path of ["check", "health-check"]) {
      const res = await f.fleet.request("POST", `${FLEET}/servers/${f.ids[5]}/${path}`, { key: operator });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ server_id: f.ids[5], status: "healthy", health_status: "healthy", database_healthy: true });
    }
    const server = await f.server(5);
    expect(server.last_health_check_at).toBe(f.clock.now().toISOString());
    expect((await f.fleet.request("POST", `${FLEET}/servers/00000000-0000-7000-8000-000000000000/check`, { key: operator })).status).toBe(
      404,
    );
  });

  test("GET /health/overview lists each server's latest health and filters by health status", async () => {
    const all = await f.fleet.request("GET", `${FLEET}/health/overview?limit=100`);
    expect(all.body.items).toHaveLength(40);
    const down = await f.fleet.request("GET", `${FLEET}/health/overview?health_status=unreachable`);
    expect(down.body.items.map((s: { server_id: string }) => s.server_id).sort()).toEqual(f.ids.slice(0, 4).sort());
    expect(down.body.items[0]).toMatchObject({ health_status: "unreachable", stale: true });
    expect(down.body.items[0].consecutive_failures).toBeGreaterThanOrEqual(2);
  });

  test("GET /metrics/aggregated gives fleet-wide figures per bucket", async () => {
    const res = await f.fleet.request("GET", `${FLEET}/metrics/aggregated?period=1m`);
    expect(res.status).toBe(200);
    const last = res.body.points[res.body.points.length - 1];
    expect(last.servers).toBeGreaterThanOrEqual(36);
    expect(last.cpu_percent_avg).toBeGreaterThan(0);
    expect(last.cpu_percent_max).toBeGreaterThanOrEqual(last.cpu_percent_avg);
    expect(last.llm_requests).toBeGreaterThanOrEqual(0);
  });

  test("GET /metrics/aggregated is reused for the same range until this process saves a probe state", async () => {
    const url = `${FLEET}/metrics/aggregated?period=1m`;
    const queries = vi.spyOn(f.fleet.runtime.ctx.table, "query");
    try {
      const first = await f.fleet.request("GET", url);
      const read = queries.mock.calls.length;
      // The same range again (the clock has not moved): answered from what was read, without a query.
      expect((await f.fleet.request("GET", url)).body).toEqual(first.body);
      expect(queries.mock.calls.length).toBe(read);
      // A probe cycle in this process saves its groups' states: the next answer is read again.
      await f.cycle(0, true);
      const afterCycle = queries.mock.calls.length;
      expect((await f.fleet.request("GET", url)).status).toBe(200);
      expect(queries.mock.calls.length).toBeGreaterThan(afterCycle);
    } finally {
      queries.mockRestore();
    }
  });
});
