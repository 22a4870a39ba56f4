#!/usr/bin/env node
// In the repository the CLI runs from its TypeScript source through tsx; a published package runs the bundle.
import { existsSync } from "node:fs";

const source = new URL("../src/entry.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import("../dist/fleetplane.js");
}
