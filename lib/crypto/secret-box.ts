import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

// AES-256-GCM for secrets at rest. The ciphertext is bound to its credential id (as associated
// data), so a row's ciphertext copied into another row does not decrypt.
// Layout: version (1 byte) | IV (12) | auth tag (16) | ciphertext.

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function encryptSecret(plaintext: Buffer, key: Buffer, credentialId: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(credentialId));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]);
}

export function decryptSecret(sealed: Uint8Array, key: Buffer, credentialId: string): Buffer {
  const box = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (box[0] !== VERSION) throw new Error(`unknown secret format version ${box[0]}`);
  const iv = box.subarray(1, 1 + IV_BYTES);
  const tag = box.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(Buffer.from(credentialId));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(box.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/**
 * A short identifier for a secret that is safe to show. Keyed, so that a pasted low-entropy
 * secret cannot be recovered from its fingerprint by guessing.
 */
export function fingerprintSecret(secret: Buffer, key: Buffer): string {
  const fingerprintKey = Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), "webhook-inbox secret fingerprint", 32));
  const digest = createHmac("sha256", fingerprintKey).update(secret).digest("hex").slice(0, 16);
  return digest.match(/.{4}/g)!.join(":");
}
