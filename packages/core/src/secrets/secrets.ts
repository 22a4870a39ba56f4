// The secrets port: agent tokens are stored encrypted and decrypted only to call the agent.

/** What a ciphertext is bound to: it decrypts only for the same organization and server (AES-GCM additional data). */
export interface SecretBinding {
  organization_id: string;
  /** The server the secret belongs to, or another subject of the organization (`webhook#<id>` for a webhook's signing secret). */
  server_id: string;
}

export interface Secrets {
  encrypt(plaintext: string, binding: SecretBinding): Promise<string>;
  decrypt(ciphertext: string, binding: SecretBinding): Promise<string>;
  /** True for a ciphertext in a format `encrypt` no longer writes (unbound): the reader re-encrypts it. */
  outdated(ciphertext: string): boolean;
}
