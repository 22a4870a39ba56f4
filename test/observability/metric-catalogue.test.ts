// Every custom metric is catalogued once and emitted somewhere: the Monitoring stack's alarms and dashboard name
// only catalogued metrics (test/stacks/monitoring.test.ts checks the synthesized template), so none stays flat.
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { FLEET_METRICS } from "../../packages/core/src/observability/fleet-metrics.js";
import { metricEmitters } from "../support/metric-emitters.js";

test("every catalogued metric is emitted by some code path, and nothing uncatalogued is", () => {
  const emitters = metricEmitters();
  const catalogued = Object.keys(FLEET_METRICS).sort();
  expect(catalogued.filter((name) => !emitters.has(name))).toEqual([]);
  expect([...emitters.keys()].filter((name) => !(name in FLEET_METRICS))).toEqual([]);
});

test("the Monitoring stack's source names only catalogued metrics, each of them emitted", () => {
  const source = readFileSync(new URL("../../stacks/Monitoring.ts", import.meta.url), "utf8");
  const referenced = [...new Set([...source.matchAll(/fleetMetric\(\s*"(\w+)"/g)].map((match) => match[1]!))];
  expect(referenced.length).toBeGreaterThan(5);
  const emitters = metricEmitters();
  for (const name of referenced) {
    expect(FLEET_METRICS, `${name} is not catalogued`).toHaveProperty(name);
    expect(emitters.get(name), `${name} is never emitted`).toBeDefined();
  }
});
