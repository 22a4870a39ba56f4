// The client's checked-in types are generated from the API's current OpenAPI document, so they cannot drift.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, test } from "vitest";
import { typesSource } from "../../packages/client/src/generate/types-source.js";
import { startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
beforeAll(async () => {
  fleet = await startTestFleet();
});
afterAll(() => fleet.close());

test("the checked-in generated types match the API's current document (run `npm run client:generate` when this fails)", async () => {
  const document = (await fleet.request("GET", "/api/v1/openapi.json", { key: null })).body;
  const checkedIn = readFileSync(new URL("../../packages/client/src/generated/openapi.ts", import.meta.url), "utf8");
  expect(await typesSource(document)).toBe(checkedIn);
});
