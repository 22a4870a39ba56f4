// The secrets port: agent tokens are stored encrypted and decrypted only to call the agent.

export interface Secrets {
  encrypt(plaintext: string): Promise<string>;
  decrypt(ciphertext: string): Promise<string>;
}
