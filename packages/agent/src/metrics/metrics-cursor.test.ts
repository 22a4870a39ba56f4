// Tests of the cursor semantics shared by the agent's ring buffer and the simulator.
import { describe, expect, it } from "vitest";
import type { MetricsPoint } from "../protocol.js";
import { MetricsBuffer } from "./metrics-buffer.js";
import { pageSamples } from "./metrics-cursor.js";

const point = (minute: number): MetricsPoint => ({
  timestamp: new Date(minute * 60_000).toISOString(),
  period: "1m",
  cpu_percent: minute,
  memory_percent: 0,
  disk_percent: 0,
  network_rx_bytes: 0,
  network_tx_bytes: 0,
  active_services: 0,
  failed_services: 0,
  total_services: 0,
  llm_requests: 0,
  llm_cost_usd: 0,
  active_users: 0,
  total_users: 0,
});

describe("metrics cursor", () => {
  it("returns an unchanged cursor and no samples when nothing is new, including on an empty buffer", () => {
    const buffer = new MetricsBuffer(120);
    const empty = pageSamples(buffer, null);
    expect(empty.samples).toEqual([]);
    buffer.push(point(1));
    const first = pageSamples(buffer, empty.cursor);
    expect(first.samples.map((s) => s.cpu_percent)).toEqual([1]);
    expect(pageSamples(buffer, first.cursor)).toEqual({ samples: [], cursor: first.cursor });
  });

  it("reports missed_samples and resumes at the oldest sample when the caller fell behind the ring", () => {
    const buffer = new MetricsBuffer(120);
    buffer.push(point(0));
    const cursor = pageSamples(buffer, null).cursor;
    for (let m = 1; m <= 200; m++) buffer.push(point(m));
    const page = pageSamples(buffer, cursor);
    expect(page.samples).toHaveLength(120);
    expect(page.samples[0]!.cpu_percent).toBe(81);
    expect(page.missed_samples).toBe(80);
  });

  it("treats a cursor from another epoch (agent restart) as a request for the whole buffer", () => {
    const buffer = new MetricsBuffer(120);
    for (let m = 0; m < 5; m++) buffer.push(point(m));
    expect(pageSamples(buffer, "otherboot.3").samples).toHaveLength(5);
  });

  it("refuses a buffer smaller than 120 samples", () => {
    expect(() => new MetricsBuffer(60)).toThrow(/at least 120/);
  });
});
