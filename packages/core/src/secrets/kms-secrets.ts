// AWS secrets adapter: each agent token sealed (AES-256-GCM, bound to its organization and server) under its
// organization's data key, which KMS wraps; `kms1` ciphertexts (a KMS data key per token) still open.
import { DecryptCommand, KMSClient } from "@aws-sdk/client-kms";
import type { Table } from "../store/table.js";
import { kmsCiphertextOutdated, ORGANIZATION_KEYED, TOKEN_KEYED } from "./kms-ciphertext.js";
import { CURRENT_KEY_VERSION, OrganizationKeys } from "./organization-keys.js";
import { open, seal } from "./sealed-token.js";
import type { SecretBinding, Secrets } from "./secrets.js";

export class KmsSecrets implements Secrets {
  private readonly organizationKeys: OrganizationKeys;

  constructor(
    keyId: string,
    table: Table,
    private readonly kms: KMSClient = new KMSClient({}),
    options: { now?: () => number; keyCacheMs?: number } = {},
  ) {
    this.organizationKeys = new OrganizationKeys(keyId, table, kms, options.now, options.keyCacheMs);
  }

  /** `kms2:<key version>:<sealed token>`. */
  async encrypt(plaintext: string, binding: SecretBinding): Promise<string> {
    const key = await this.organizationKeys.key(binding.organization_id, CURRENT_KEY_VERSION, true);
    return `${ORGANIZATION_KEYED}:${CURRENT_KEY_VERSION}:${seal(key, plaintext, binding)}`;
  }

  async decrypt(ciphertext: string, binding: SecretBinding): Promise<string> {
    const [format, version, sealed] = ciphertext.split(":");
    if (format === ORGANIZATION_KEYED && version && sealed) {
      return open(await this.organizationKeys.key(binding.organization_id, version), sealed, binding);
    }
    if (format === TOKEN_KEYED && version && sealed) return this.decryptTokenKeyed(version, sealed, binding);
    throw new Error("unrecognised ciphertext");
  }

  outdated(ciphertext: string): boolean {
    return kmsCiphertextOutdated(ciphertext);
  }

  /**
   * A ciphertext written before organization keys: its own data key, wrapped without an encryption context, so
   * this is the one KMS call without one. Readers re-encrypt such a token once (agents/agent-target.ts).
   */
  private async decryptTokenKeyed(wrappedKey: string, sealed: string, binding: SecretBinding): Promise<string> {
    const dataKey = await this.kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(wrappedKey, "base64") }));
    if (!dataKey.Plaintext) throw new Error("KMS returned no plaintext key");
    return open(Buffer.from(dataKey.Plaintext), sealed, binding);
  }
}
