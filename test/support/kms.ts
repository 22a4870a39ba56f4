// KMS as the secrets adapter meets it, for tests and benchmarks (KMS has no local emulator): aws-sdk-client-mock
// answers GenerateDataKey and Decrypt, enforcing what AWS enforces — a wrapped key opens only under the
// encryption context it was made with — and records every call.
import { randomBytes } from "node:crypto";
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";

export const KMS_KEY_ID = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-4000-8000-000000000001";

interface Wrapped {
  key: string;
  context: Record<string, string>;
}

const sameContext = (a: Record<string, string> = {}, b: Record<string, string> = {}) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** Wraps a key as this fake KMS would (what a `kms1` ciphertext written without a context holds). */
export function wrapKey(key: Buffer, context: Record<string, string> = {}): Buffer {
  return Buffer.from(JSON.stringify({ key: key.toString("base64"), context } satisfies Wrapped));
}

/** `fault` may return an error to throw instead of answering a Decrypt (a throttle, say). */
export function mockKms(options: { fault?: () => Error | undefined } = {}): AwsClientStub<KMSClient> {
  const kms = mockClient(KMSClient);
  kms.on(GenerateDataKeyCommand).callsFake((input: GenerateDataKeyCommand["input"]) => {
    if (input.KeySpec !== "AES_256") throw new Error("expected an AES_256 data key");
    const key = randomBytes(32);
    return { KeyId: KMS_KEY_ID, Plaintext: new Uint8Array(key), CiphertextBlob: new Uint8Array(wrapKey(key, input.EncryptionContext)) };
  });
  kms.on(DecryptCommand).callsFake((input: DecryptCommand["input"]) => {
    const fault = options.fault?.();
    if (fault) throw fault;
    const wrapped = JSON.parse(Buffer.from(input.CiphertextBlob!).toString("utf8")) as Wrapped;
    if (!sameContext(wrapped.context, input.EncryptionContext)) {
      throw Object.assign(new Error("InvalidCiphertextException"), { name: "InvalidCiphertextException" });
    }
    return { KeyId: KMS_KEY_ID, Plaintext: new Uint8Array(Buffer.from(wrapped.key, "base64")) };
  });
  return kms;
}
