import { generateKeyPairSync } from "node:crypto";
import { open, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { InputError } from "./collect-images.ts";
import { requiredString, UsageError } from "./options.ts";

// `send keygen`: a key pair to stand in for Eden AI's. The private key goes to a new file only
// its owner can read; the public key to a file beside it (`eden.pem` → `eden.pub.pem`), named on
// standard error, and to standard output, alone, so `> pub.pem` captures it too.

const ALLOWED_BITS = [2048, 3072, 4096];

export async function generateKeys(args: string[]): Promise<boolean> {
  const { values } = parseArgs({ args, strict: true, options: { out: { type: "string" }, bits: { type: "string" } } });
  const out = requiredString(values, "out");
  const bits = values.bits === undefined ? 2048 : Number(values.bits);
  if (!ALLOWED_BITS.includes(bits)) throw new UsageError(`--bits must be one of ${ALLOWED_BITS.join(", ")}`);

  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: bits,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  // "wx": never overwrite, since a replaced key silently breaks every source that trusts the old one.
  const file = await open(out, "wx", 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EEXIST") throw new InputError(`${out} already exists; it was left as it is (choose another --out)`);
    throw new InputError(`cannot create ${out}: ${error.code ?? error.message}`);
  });
  try {
    await file.writeFile(privateKey);
  } finally {
    await file.close();
  }
  const publicOut = publicKeyPath(out);
  await writeFile(publicOut, publicKey, { flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`wrote ${out}, but cannot create ${publicOut}: ${error.code ?? error.message} (the public key is printed below)`);
  });
  console.error(`wrote the ${bits}-bit RSA private key to ${out} (mode 0600) and its public key to ${publicOut}; the public key follows.`);
  console.error(`Trust it in a source: npm run cli -- source add --kind edenai --slug S --public-key-file ${publicOut}`);
  process.stdout.write(publicKey);
  return true;
}

/** `eden.pem` → `eden.pub.pem`; any other name gets `.pub.pem` appended. */
export function publicKeyPath(privateKeyPath: string): string {
  return privateKeyPath.endsWith(".pem") ? `${privateKeyPath.slice(0, -4)}.pub.pem` : `${privateKeyPath}.pub.pem`;
}
