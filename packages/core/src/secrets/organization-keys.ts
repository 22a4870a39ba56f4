// Per-organization data keys for agent tokens: generated once by KMS (encryption context naming the
// organization), stored wrapped in the table, and kept unwrapped in the container for hours, so KMS is
// called once per organization per container per cache period instead of once per token.
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from "@aws-sdk/client-kms";
import { keys } from "../store/keys.js";
import type { Table } from "../store/table.js";

/** The data key version new ciphertexts name; a new version would come with key rotation. */
export const CURRENT_KEY_VERSION = "1";
/** How long an unwrapped organization key stays in a container (a Lambda container rarely lives longer). */
export const ORGANIZATION_KEY_CACHE_MS = 6 * 3_600_000;

interface DataKeyItem {
  wrapped_key: string;
  kms_key_id: string;
}

/** The encryption context of every KMS call for an organization's key: KMS refuses to unwrap it under any other. */
export function organizationKeyContext(organizationId: string): Record<string, string> {
  return { "fleetplane:organization_id": organizationId, "fleetplane:purpose": "agent-tokens" };
}

export class OrganizationKeys {
  /** Unwrapped keys (or their pending unwrap, so concurrent misses share one KMS call); failures are not kept. */
  private readonly cache = new Map<string, { key: Promise<Buffer>; until: number }>();

  constructor(
    private readonly keyId: string,
    private readonly table: Table,
    private readonly kms: KMSClient,
    private readonly now: () => number = Date.now,
    private readonly cacheMs = ORGANIZATION_KEY_CACHE_MS,
  ) {}

  /** The key `version` of the organization; `create` generates and stores it when the organization has none yet. */
  key(organizationId: string, version: string, create = false): Promise<Buffer> {
    const name = `${organizationId}#${version}`;
    const hit = this.cache.get(name);
    if (hit && hit.until > this.now()) return hit.key;
    const key = this.load(organizationId, version, create);
    this.cache.set(name, { key, until: this.now() + this.cacheMs });
    key.catch(() => {
      if (this.cache.get(name)?.key === key) this.cache.delete(name);
    });
    return key;
  }

  private async load(organizationId: string, version: string, create: boolean): Promise<Buffer> {
    const stored = await this.table.get<DataKeyItem>(keys.organizationDataKey(organizationId, version), { consistent: true });
    if (stored) return this.unwrap(organizationId, stored);
    if (!create) throw new Error(`organization ${organizationId} has no data key version ${version}`);
    return this.generate(organizationId, version);
  }

  private async unwrap(organizationId: string, stored: DataKeyItem): Promise<Buffer> {
    const out = await this.kms.send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(stored.wrapped_key, "base64"),
        KeyId: stored.kms_key_id,
        EncryptionContext: organizationKeyContext(organizationId),
      }),
    );
    if (!out.Plaintext) throw new Error("KMS returned no plaintext key");
    return Buffer.from(out.Plaintext);
  }

  /** Generates the key and stores it unless another container stored one first; then that one is used. */
  private async generate(organizationId: string, version: string): Promise<Buffer> {
    const out = await this.kms.send(
      new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: "AES_256", EncryptionContext: organizationKeyContext(organizationId) }),
    );
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error("KMS returned no data key");
    const item: DataKeyItem = { wrapped_key: Buffer.from(out.CiphertextBlob).toString("base64"), kms_key_id: out.KeyId ?? this.keyId };
    try {
      await this.table.put({
        Item: { ...keys.organizationDataKey(organizationId, version), entity: "data_key", ...item },
        ConditionExpression: "attribute_not_exists(pk)",
      });
      return Buffer.from(out.Plaintext);
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      return this.load(organizationId, version, false);
    }
  }
}
