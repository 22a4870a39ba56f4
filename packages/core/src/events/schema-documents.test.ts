import { readdirSync, readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { eventSchemaDocuments } from "./schema-documents.js";
import { SCHEMA_DIR, schemaFileText } from "./write-schema-files.js";

test("docs/events/ holds exactly the schemas generated from the code (run `npm run events:schemas` after changing an event)", () => {
  const documents = eventSchemaDocuments();
  expect(
    readdirSync(SCHEMA_DIR)
      .filter((f) => f.endsWith(".json"))
      .sort(),
  ).toEqual(Object.keys(documents).sort());
  for (const [name, document] of Object.entries(documents)) {
    expect(readFileSync(SCHEMA_DIR + name, "utf8"), `docs/events/${name} is stale`).toBe(schemaFileText(document));
  }
});

test("every detail-type's schema pins its detail-type and describes its data", () => {
  const documents = eventSchemaDocuments();
  const health = documents["server-health-changed.json"] as any;
  expect(health.properties["detail-type"].const).toBe("Server Health Changed");
  expect(health.properties.detail.properties.data.required).toContain("health_status");
  expect(Object.keys(eventSchemaDocuments("draft-4"))).toEqual(Object.keys(documents));
});
