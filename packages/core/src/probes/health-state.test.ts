import { describe, expect, test } from "vitest";
import { ProbeSettings } from "../config.js";
import { backoffSeconds, heartbeatDue, isDue, nextHealth } from "./health-state.js";
import type { CheckOutcome } from "./health-record.js";

const settings = ProbeSettings.parse({});
const ok: CheckOutcome = { ok: true, health: { status: "healthy", components: {} }, response_time_ms: 5 };
const fail: CheckOutcome = { ok: false, error: { kind: "connection", message: "ECONNREFUSED" }, response_time_ms: 1 };

describe("health state machine", () => {
  test("a server keeps its status after one failure and is unreachable after the second", () => {
    const one = nextHealth(undefined, "healthy", fail, 1000, settings);
    expect(one.health).toBe("healthy");
    expect(isDue(one.state, 1030)).toBe(true);
    const two = nextHealth(one.state, "healthy", fail, 1030, settings);
    expect(two).toMatchObject({ health: "unreachable", state: { f: 2, us: 1030, d: 1090 } });
  });

  test("backoff doubles from the health interval and stops at the maximum", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((f) => backoffSeconds(f, settings))).toEqual([0, 60, 120, 240, 300, 300, 300]);
  });

  test("the first success clears failures, backoff and the unreachable mark", () => {
    let state = nextHealth(undefined, "healthy", fail, 0, settings).state;
    for (let t = 30; t < 300; t += 30) state = nextHealth(state, "unreachable", fail, t, settings).state;
    const back = nextHealth(state, "unreachable", ok, 600, settings);
    expect(back.health).toBe("healthy");
    expect(back.state).toEqual({ ok: 600 });
    expect(isDue(back.state, 630)).toBe(true);
  });
});

describe("heartbeats", () => {
  test("each server is due once per heartbeat period, at its own offset, spreading a fleet over the period", () => {
    const probes = { heartbeatSeconds: 900, metricsIntervalSeconds: 60 };
    const ids = Array.from({ length: 300 }, (_, i) => `0190a1b2-c3d4-7e5f-8a9b-${(i * 7_919_113).toString(16).padStart(12, "0")}`);
    const start = 1_800_000_000;
    const dueAt = new Map<string, number[]>();
    for (let t = start + 60; t <= start + 2 * 900; t += 60)
      for (const id of ids) if (heartbeatDue(id, t, probes)) dueAt.set(id, [...(dueAt.get(id) ?? []), t]);
    for (const id of ids) {
      const times = dueAt.get(id) ?? [];
      expect(times).toHaveLength(2);
      expect(times[1]! - times[0]!).toBe(900);
    }
    const perCycle = new Map<number, number>();
    for (const times of dueAt.values()) perCycle.set(times[0]!, (perCycle.get(times[0]!) ?? 0) + 1);
    expect(Math.max(...perCycle.values())).toBeLessThan(60); // 300 servers over 15 cycles: about 20 each, never all at once
  });
});
