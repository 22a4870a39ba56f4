// Metrics: buffered collection with backfill, rollups equal to a brute-force computation, TTL per period.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FIELDS, GAUGES_FOR_TEST } from "./rollup-reference.js";
import { FLEET } from "../support/fleet.js";
import { alignedStart, startProbeFleet, type ProbeFleet } from "./support.js";

describe("metrics collection and rollups", () => {
  let f: ProbeFleet;
  beforeAll(async () => {
    // 01:30 UTC: the agents' 180 buffered minutes reach back across midnight, so a 1d bucket closes too.
    f = await startProbeFleet(3, {
      start: alignedStart(90),
      config: { probes: { initialBackfillMinutes: 180, requestTimeoutMs: 300 }, metricsRetention: { "1m": 24 * 3600 } },
    });
    await f.cycle(0, true);
  });
  afterAll(() => f?.close());

  test("a first collection backfills the agent's buffer and every rollup equals the brute-force aggregate of the points", async () => {
    const id = f.ids[0];
    const from = new Date(f.clock.now().getTime() - 4 * 3600_000).toISOString();
    const get = (period: string) =>
      f.fleet.request("GET", `${FLEET}/servers/${id}/metrics?period=${period}&from=${from}&limit=5000`).then((r) => r.body.points as any[]);
    const minutes = await get("1m");
    expect(minutes).toHaveLength(180);
    for (const [period, seconds] of [
      ["5m", 300],
      ["1h", 3600],
      ["1d", 86_400],
    ] as const) {
      const rollups = await get(period);
      expect(rollups.length).toBeGreaterThan(0);
      for (const rollup of rollups) {
        const start = Date.parse(rollup.timestamp);
        const inside = minutes.filter((p) => Date.parse(p.timestamp) >= start && Date.parse(p.timestamp) < start + seconds * 1000);
        expect(rollup.samples, `${period} ${rollup.timestamp}`).toBe(inside.length);
        for (const field of FIELDS) {
          const values = inside.map((p) => p[field]).filter((v) => typeof v === "number");
          const counter = !GAUGES_FOR_TEST.includes(field);
          const expected = counter ? values.reduce((a, b) => a + b, 0) : values.reduce((a, b) => a + b, 0) / values.length;
          expect(rollup[field]).toBeCloseTo(expected, 3);
          expect(rollup[`${field}_min`]).toBe(Math.min(...values));
          expect(rollup[`${field}_max`]).toBe(Math.max(...values));
        }
      }
    }
    // Only closed buckets are rolled up: 35 full five-minute buckets and the one that just closed at 01:30.
    expect((await get("5m")).length).toBe(36);
    expect((await get("1d")).map((p) => p.timestamp.slice(11))).toEqual(["00:00:00.000Z"]);
  });

  test("after missed polls the next poll backfills: no minute is lost", async () => {
    const id = f.ids[1];
    f.sim.setProfile(1, { kind: "timeout" });
    const lostFrom = f.clock.now().getTime();
    for (let i = 0; i < 5; i++) await f.cycle(60, true);
    f.sim.setProfile(1, { kind: "healthy" });
    // Back off ends within the maximum backoff; collection resumes on the first successful check.
    for (let i = 0; i < 6; i++) await f.cycle(60, true);
    const from = new Date(lostFrom - 10 * 60_000).toISOString();
    const points = (await f.fleet.request("GET", `${FLEET}/servers/${id}/metrics?period=1m&from=${from}`)).body.points as any[];
    const times = points.map((p) => Date.parse(p.timestamp));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(60_000);
    expect(times[times.length - 1]).toBe(f.clock.now().getTime() - 60_000);
    // The five-minute rollups covering the outage were recomputed from the late points.
    const rollups = (await f.fleet.request("GET", `${FLEET}/servers/${id}/metrics?period=5m&from=${from}`)).body.points as any[];
    expect(rollups.filter((r) => Date.parse(r.timestamp) + 300_000 <= f.clock.now().getTime() - 60_000).every((r) => r.samples === 5)).toBe(
      true,
    );
  }, 120_000);

  test("points past their period's retention are not returned", async () => {
    const id = f.ids[2];
    const from = new Date(f.clock.now().getTime() - 4 * 3600_000).toISOString();
    const before = (await f.fleet.request("GET", `${FLEET}/servers/${id}/metrics?period=1m&from=${from}&limit=5000`)).body.points;
    expect(before.length).toBeGreaterThan(100);
    f.clock.advance(22 * 3600); // 1m points are kept for 24 h in this fleet: the first ones are now past it
    const oldest = Date.parse(before[0].timestamp);
    const after = (
      await f.fleet.request(
        "GET",
        `${FLEET}/servers/${id}/metrics?period=1m&from=${from}&to=${new Date(oldest + 6 * 3600_000).toISOString()}&limit=5000`,
      )
    ).body.points as any[];
    expect(after.length).toBeLessThan(before.length);
    expect(after.every((p) => Date.parse(p.timestamp) + 60_000 + 24 * 3600_000 > f.clock.now().getTime())).toBe(true);
    // The five-minute rollups (30 days) are still there.
    const rollups = (
      await f.fleet.request("GET", `${FLEET}/servers/${id}/metrics?period=5m&from=${from}&to=${new Date(oldest + 3600_000).toISOString()}`)
    ).body.points;
    expect(rollups.length).toBeGreaterThan(0);
  });

  test("viewers read metrics; collecting now needs the operator role", async () => {
    const viewer = await f.fleet.keyWithRole("viewer");
    const operator = await f.fleet.keyWithRole("operator");
    expect((await f.fleet.request("GET", `${FLEET}/servers/${f.ids[0]}/metrics`, { key: viewer })).status).toBe(200);
    expect((await f.fleet.request("POST", `${FLEET}/servers/${f.ids[0]}/metrics/collect`, { key: viewer })).status).toBe(403);
    f.clock.advance(120);
    const collected = await f.fleet.request("POST", `${FLEET}/servers/${f.ids[0]}/metrics/collect`, { key: operator });
    expect(collected.status).toBe(200);
    expect(collected.body.samples_collected).toBeGreaterThan(0);
    const bad = await f.fleet.request("GET", `${FLEET}/servers/${f.ids[0]}/metrics?period=2m`, { key: viewer });
    expect(bad.status).toBe(400);
  });
});
