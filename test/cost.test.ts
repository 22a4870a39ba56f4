// The cost model (docs/cost.md): its table is what `npm run cost` computes from the checked-in benchmark results.
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { costTable, monthlyCost, readMeasuredUnits, withCostTable } from "../bench/cost.js";

const ROOT = new URL("..", import.meta.url);

test("docs/cost.md carries the table computed from bench/results (run `npm run cost` after a benchmark)", () => {
  const doc = readFileSync(new URL("docs/cost.md", ROOT), "utf8");
  expect(doc).toBe(withCostTable(doc, costTable(readMeasuredUnits(ROOT))));
});

test("every line is priced for each fleet size and DynamoDB writes grow with the fleet", () => {
  const lines = monthlyCost(readMeasuredUnits(ROOT));
  for (const line of lines) for (const n of [100, 1_000, 10_000]) expect(line.monthly[n]).toBeGreaterThan(0);
  const writes = lines.find((line) => line.what.startsWith("writes (probing"))!;
  expect(writes.monthly[10_000]! / writes.monthly[100]!).toBeGreaterThan(50);
});
