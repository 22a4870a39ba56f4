import { expect, test } from "vitest";
import { delta, summaryUpdate } from "./counters.js";

const server = { status: "active", health_status: "healthy", region: "us-east-1", environment: "production" };

test("registration adds one to total and to each of the server's buckets", () => {
  expect(delta(undefined, server)).toEqual({
    total: 1,
    "status:active": 1,
    "health:healthy": 1,
    "region:us-east-1": 1,
    "environment:production": 1,
  });
});

test("a change moves only the buckets that differ", () => {
  expect(delta(server, { ...server, region: "eu-west-1" })).toEqual({ "region:us-east-1": -1, "region:eu-west-1": 1 });
});

test("decommissioning leaves the totals and counts only by status", () => {
  expect(delta(server, { ...server, status: "decommissioned" })).toEqual({
    total: -1,
    "status:active": -1,
    "health:healthy": -1,
    "region:us-east-1": -1,
    "environment:production": -1,
    "status:decommissioned": 1,
  });
});

test("no change writes nothing", () => {
  expect(summaryUpdate("org", delta(server, { ...server }))).toBeUndefined();
});

test("servers without a region or environment count as unassigned", () => {
  expect(delta(undefined, { ...server, region: null, environment: null })).toMatchObject({
    "region:unassigned": 1,
    "environment:unassigned": 1,
  });
});
