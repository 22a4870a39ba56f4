// The import plan: create what is missing, update only differing fields, never compare tokens.
import { expect, test } from "vitest";
import type { Server } from "@fleetplane/client";
import { planImport } from "./import-plan.js";

const server = (fields: Partial<Server>): Server =>
  ({
    id: "id-1",
    name: "web-1",
    hostname: "web-1.example.com",
    api_url: "https://web-1.example.com",
    region: "eu-west-1",
    environment: null,
    tags: ["web", "eu"],
    metadata: { rack: "b2", row: 1 },
    ...fields,
  }) as Server;
const row = (fields: Record<string, unknown>, line = 1) => ({ line, fields, problems: [] });

test("a server whose fields match is unchanged: names case-insensitive, tags as a set, metadata by content, token ignored", () => {
  const [plan] = planImport(
    [row({ name: "web-1", tags: ["eu", "web"], metadata: { row: 1, rack: "b2" }, api_token: "new", region: "eu-west-1" })],
    [server({})],
  );
  expect(plan!.action).toBe("unchanged");
});

test("only the differing fields are sent, and a missing server is created with every field", () => {
  const plans = planImport(
    [row({ name: "WEB-1", region: "us-east-1", hostname: "web-1.example.com" }), row({ name: "web-2", hostname: "h", api_token: "t" }, 2)],
    [server({})],
  );
  expect(plans[0]).toMatchObject({ action: "update", changes: { name: "WEB-1", region: "us-east-1" } });
  expect(plans[1]).toMatchObject({ action: "create", body: { name: "web-2", hostname: "h", api_token: "t" } });
});

test("a name repeated in the file fails its second row", () => {
  const plans = planImport([row({ name: "a" }), row({ name: "A" }, 2)], []);
  expect(plans.map((p) => p.action)).toEqual(["create", "invalid"]);
});
