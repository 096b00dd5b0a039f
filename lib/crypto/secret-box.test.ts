import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, fingerprintSecret } from "./secret-box.ts";

const key = randomBytes(32);
const secret = Buffer.from("whsec_correct horse battery staple");

describe("secret box", () => {
  it("round-trips a secret", () => {
    expect(decryptSecret(encryptSecret(secret, key, "cred-1"), key, "cred-1")).toEqual(secret);
  });

  it("does not contain the secret in clear", () => {
    expect(encryptSecret(secret, key, "cred-1").includes(secret)).toBe(false);
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret(secret, key, "cred-1")).not.toEqual(encryptSecret(secret, key, "cred-1"));
  });

  it("refuses a ciphertext moved to another credential", () => {
    expect(() => decryptSecret(encryptSecret(secret, key, "cred-1"), key, "cred-2")).toThrow();
  });

  it("refuses a tampered ciphertext", () => {
    const sealed = encryptSecret(secret, key, "cred-1");
    sealed[sealed.length - 1] ^= 1;
    expect(() => decryptSecret(sealed, key, "cred-1")).toThrow();
  });

  it("refuses another key", () => {
    expect(() => decryptSecret(encryptSecret(secret, key, "cred-1"), randomBytes(32), "cred-1")).toThrow();
  });

  it("fingerprints stably, per key, without revealing the secret", () => {
    const fingerprint = fingerprintSecret(secret, key);
    expect(fingerprint).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/);
    expect(fingerprintSecret(secret, key)).toBe(fingerprint);
    expect(fingerprintSecret(secret, randomBytes(32))).not.toBe(fingerprint);
  });
});
