import { describe, expect, test } from "vitest";
import { aggregate, bucketStart, FIELDS, pointFromAggregate, type PackedPoint } from "./metrics-point.js";

const point = (cpu: number, requests: number): PackedPoint =>
  FIELDS.map((f) => (f === "cpu_percent" ? cpu : f === "llm_requests" ? requests : null));

describe("rollups", () => {
  test("gauges are averaged with min and max, counters summed, missing fields stay null", () => {
    const rollup = pointFromAggregate("2026-11-23T10:00:00.000Z", "5m", aggregate([point(10, 1), point(30, 2), point(20, 3)]));
    expect(rollup).toMatchObject({
      cpu_percent: 20,
      cpu_percent_min: 10,
      cpu_percent_max: 30,
      llm_requests: 6,
      samples: 3,
      disk_percent: null,
    });
  });

  test("a rollup of rollups equals the rollup of all the points", () => {
    const points = [point(1, 1), point(2, 2), point(9, 3), point(4, 4), point(5, 5)];
    const direct = aggregate(points);
    const nested = aggregate([aggregate(points.slice(0, 2)), aggregate(points.slice(2))]);
    expect(nested).toEqual(direct);
  });

  test("buckets start on their period's boundary", () => {
    const t = Date.UTC(2026, 10, 23, 13, 47, 31) / 1000;
    expect(new Date(bucketStart(t, "5m") * 1000).toISOString()).toBe("2026-11-23T13:45:00.000Z");
    expect(new Date(bucketStart(t, "1d") * 1000).toISOString()).toBe("2026-11-23T00:00:00.000Z");
  });
});
