import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { getConfig } from "../config.ts";

// The key that encrypts shared secrets at rest. ENCRYPTION_KEY (32 bytes, base64 or hex) wins;
// otherwise one is generated once into DATA_DIR/encryption.key (mode 0600). Every instance that
// shares a database must use the same key, and losing it makes stored secrets unreadable.

const KEY_FILE = "encryption.key";
let cached: Promise<Buffer> | undefined;

export function getEncryptionKey(): Promise<Buffer> {
  cached ??= loadEncryptionKey().catch((error) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function loadEncryptionKey(): Promise<Buffer> {
  const { ENCRYPTION_KEY, dataDir } = getConfig();
  if (ENCRYPTION_KEY) return decodeKey(ENCRYPTION_KEY, "ENCRYPTION_KEY");
  const file = path.join(dataDir, KEY_FILE);
  try {
    return decodeKey((await readFile(file, "utf8")).trim(), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    // `wx` fails if another process created the file first; then theirs is the key.
    await writeFile(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    await chmod(file, 0o600);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return decodeKey((await readFile(file, "utf8")).trim(), file);
  }
}

function decodeKey(text: string, origin: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
  if (key.length !== 32) throw new Error(`${origin} must hold 32 bytes, base64 or hex encoded (got ${key.length})`);
  return key;
}
