// Resource alerts: k consecutive points above the threshold raise one; an open one clears only after k points
// under the threshold less the clear margin (hysteresis), so a value hovering at the threshold stays quiet.
import { expect, test } from "vitest";
import { AlertSettings } from "../config.js";
import { evaluateMetricsAlerts } from "./alerts.js";
import type { ServerProbeState } from "./probe-state.js";

const server = { organizationId: "o1", id: "s1", name: "web-1" };
const settings = (overrides: Partial<AlertSettings> = {}) => AlertSettings.parse({ cpuPercent: 90, consecutivePoints: 3, ...overrides });

/** Feeds one CPU point per minute; answers the alert events each point produced, as "raised" / "resolved" / "". */
function feed(state: ServerProbeState, cpu: number[], alertSettings: AlertSettings): string[] {
  return cpu.map((value, minute) => {
    const sample = { timestamp: new Date(Date.UTC(2026, 10, 23, 12, minute)).toISOString(), cpu_percent: value };
    const events = evaluateMetricsAlerts(server, state, [sample], 1_800_000_000 + minute * 60, alertSettings);
    return events.map((e) => (e.detail_type === "Fleet Alert Raised" ? "raised" : "resolved")).join(",");
  });
}

test("an open CPU alert holds while the value hovers just under the threshold, and clears under threshold less the margin", () => {
  const state: ServerProbeState = {};
  const cpu = [95, 95, 95, 88, 89, 88, 91, 88, 86, 84, 84, 84];
  expect(feed(state, cpu, settings())).toEqual(["", "", "raised", "", "", "", "", "", "", "", "", "resolved"]);
  expect(state.al).toBeUndefined();
});

test("with no margin, three points under the threshold clear it (the rule before hysteresis)", () => {
  const state: ServerProbeState = {};
  expect(feed(state, [95, 95, 95, 88, 89, 88], settings({ clearMarginPercent: 0 }))).toEqual(["", "", "raised", "", "", "resolved"]);
});

test("a value crossing the threshold every other minute never raises", () => {
  const state: ServerProbeState = {};
  expect(feed(state, [91, 89, 91, 89, 91, 89, 91], settings()).every((e) => e === "")).toBe(true);
  expect(state.al).toBeUndefined();
});
