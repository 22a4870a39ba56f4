// Local secrets adapter: AES-256-GCM with a 32-byte key kept in a file of the data directory.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { isUnbound, open, seal } from "./sealed-token.js";
import type { SecretBinding, Secrets } from "./secrets.js";

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

  async encrypt(plaintext: string, binding: SecretBinding): Promise<string> {
    return seal(this.key, plaintext, binding);
  }

  async decrypt(ciphertext: string, binding: SecretBinding): Promise<string> {
    return open(this.key, ciphertext, binding);
  }

  outdated(ciphertext: string): boolean {
    return isUnbound(ciphertext);
  }
}
