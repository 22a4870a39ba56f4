// The console's JavaScript is checked by TypeScript (JSDoc types, strict) against the API's generated types:
// a call to a path the API does not serve, a wrong query or a misread answer fails here.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));

test("the console's code type-checks against the API's OpenAPI types (web/tsconfig.json)", async () => {
  const run = await promisify(execFile)(process.execPath, [tsc, "--noEmit", "-p", "web/tsconfig.json"], { cwd: root }).then(
    () => ({ code: 0, output: "" }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: `${error.stdout}${error.stderr}` }),
  );
  expect(run.output).toBe("");
  expect(run.code).toBe(0);
  // A cold compiler takes 5-10 s alone, several times that beside the other suites on two cores.
}, 180_000);
