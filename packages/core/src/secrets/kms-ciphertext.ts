// The formats of the KMS secrets adapter's ciphertexts, apart from the adapter so that telling an outdated one
// needs no AWS SDK: `kms2:<key version>:<sealed token>` under the organization's data key, and the former
// `kms1:<wrapped data key>:<sealed token>` with a KMS data key per token.
export const ORGANIZATION_KEYED = "kms2";
export const TOKEN_KEYED = "kms1";

/** True for a ciphertext in a format the adapter no longer writes: its reader re-encrypts it. */
export function kmsCiphertextOutdated(ciphertext: string): boolean {
  return !ciphertext.startsWith(`${ORGANIZATION_KEYED}:`);
}
