import { expect, test } from "vitest";
import { isId, newId } from "./ids.js";

test("ids are UUIDv7 and sort in creation order, even within one millisecond", () => {
  const ids = Array.from({ length: 1_000 }, () => newId(1_800_000_000_000));
  expect(ids.every(isId)).toBe(true);
  expect([...ids].sort()).toEqual(ids);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids[0]![14]).toBe("7");
});
