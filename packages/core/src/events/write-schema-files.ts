// Writes docs/events/*.json from the event schemas: `npm run events:schemas` after changing an event's data.
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { eventSchemaDocuments } from "./schema-documents.js";

export const SCHEMA_DIR = fileURLToPath(new URL("../../../../docs/events/", import.meta.url));

export function schemaFileText(document: Record<string, unknown>): string {
  return JSON.stringify(document, null, 2) + "\n";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(SCHEMA_DIR, { recursive: true });
  for (const [name, document] of Object.entries(eventSchemaDocuments())) writeFileSync(SCHEMA_DIR + name, schemaFileText(document));
  console.log(`wrote ${Object.keys(eventSchemaDocuments()).length} schemas to docs/events/`);
}
