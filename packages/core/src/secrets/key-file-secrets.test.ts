import { createCipheriv, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { KeyFileSecrets } from "./key-file-secrets.js";

const dir = mkdtempSync(join(tmpdir(), "fleetplane-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bound = { organization_id: "default", server_id: "s1" };

test("tokens round-trip, ciphertexts differ each time, and the key file is private and reused", async () => {
  const path = join(dir, "secrets.key");
  const secrets = KeyFileSecrets.open(path);
  const a = await secrets.encrypt("agent-token", bound);
  const b = await secrets.encrypt("agent-token", bound);
  expect(a).not.toBe(b);
  expect(a).not.toContain("agent-token");
  expect(secrets.outdated(a)).toBe(false);
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(await KeyFileSecrets.open(path).decrypt(a, bound)).toBe("agent-token");
  expect(readFileSync(path, "utf8").trim()).toHaveLength(44);
});

test("a tampered ciphertext, another key, or another server or organization fails to decrypt", async () => {
  const secrets = KeyFileSecrets.open(join(dir, "one.key"));
  const other = KeyFileSecrets.open(join(dir, "two.key"));
  const sealed = await secrets.encrypt("agent-token", bound);
  await expect(other.decrypt(sealed, bound)).rejects.toThrow();
  await expect(secrets.decrypt(sealed, { ...bound, server_id: "s2" })).rejects.toThrow();
  await expect(secrets.decrypt(sealed, { ...bound, organization_id: "other" })).rejects.toThrow();
  const [v, iv, tag, body] = sealed.split(".");
  const flipped = Buffer.from(body!, "base64");
  flipped[0] = flipped[0]! ^ 1;
  await expect(secrets.decrypt([v, iv, tag, flipped.toString("base64")].join("."), bound)).rejects.toThrow();
});

test("a token written before binding (v1) still opens and is reported outdated", async () => {
  const key = randomBytes(32);
  writeFileSync(join(dir, "old.key"), key.toString("base64") + "\n", { mode: 0o600 });
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update("old-token", "utf8"), cipher.final()]);
  const v1 = ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
  const secrets = KeyFileSecrets.open(join(dir, "old.key"));
  expect(await secrets.decrypt(v1, bound)).toBe("old-token");
  expect(secrets.outdated(v1)).toBe(true);
});
