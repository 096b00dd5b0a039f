// Runs the local S3-compatible server of the tests (test/helpers/s3-server.ts, s3rver) as a
// process of its own for bench/ingest.ts: prints the environment that points webhook-inbox at
// it (BLOB_STORE=s3, S3_*, AWS_*) as one JSON line, and removes its bucket and files on SIGTERM.
import { startS3Server } from "../../test/helpers/s3-server.ts";

const server = await startS3Server({ bucket: "webhook-inbox-bench" });
console.log(JSON.stringify({ BLOB_STORE: "s3", ...server.env }));
process.on("SIGTERM", () => void server.destroy().finally(() => process.exit(0)));
