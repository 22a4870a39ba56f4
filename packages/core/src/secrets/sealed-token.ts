// AES-256-GCM sealing of one agent token under a 32-byte key: `v2` binds it to its organization and server
// (additional authenticated data); `v1`, written before, carries no binding and is only ever opened.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { SecretBinding } from "./secrets.js";

const UNBOUND = "v1";
const BOUND = "v2";

function additionalData(binding: SecretBinding): Buffer {
  return Buffer.from(`fleetplane-agent-token\n${binding.organization_id}\n${binding.server_id}`, "utf8");
}

export function seal(key: Buffer, plaintext: string, binding: SecretBinding): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(additionalData(binding));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [BOUND, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
}

/** Opens `v2` (checking the binding) and `v1` (which has none); throws on any other text or a failed tag. */
export function open(key: Buffer, sealed: string, binding: SecretBinding): string {
  const [version, iv, tag, body] = sealed.split(".");
  if ((version !== BOUND && version !== UNBOUND) || !iv || !tag || body === undefined) throw new Error("unrecognised ciphertext");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  if (version === BOUND) decipher.setAAD(additionalData(binding));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}

export function isUnbound(sealed: string): boolean {
  return sealed.startsWith(`${UNBOUND}.`);
}
