import { describe, expect, test } from "vitest";
import { ProbeSettings } from "../config.js";
import { backoffSeconds, isDue, nextHealth } from "./health-state.js";
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
