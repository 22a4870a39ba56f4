// Regenerates src/generated/openapi.ts from the document of a throwaway in-memory local Fleetplane.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startLocalFleetplane } from "@fleetplane/local";
import { typesSource } from "./types-source.js";

export const GENERATED_FILE = fileURLToPath(new URL("../generated/openapi.ts", import.meta.url));

const runtime = await startLocalFleetplane({ inMemory: true, port: 0, adminKey: randomBytes(16).toString("hex"), probeSchedule: false });
try {
  const response = await fetch(`${runtime.url}/api/v1/openapi.json`);
  if (!response.ok) throw new Error(`GET /api/v1/openapi.json answered ${response.status}`);
  writeFileSync(GENERATED_FILE, await typesSource(await response.json()));
  console.log(`wrote ${GENERATED_FILE}`);
} finally {
  await runtime.close();
}
