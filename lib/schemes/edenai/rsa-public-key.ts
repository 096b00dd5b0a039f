import { createHash, createPublicKey, type KeyObject } from "node:crypto";

// The RSA public keys an Eden AI source verifies with: Eden AI's published one, and any an
// operator pastes, checked and fingerprinted here (the sources pages and the CLI use it).

/** Eden AI's published key (seed 004), the first credential of every new `edenai` source. */
export const EDENAI_PUBLISHED_PUBLIC_KEY = `-----BEGIN RSA PUBLIC KEY-----
MIIBigKCAYEA2fQneVfTrhkDdlvqs2ViT0tZ9PCkL0vHanZMc+6YyvvewIQRp1bH
8Q13gYDf0t/tCKhVJqnPQ7qXekhtBrC1uMAf/qDhUhkKB0w9Xt5DXbEZaxFQjrlD
SHwcWdhH+BOAVDxQvaDuWveS8/kEIuo8x/QLNOVTrUSKnjXnnqZ2k6OeD0WHv/6b
LqPjFxdwL+4hi0nw1O57IfW7Oqzcd5JFX1Aq8nU4N0P8PEetUl84LKCiiT801wKO
ksUJUtjGHqdtOqP4g0Vk0w5BtBDPVPyFeQNLpALTxeG2WUtNtOiZCl0757K6dY13
FYR86e7KUlQzaZhy2vBKtghi5Rf03puk8fTS8zuO5LSX9GmHxZ1aywIvx6kcjp52
S52/q6ZdXuTe+0DCxjoFCnJ3C/6cNphEpZggShdZUtJFo85ImMRAesD0+hjeHuhq
Guis/i1JOHzYcSpKVCaksujrscR+m7Id1XrF/DY4gF8hizGHsEcurP+A6epUblTD
tg/F0foYfitfAgMBAAE=
-----END RSA PUBLIC KEY-----
`;

export const MIN_RSA_BITS = 2048;

export interface RsaPublicKeyInfo {
  key: KeyObject;
  bits: number;
  /** Lowercase hex SHA-256 of the SPKI DER: the same for the PKCS#1 and SPKI PEM of one key. */
  fingerprint: string;
  /** The key re-exported as SPKI `PUBLIC KEY` PEM, whichever form was given. */
  pem: string;
}

/** Throws an Error fit to show the operator; it never quotes the input, which may be a private key. */
export function parseRsaPublicKey(pem: string): RsaPublicKeyInfo {
  const labels = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((match) => match[1]);
  // Checked first and on its own: createPublicKey would happily derive a public key from it.
  if (labels.some((label) => label.includes("PRIVATE KEY")) || /PRIVATE KEY-----/.test(pem)) {
    throw new Error("this is a private key: paste the RSA public key only (the private key was not kept)");
  }
  if (labels.length === 0) throw new Error(`not a PEM public key: expected a "-----BEGIN ${ACCEPTED_LABELS.join('-----" or "-----BEGIN ')}-----" block`);
  if (labels.length > 1) throw new Error(`expected one PEM block, found ${labels.length}`);
  if (!ACCEPTED_LABELS.includes(labels[0])) throw new Error(`a "${labels[0]}" PEM block is not accepted: expected ${ACCEPTED_LABELS.join(" or ")}`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch (cause) {
    throw new Error(`the ${labels[0]} block could not be decoded (damaged base64 or not a key)`, { cause });
  }
  if (key.asymmetricKeyType !== "rsa") throw new Error(`not an RSA key (${key.asymmetricKeyType ?? "unknown type"}); Eden AI signs with RSA`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new Error(`the RSA key is ${bits} bits; at least ${MIN_RSA_BITS} are required`);
  const spki = key.export({ type: "spki", format: "der" });
  return {
    key,
    bits,
    fingerprint: createHash("sha256").update(spki).digest("hex"),
    pem: key.export({ type: "spki", format: "pem" }).toString(),
  };
}

const ACCEPTED_LABELS = ["PUBLIC KEY", "RSA PUBLIC KEY"];
