import { createHash } from "node:crypto";
import { getPool } from "@/lib/db.ts";
import { bufferBody } from "@/lib/storage/blob-store.ts";
import { getBlobWriter } from "@/lib/storage/configured-store.ts";
import { readBlobBuffer } from "@/lib/storage/read-blob.ts";

/** The bytes a blob row names, read from the installation's store (checked against their SHA-256). */
export async function readStoredBlob(blobId: string): Promise<Buffer> {
  const { rows } = await getPool().query<{ sha256: string }>("SELECT sha256 FROM blobs WHERE id = $1", [blobId]);
  if (!rows[0]) throw new Error(`no blob row ${blobId}`);
  return readBlobBuffer((await getBlobWriter()).store, rows[0].sha256);
}

/** Puts bytes in the installation's store under their SHA-256, as a writer would before its commit. */
export async function putBlob(bytes: Buffer): Promise<string> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  await (await getBlobWriter()).store.put([{ sha256, body: bufferBody(bytes) }]);
  return sha256;
}

/** How many of these SHA-256s the installation's store holds. */
export async function storedCount(sha256s: Iterable<string>): Promise<number> {
  const { store } = await getBlobWriter();
  const found = await Promise.all([...sha256s].map((sha) => store.stat(sha)));
  return found.filter(Boolean).length;
}

/** Every SHA-256 the store holds, and every one the blob rows name: the two must be equal. */
export async function storeAndRows(): Promise<{ stored: string[]; named: string[] }> {
  const { store } = await getBlobWriter();
  const stored: string[] = [];
  for await (const blob of store.list()) stored.push(blob.sha256);
  const { rows } = await getPool().query<{ sha256: string }>("SELECT DISTINCT sha256 FROM blobs ORDER BY sha256");
  return { stored: stored.sort(), named: rows.map((row) => row.sha256) };
}
