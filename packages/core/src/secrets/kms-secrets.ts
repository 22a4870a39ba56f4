// AWS secrets adapter: KMS envelope encryption (a data key per token, sealed by the KMS key).
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { KeyFileSecrets } from "./key-file-secrets.js";
import type { Secrets } from "./secrets.js";

const VERSION = "kms1";

export class KmsSecrets implements Secrets {
  constructor(
    private readonly keyId: string,
    private readonly kms: KMSClient = new KMSClient({}),
  ) {}

  async encrypt(plaintext: string): Promise<string> {
    const dataKey = await this.kms.send(new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: "AES_256" }));
    if (!dataKey.Plaintext || !dataKey.CiphertextBlob) throw new Error("KMS returned no data key");
    const sealed = await KeyFileSecrets.fromKey(Buffer.from(dataKey.Plaintext)).encrypt(plaintext);
    return `${VERSION}:${Buffer.from(dataKey.CiphertextBlob).toString("base64")}:${sealed}`;
  }

  async decrypt(ciphertext: string): Promise<string> {
    const [version, wrappedKey, sealed] = ciphertext.split(":");
    if (version !== VERSION || !wrappedKey || !sealed) throw new Error("unrecognised ciphertext");
    const dataKey = await this.kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(wrappedKey, "base64") }));
    if (!dataKey.Plaintext) throw new Error("KMS returned no plaintext key");
    return KeyFileSecrets.fromKey(Buffer.from(dataKey.Plaintext)).decrypt(sealed);
  }
}
