// The served OpenAPI document is fit for generators: Redocly's recommended rules pass and every operation is named.
import { fileURLToPath } from "node:url";
import { lintFromString, loadConfig } from "@redocly/openapi-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestFleet, type TestFleet } from "../support/fleet.js";

let fleet: TestFleet;
let document: { servers: { url: string }[]; paths: Record<string, Record<string, { operationId?: string }>> };
beforeAll(async () => {
  fleet = await startTestFleet();
  document = (await fleet.request("GET", "/api/v1/openapi.json", { key: null })).body;
});
afterAll(() => fleet.close());

test("Redocly's recommended rules find no problem in the served document", async () => {
  const config = await loadConfig({ configPath: fileURLToPath(new URL("../../packages/core/redocly.yaml", import.meta.url)) });
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: "openapi.json", config });
  expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
});

test("every operation has a unique verb-noun operationId and the document names the API it came from", () => {
  const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
  expect(ids.length).toBeGreaterThan(30);
  for (const id of ids) expect(id).toMatch(/^[a-z]+[A-Z][A-Za-z]*$/);
  expect(new Set(ids).size).toBe(ids.length);
  expect(document.paths["/api/v1/fleet/servers"]?.get?.operationId).toBe("listServers");
  expect(document.paths["/api/v1/fleet/operations"]?.post?.operationId).toBe("startOperation");
  expect(document.servers).toEqual([expect.objectContaining({ url: fleet.url })]);
});
