import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Server } from "node:http";
import os from "node:os";
import path from "node:path";

// A real S3-protocol server for tests: s3rver, in this process, on 127.0.0.1, keeping its
// buckets in a temporary folder. Tests stop it to simulate an outage and start it again on the
// same port with the same objects. The only function exported: bench/lib/s3-server-child.ts
// takes the first function it finds here as the one that starts the server.

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** What points BLOB_STORE=s3 (s3StoreFromEnv, the app) at this server. */
  env: {
    S3_ENDPOINT: string;
    S3_BUCKET: string;
    S3_REGION: string;
    S3_FORCE_PATH_STYLE: string;
    AWS_ACCESS_KEY_ID: string;
    AWS_SECRET_ACCESS_KEY: string;
  };
  /** Closes the port and drops every open connection, as a crashed server would. */
  stop(): Promise<void>;
  /** Listens again on the same port, with the same buckets and objects. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

// s3rver ships no types; this is the part of it used here.
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  httpServer?: Server;
}
type S3rverClass = new (options: { address: string; port: number; silent: boolean; directory: string; configureBuckets: { name: string }[] }) => S3rverInstance;
const S3rver = createRequire(import.meta.url)("s3rver") as S3rverClass;

export async function startS3Server({ bucket = "webhook-inbox-test" }: { bucket?: string } = {}): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-s3-"));
  let port = 0;
  let running: S3rverInstance | undefined;

  async function start(): Promise<void> {
    if (running) return;
    // A new instance each time: a closed s3rver has closed its logger for good. The objects
    // are files in `directory`, so they are all there again.
    const server = new S3rver({ address: "127.0.0.1", port, silent: true, directory, configureBuckets: [{ name: bucket }] });
    ({ port } = await server.run());
    running = server;
  }

  async function stop(): Promise<void> {
    const httpServer = running?.httpServer;
    running = undefined;
    if (!httpServer) return;
    const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    // close() alone waits for kept-alive connections to end; an outage ends them now.
    httpServer.closeAllConnections();
    await closed;
  }

  await start();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    env: {
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: "us-east-1",
      S3_FORCE_PATH_STYLE: "1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
    },
    stop,
    start,
    async destroy() {
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
