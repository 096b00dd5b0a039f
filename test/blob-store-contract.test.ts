import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Spool } from "@/lib/ingest/spool.ts";
import {
  BlobNotFoundError,
  BlobStoreConfigError,
  bufferBody,
  type BlobBody,
  type BlobDriver,
  type BlobStore,
  type BlobToPut,
} from "@/lib/storage/blob-store.ts";
import { createFilesystemStore } from "@/lib/storage/filesystem-store.ts";
import { createPostgresStore } from "@/lib/storage/postgres-store.ts";
import { createS3Store, s3StoreFromEnv } from "@/lib/storage/s3-store.ts";
import { StorageUnavailableError } from "@/lib/storage/storage-errors.ts";
import { startS3Server, type S3TestServer } from "./helpers/s3-server.ts";
import { startTestDatabase } from "./helpers/test-database.ts";

// What every blob store driver promises (lib/storage/blob-store.ts), checked against each one
// on a real backend: a temporary folder, an embedded PostgreSQL, an in-process S3 server.

interface Backend {
  store: BlobStore;
  teardown(): Promise<void>;
}

const backends: { driver: BlobDriver; start(): Promise<Backend> }[] = [
  {
    driver: "filesystem",
    async start() {
      const directory = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-blobs-"));
      const store = createFilesystemStore({ directory });
      return {
        store,
        teardown: async () => {
          await store.close();
          await rm(directory, { recursive: true, force: true });
        },
      };
    },
  },
  {
    driver: "postgres",
    async start() {
      const database = await startTestDatabase();
      const pool = new pg.Pool({ connectionString: database.url, max: 10 });
      // Connections still closing when the cluster stops at the end report it here, harmlessly.
      pool.on("error", () => {});
      const store = createPostgresStore(pool);
      return {
        store,
        teardown: async () => {
          await store.close();
          await pool.end();
          await database.destroy();
        },
      };
    },
  },
  {
    driver: "s3",
    async start() {
      const server = await startS3Server();
      const store = s3StoreFromEnv(server.env);
      return {
        store,
        teardown: async () => {
          await store.close();
          await server.destroy();
        },
      };
    },
  },
];

// Spools of the file-backed bodies, in one folder removed at the end.
const spoolDir = path.join(os.tmpdir(), `webhook-inbox-contract-spools-${process.pid}`);
afterAll(() => rm(spoolDir, { recursive: true, force: true }));

describe.each(backends)("the $driver blob store", ({ driver, start }) => {
  let backend: Backend;
  let store: BlobStore;

  beforeAll(async () => {
    backend = await start();
    store = backend.store;
    expect(await store.open()).toBeTruthy();
  });
  afterAll(() => backend?.teardown());

  it("names its driver", () => {
    expect(store.driver).toBe(driver);
  });

  it("reads back a small in-memory body byte for byte", async () => {
    const { bytes, blob } = randomBlob(1000);
    await store.put([blob]);
    expectBytes(await readAll(await store.get(blob.sha256)), bytes);
  });

  it("reads back a 3 MiB body spooled to a file byte for byte", async () => {
    const { bytes, blob, spool } = await spooledBlob(3 * 1024 * 1024 + 123);
    try {
      expect(blob.body.filePath()).toBeTruthy();
      await store.put([blob]);
    } finally {
      await spool.dispose();
    }
    expectBytes(await readAll(await store.get(blob.sha256)), bytes);
    expect((await store.stat(blob.sha256))?.size).toBe(bytes.length);
    // A driver's whole-blob read, where it has one, gives the same bytes.
    if (store.getBuffer) expectBytes(await store.getBuffer(blob.sha256), bytes);
  });

  it("reads an inclusive byte range: the first byte, the middle, the last byte", async () => {
    const { bytes, blob } = randomBlob(10_000);
    await store.put([blob]);
    const range = async (start: number, end: number) => readAll(await store.get(blob.sha256, { start, end }));
    expect(await range(0, 0)).toEqual(bytes.subarray(0, 1));
    expect(await range(1234, 5678)).toEqual(bytes.subarray(1234, 5679));
    expect(await range(9999, 9999)).toEqual(bytes.subarray(9999));
    expect(await range(0, 9999)).toEqual(bytes);
  });

  it("reads a range across the 1 MiB boundaries of a large blob", async () => {
    const { bytes, blob } = randomBlob(2 * 1024 * 1024 + 500);
    await store.put([blob]);
    const start = 1024 * 1024 - 7;
    const end = 2 * 1024 * 1024 + 7;
    expectBytes(await readAll(await store.get(blob.sha256, { start, end })), bytes.subarray(start, end + 1));
  });

  it("clamps a range that reaches past the end to the last byte, as HTTP does", async () => {
    const { bytes, blob } = randomBlob(100);
    await store.put([blob]);
    expectBytes(await readAll(await store.get(blob.sha256, { start: 90, end: 10_000 })), bytes.subarray(90));
  });

  it("states a blob's size and when it was written; null for a missing blob", async () => {
    const { blob } = randomBlob(4321);
    const before = Date.now();
    await store.put([blob]);
    const found = await store.stat(blob.sha256);
    expect(found?.size).toBe(4321);
    // S3 keeps whole seconds; a second of slack either side.
    expect(found!.modifiedAt.getTime()).toBeGreaterThanOrEqual(before - 2_000);
    expect(found!.modifiedAt.getTime()).toBeLessThanOrEqual(Date.now() + 2_000);
    expect(await store.stat(randomBlob(1).blob.sha256)).toBeNull();
  });

  it("refuses to get a missing blob with BlobNotFoundError", async () => {
    const { sha256 } = randomBlob(10).blob;
    await expect(store.get(sha256)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.get(sha256, { start: 0, end: 0 })).rejects.toBeInstanceOf(BlobNotFoundError);
    if (store.getBuffer) await expect(store.getBuffer(sha256)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it("deletes a blob, and deleting a missing one is no error", async () => {
    const { blob } = randomBlob(2000);
    await store.put([blob]);
    await store.delete(blob.sha256);
    expect(await store.stat(blob.sha256)).toBeNull();
    await expect(store.get(blob.sha256)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.delete(blob.sha256)).resolves.toBeUndefined();
    await expect(store.delete(randomBlob(5).blob.sha256)).resolves.toBeUndefined();
  });

  it("takes the same blob twice without complaint", async () => {
    const { bytes, blob } = randomBlob(5000);
    await store.put([blob]);
    await store.put([{ sha256: blob.sha256, body: bufferBody(Buffer.from(bytes)) }]);
    expect((await store.stat(blob.sha256))?.size).toBe(5000);
    expectBytes(await readAll(await store.get(blob.sha256)), bytes);
  });

  it("takes eight concurrent puts of one blob, all resolving, with the bytes intact", async () => {
    const { bytes, blob } = randomBlob(300_000);
    await Promise.all(Array.from({ length: 8 }, () => store.put([{ sha256: blob.sha256, body: bufferBody(Buffer.from(bytes)) }])));
    expectBytes(await readAll(await store.get(blob.sha256)), bytes);
    expect((await store.stat(blob.sha256))?.size).toBe(bytes.length);
    // A driver's whole-blob read, where it has one, gives the same bytes.
    if (store.getBuffer) expectBytes(await store.getBuffer(blob.sha256), bytes);
  });

  it("puts several blobs in one call, a repeated one among them", async () => {
    const blobs = [randomBlob(10), randomBlob(20_000), randomBlob(0), randomBlob(1_500_000), randomBlob(777)];
    await store.put([...blobs.map(({ blob }) => blob), blobs[1].blob]);
    for (const { bytes, blob } of blobs) expectBytes(await readAll(await store.get(blob.sha256)), bytes);
  });

  it("lists what was put, with sizes", async () => {
    const blobs = [randomBlob(11), randomBlob(22), randomBlob(33)];
    await store.put(blobs.map(({ blob }) => blob));
    const listed = new Map<string, number>();
    for await (const { sha256, size, modifiedAt } of store.list()) {
      expect(modifiedAt).toBeInstanceOf(Date);
      listed.set(sha256, size);
    }
    for (const { bytes, blob } of blobs) expect(listed.get(blob.sha256)).toBe(bytes.length);
    await store.delete(blobs[0].blob.sha256);
    const after: string[] = [];
    for await (const { sha256 } of store.list()) after.push(sha256);
    expect(after).not.toContain(blobs[0].blob.sha256);
    expect(after).toContain(blobs[1].blob.sha256);
  });
});

describe("the s3 blob store, beyond the contract", () => {
  let server: S3TestServer;
  let store: BlobStore;

  beforeAll(async () => {
    server = await startS3Server({ bucket: "outage-test" });
    store = s3StoreFromEnv(server.env);
    await store.open();
  });
  afterAll(async () => {
    await store?.close();
    await server?.destroy();
  });

  it("sends a body above 8 MiB as a multipart upload and reads it back", async () => {
    const { bytes, blob, spool } = await spooledBlob(9 * 1024 * 1024 + 5);
    try {
      await store.put([blob]);
    } finally {
      await spool.dispose();
    }
    expectBytes(await readAll(await store.get(blob.sha256)), bytes);
    expectBytes(
      await readAll(await store.get(blob.sha256, { start: 8 * 1024 * 1024 - 2, end: 8 * 1024 * 1024 + 2 })),
      bytes.subarray(8 * 1024 * 1024 - 2, 8 * 1024 * 1024 + 3),
    );
  });

  it("answers StorageUnavailableError within seconds while the server is stopped, and works again once it is back", async () => {
    const kept = randomBlob(50_000);
    await store.put([kept.blob]);
    await server.stop();
    try {
      const fresh = randomBlob(60_000);
      for (const attempt of [
        () => store.put([fresh.blob]),
        () => store.get(kept.blob.sha256),
        () => store.stat(kept.blob.sha256),
        () => store.delete(kept.blob.sha256),
      ]) {
        const started = Date.now();
        const error = await attempt().then(
          () => null,
          (failure: unknown) => failure,
        );
        expect(error).toBeInstanceOf(StorageUnavailableError);
        expect((error as Error).message).toMatch(/s3 blob store/);
        expect(Date.now() - started).toBeLessThan(5_000);
      }
      await expect(collect(store.list())).rejects.toBeInstanceOf(StorageUnavailableError);
    } finally {
      await server.start();
    }
    const fresh = randomBlob(70_000);
    await store.put([fresh.blob]);
    expectBytes(await readAll(await store.get(fresh.blob.sha256)), fresh.bytes);
    expectBytes(await readAll(await store.get(kept.blob.sha256)), kept.bytes);
  });

  it("open() names S3_BUCKET when the bucket does not exist", async () => {
    const missing = s3StoreFromEnv({ ...server.env, S3_BUCKET: "no-such-bucket" });
    try {
      const error = await missing.open().catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(BlobStoreConfigError);
      expect((error as Error).message).toMatch(/S3_BUCKET=no-such-bucket/);
    } finally {
      await missing.close();
    }
  });

  it("open() names the AWS credentials when the server refuses them", async () => {
    const refused = s3StoreFromEnv({ ...server.env, AWS_ACCESS_KEY_ID: "NOT-A-KEY", AWS_SECRET_ACCESS_KEY: "wrong" });
    try {
      const error = await refused.open().catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(BlobStoreConfigError);
      expect((error as Error).message).toMatch(/AWS_ACCESS_KEY_ID/);
    } finally {
      await refused.close();
    }
  });

  it("open() names S3_ENDPOINT when nothing listens there", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const nowhere = s3StoreFromEnv({ ...server.env, S3_ENDPOINT: endpoint });
    try {
      const error = await nowhere.open().catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(BlobStoreConfigError);
      expect((error as Error).message).toContain(`S3_ENDPOINT=${endpoint}`);
    } finally {
      await nowhere.close();
    }
  });

  it("needs S3_BUCKET", () => {
    expect(() => s3StoreFromEnv({ S3_ENDPOINT: server.endpoint })).toThrow(BlobStoreConfigError);
    expect(() => s3StoreFromEnv({ S3_ENDPOINT: server.endpoint })).toThrow(/S3_BUCKET/);
  });

  it("keeps stores with different prefixes in one bucket apart, and names the prefix in its identity", async () => {
    const credentials = { accessKeyId: server.env.AWS_ACCESS_KEY_ID, secretAccessKey: server.env.AWS_SECRET_ACCESS_KEY };
    const tenant = (prefix: string) => createS3Store({ bucket: server.bucket, endpoint: server.endpoint, forcePathStyle: true, prefix, credentials });
    const [a, b] = [tenant("tenant-a"), tenant("tenant-b/")];
    try {
      expect(await a.open()).toBe(`s3:${server.endpoint}/${server.bucket}/tenant-a/`);
      expect(await b.open()).toBe(`s3:${server.endpoint}/${server.bucket}/tenant-b/`);
      const { blob } = randomBlob(64);
      await a.put([blob]);
      expect(await b.stat(blob.sha256)).toBeNull();
      expect((await collect(a.list())).map((listed) => listed.sha256)).toEqual([blob.sha256]);
      expect(await collect(b.list())).toEqual([]);
      // The unprefixed store of the other tests does not see it either.
      expect(await store.stat(blob.sha256)).toBeNull();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

function randomBlob(size: number): { bytes: Buffer; blob: BlobToPut } {
  const bytes = randomBytes(size);
  return { bytes, blob: { sha256: sha256Of(bytes), body: bufferBody(bytes) } };
}

/** A body backed by a file, as a large upload is: a Spool past its (small) memory limit. */
async function spooledBlob(size: number): Promise<{ bytes: Buffer; blob: BlobToPut; spool: Spool }> {
  const bytes = randomBytes(size);
  const spool = new Spool(spoolDir, 64 * 1024);
  for (let offset = 0; offset < size; offset += 100_000) await spool.write(bytes.subarray(offset, offset + 100_000));
  const body: BlobBody = spool;
  return { bytes, blob: { sha256: sha256Of(bytes), body }, spool };
}

function sha256Of(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Byte-exact, with a failure that says where (toEqual on megabytes is slow and unreadable). */
function expectBytes(actual: Buffer, expected: Buffer): void {
  let firstDifference = -1;
  if (!actual.equals(expected)) {
    firstDifference = Math.min(actual.length, expected.length);
    for (let i = 0; i < firstDifference; i++) if (actual[i] !== expected[i]) firstDifference = i;
  }
  expect({ length: actual.length, firstDifference }).toEqual({ length: expected.length, firstDifference: -1 });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** A port nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}
