import { getEncryptionKey } from "../crypto/encryption-key.ts";
import { decryptSecret } from "../crypto/secret-box.ts";

/** The destination's `whsec_…` signing secret, decrypted only where a forward is signed. */
export async function openDestinationSecret(destinationId: string, ciphertext: Uint8Array): Promise<string> {
  return decryptSecret(ciphertext, await getEncryptionKey(), destinationId).toString();
}
