// Local secrets adapter: AES-256-GCM with a 32-byte key kept in a file of the data directory.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Secrets } from "./secrets.js";

const VERSION = "v1";

export class KeyFileSecrets implements Secrets {
  private constructor(private readonly key: Buffer) {}

  /** Loads the key file, creating it (mode 0600) on first use. */
  static open(path: string): KeyFileSecrets {
    let key: Buffer;
    try {
      key = Buffer.from(readFileSync(path, "utf8").trim(), "base64");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      key = randomBytes(32);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
    }
    if (key.length !== 32) throw new Error(`secrets key file ${path} must hold 32 bytes in base64`);
    return new KeyFileSecrets(key);
  }

  static fromKey(key: Buffer): KeyFileSecrets {
    return new KeyFileSecrets(key);
  }

  async encrypt(plaintext: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
  }

  async decrypt(ciphertext: string): Promise<string> {
    const [version, iv, tag, body] = ciphertext.split(".");
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("unrecognised ciphertext");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
  }
}
