import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { KeyFileSecrets } from "./key-file-secrets.js";

const dir = mkdtempSync(join(tmpdir(), "fleetplane-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("tokens round-trip, ciphertexts differ each time, and the key file is private and reused", async () => {
  const path = join(dir, "secrets.key");
  const secrets = KeyFileSecrets.open(path);
  const a = await secrets.encrypt("agent-token");
  const b = await secrets.encrypt("agent-token");
  expect(a).not.toBe(b);
  expect(a).not.toContain("agent-token");
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(await KeyFileSecrets.open(path).decrypt(a)).toBe("agent-token");
  expect(readFileSync(path, "utf8").trim()).toHaveLength(44);
});

test("a tampered ciphertext or another key fails to decrypt", async () => {
  const secrets = KeyFileSecrets.open(join(dir, "one.key"));
  const other = KeyFileSecrets.open(join(dir, "two.key"));
  const sealed = await secrets.encrypt("agent-token");
  await expect(other.decrypt(sealed)).rejects.toThrow();
  const [v, iv, tag, body] = sealed.split(".");
  const flipped = Buffer.from(body!, "base64");
  flipped[0] = flipped[0]! ^ 1;
  await expect(secrets.decrypt([v, iv, tag, flipped.toString("base64")].join("."))).rejects.toThrow();
});
