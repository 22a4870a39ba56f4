// Where the platform key comes from: a flag, a file (trailing newline dropped) or the environment, one at a time.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { adminKeyFrom } from "./admin-key.js";

const dir = mkdtempSync(join(tmpdir(), "fleetplane-admin-key-"));
const file = join(dir, "admin.key");
writeFileSync(file, "key-from-file-0123456789abcdef-0123456789\n", { mode: 0o600 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the key file is read from --admin-key-file or FLEETPLANE_ADMIN_API_KEY_FILE, without its trailing newline", () => {
  expect(adminKeyFrom({ file, env: {} })).toBe("key-from-file-0123456789abcdef-0123456789");
  expect(adminKeyFrom({ env: { FLEETPLANE_ADMIN_API_KEY_FILE: file } })).toBe("key-from-file-0123456789abcdef-0123456789");
});

test("a flag overrides the environment, and two sources of one kind are refused", () => {
  expect(adminKeyFrom({ flag: "from-flag", env: { FLEETPLANE_ADMIN_API_KEY_FILE: file } })).toBe("from-flag");
  expect(adminKeyFrom({ env: { FLEETPLANE_ADMIN_API_KEY: "from-env" } })).toBe("from-env");
  expect(() => adminKeyFrom({ flag: "a", file, env: {} })).toThrow(/one way/);
  expect(() => adminKeyFrom({ env: { FLEETPLANE_ADMIN_API_KEY: "a", FLEETPLANE_ADMIN_API_KEY_FILE: file } })).toThrow(/one way/);
});

test("an unreadable key file is a clear start-up error", () => {
  expect(() => adminKeyFrom({ file: join(dir, "missing"), env: {} })).toThrow(/cannot read the admin key file/);
});
