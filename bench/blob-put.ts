// What the filesystem blob store's put() costs per blob, against two baselines in the same
// process on the same disk: the reference receiver's writeFileSync (no sync at all), and the
// least a crash-safe write can do with the same syscalls done synchronously in one go (write,
// fdatasync, rename, fsync of the folder). Batches of 8 unique 170 KB blobs, two batches in
// flight, as the group commit issues them under load. CPU is the whole process's (main thread,
// libuv's pool, worker threads), from process.cpuUsage().
// Usage: npx tsx bench/blob-put.ts [--batches 200]
import { randomBytes, createHash } from "node:crypto";
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { bufferBody, type BlobToPut } from "../lib/storage/blob-store.ts";
import { createFilesystemStore } from "../lib/storage/filesystem-store.ts";

const { values: options } = parseArgs({ options: { batches: { type: "string", default: "200" } } });
const BATCHES = Number(options.batches);
const BATCH = 8;
const root = await mkdtemp(path.join(process.env.BENCH_DIR ?? os.tmpdir(), "blob-put-"));
const image = randomBytes(170 * 1024);
let serial = 0;
const nextBlob = (): BlobToPut => {
  const bytes = Buffer.concat([image, Buffer.from(`blob-${serial++}`)]);
  return { sha256: createHash("sha256").update(bytes).digest("hex"), body: bufferBody(bytes) };
};
const fanOut = (dir: string, sha256: string) => path.join(dir, sha256.slice(0, 2), sha256.slice(2, 4));

type Put = (blobs: BlobToPut[]) => Promise<void>;
const variants: Record<string, Put> = {
  "writeFileSync, no sync (the reference receiver)": async (blobs) => {
    for (const { sha256, body } of blobs) {
      const folder = fanOut(path.join(root, "plain"), sha256);
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, sha256), await bytesOf(body));
    }
  },
  "sync syscalls, crash-safe (write, fdatasync, rename, folder fsync)": async (blobs) => {
    for (const { sha256, body } of blobs) {
      const folder = fanOut(path.join(root, "sync"), sha256);
      mkdirSync(folder, { recursive: true });
      const temporary = path.join(folder, `.tmp-${sha256}`);
      const fd = openSync(temporary, "w");
      writeSync(fd, await bytesOf(body));
      fdatasyncSync(fd);
      closeSync(fd);
      renameSync(temporary, path.join(folder, sha256));
      const dir = openSync(folder, "r");
      fsyncSync(dir);
      closeSync(dir);
    }
  },
};
const store = createFilesystemStore({ directory: path.join(root, "store") });
await store.open();
variants["webhook-inbox filesystem store put()"] = (blobs) => store.put(blobs);

try {
  console.log(`${BATCHES} batches of ${BATCH} blobs of 170 KB, 2 in flight, in ${root}`);
  for (const [name, put] of Object.entries(variants)) {
    await run(put, 20); // warm-up
    const started = performance.now();
    const cpu = process.cpuUsage();
    await run(put, BATCHES);
    const used = process.cpuUsage(cpu);
    const blobs = BATCHES * BATCH;
    const perBlob = (micros: number) => (micros / blobs / 1000).toFixed(3);
    console.log(
      `${name.padEnd(68)} CPU ${perBlob(used.user + used.system)} ms/blob (user ${perBlob(used.user)}, kernel ${perBlob(used.system)}), ${((performance.now() - started) / BATCHES).toFixed(2)} ms/batch`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

async function run(put: Put, batches: number): Promise<void> {
  let remaining = batches;
  await Promise.all(
    [0, 1].map(async () => {
      while (remaining-- > 0) await put(Array.from({ length: BATCH }, nextBlob));
    }),
  );
}

async function bytesOf(body: BlobToPut["body"]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body.chunks(body.size || 1)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
