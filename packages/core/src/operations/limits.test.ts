import { describe, expect, it } from "vitest";
import { effectiveConcurrency, effectiveMaxErrors, mapMode } from "./limits.js";

describe("rate and error control", () => {
  it("takes percentages of the targets: concurrency rounded up and at least 1, errors rounded down", () => {
    expect(effectiveConcurrency("10%", 200)).toBe(20);
    expect(effectiveConcurrency("10%", 5)).toBe(1);
    expect(effectiveConcurrency("0%", 50)).toBe(1);
    expect(effectiveConcurrency(10, 3)).toBe(3);
    expect(effectiveMaxErrors("10%", 25)).toBe(2);
    expect(effectiveMaxErrors(3, 200)).toBe(3);
    expect(effectiveMaxErrors("0%", 200)).toBe(0);
  });

  it("chooses the distributed Map only when the inline Map's limits would be exceeded", () => {
    expect(mapMode(0, 1)).toBe("none");
    expect(mapMode(200, 10)).toBe("inline");
    expect(mapMode(1_000, 40)).toBe("inline");
    expect(mapMode(1_001, 10)).toBe("distributed");
    expect(mapMode(200, 41)).toBe("distributed");
  });
});
