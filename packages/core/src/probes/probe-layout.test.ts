import { expect, test } from "vitest";
import { shardOf } from "../store/keys.js";
import { groupId, groupIds, groupOf, groupsFor, historyGroupsOf, LEGACY_GROUPS, needsRelayout } from "./probe-layout.js";

test("an organization gets about 16 servers a group up to 64 groups, and more groups only when groups would pass 300", () => {
  expect([1, 10, 31, 32, 100, 1_000, 10_000, 19_200, 19_201, 100_000].map(groupsFor)).toEqual([1, 1, 1, 2, 4, 32, 64, 64, 128, 512]);
});

test("the layout changes only for a fourfold change in size or a group about to overflow; a new organization is laid out at once", () => {
  const at = (groups: number) => ({ groups, previous: [], version: 1 });
  expect(needsRelayout(at(LEGACY_GROUPS), false, 10)).toBe(true);
  expect(needsRelayout(at(LEGACY_GROUPS), false, 5_000)).toBe(false);
  expect(needsRelayout(at(4), true, 100)).toBe(false);
  expect(needsRelayout(at(4), true, 200)).toBe(false);
  expect(needsRelayout(at(4), true, 300)).toBe(true);
  expect(needsRelayout(at(4), true, 20)).toBe(true);
  expect(needsRelayout(at(64), true, 20_000)).toBe(true);
});

test("the legacy layout keeps the group ids stored before layouts existed, and no two layouts share a group id", () => {
  const id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  expect(groupOf({ groups: LEGACY_GROUPS }, id)).toBe(shardOf(id, 64));
  const all = [1, 2, 4, 8, 16, 32, 64, 128, 1024].flatMap(groupIds);
  expect(new Set(all).size).toBe(all.length);
  expect(groupId(1, 0)).not.toBe(groupId(LEGACY_GROUPS, 0));
  expect(historyGroupsOf({ groups: 1, previous: [64], version: 2 }, id)).toEqual([groupId(1, 0), shardOf(id, 64)]);
});
