// The fleetplane binary as scripts run it: `npx fleetplane` from the repository, and the bundle a published package runs.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { bundleCli } from "../../packages/cli/build.js";
import { startTestFleet, type TestFleet } from "../support/fleet.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
let fleet: TestFleet;
beforeAll(async () => {
  fleet = await startTestFleet();
});
afterAll(() => fleet.close());

async function fleetplane(command: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "fleetplane-bin-")),
        FLEETPLANE_ENDPOINT: fleet.url,
        FLEETPLANE_API_KEY: fleet.adminKey,
        ...env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test("npx fleetplane runs from the repository root and its --json output parses", async () => {
  const summary = await fleetplane("npx", ["--no-install", "fleetplane", "summary", "--json"]);
  expect(summary.code).toBe(0);
  expect(JSON.parse(summary.stdout)).toHaveProperty("total_servers");
});

test("the bundle a published package runs needs nothing but Node: it lists servers from outside the repository", async () => {
  const outfile = await bundleCli(join(mkdtempSync(join(tmpdir(), "fleetplane-dist-")), "fleetplane.js"));
  const listed = await fleetplane(process.execPath, [outfile, "servers", "list", "--json"]);
  expect(listed.code).toBe(0);
  expect(JSON.parse(listed.stdout)).toEqual({ items: [], next_cursor: null });
  const unreachable = await fleetplane(process.execPath, [outfile, "summary"], { FLEETPLANE_ENDPOINT: "http://127.0.0.1:9" });
  expect(unreachable.code).toBe(3);
});
