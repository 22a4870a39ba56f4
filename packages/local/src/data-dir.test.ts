// The data dir and everything in it are owner-only, including files an earlier start left world-readable.
import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { startLocalFleetplane } from "./runtime.js";

const root = mkdtempSync(join(tmpdir(), "fleetplane-modes-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? [path, ...walk(path)] : [path];
  });
}

test("a started data dir is 0700 and every file in it 0600, old loose files included", async () => {
  const dataDir = join(root, "data");
  mkdirSync(join(dataDir, "old"), { recursive: true, mode: 0o755 });
  writeFileSync(join(dataDir, "old", "events.jsonl"), "{}\n", { mode: 0o644 });
  const runtime = await startLocalFleetplane({ dataDir, port: 0, adminKey: `modes-admin-key-${"0".repeat(32)}`, probeSchedule: false });
  try {
    await fetch(`${runtime.url}/api/v1/fleet/servers`, { headers: { authorization: `Bearer modes-admin-key-${"0".repeat(32)}` } });
  } finally {
    await runtime.close();
  }
  expect(mode(dataDir)).toBe(0o700);
  const entries = walk(dataDir);
  expect(entries.length).toBeGreaterThan(3);
  for (const path of entries) expect([path, mode(path)]).toEqual([path, statSync(path).isDirectory() ? 0o700 : 0o600]);
});
