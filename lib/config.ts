import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

// Every setting webhook-inbox reads from its environment; .env.example lists the same names.
const envSchema = z.object({
  PORT: z.coerce
    .number({ error: "must be a port number, 1-65535" })
    .int("must be a port number, 1-65535")
    .min(1, "must be a port number, 1-65535")
    .max(65535, "must be a port number, 1-65535")
    .default(3000),
  DATABASE_URL: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  /** JSON sources (Eden AI): job results are kilobytes, and a parsed body costs many times its size. */
  MAX_JSON_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024),
  /** Failed or rejected deliveries per source and minute whose body is kept in quarantine (per instance). */
  QUARANTINE_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(60),
  /** A request body that goes this long without a byte is cut off (slowloris). */
  BODY_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(60),
  /** How long parsing and verifying (or diagnosing) one JSON body may take in the worker thread. */
  JSON_ANALYSIS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Checked here, not when first used, so that a bad key stops the start rather than a sign-in later. */
  ENCRYPTION_KEY: z.string().refine(isEncryptionKey, "must be 32 bytes, base64 (openssl rand -base64 32) or 64 hex digits").optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Where bytes live (lib/storage): images, renditions, quarantined and raw bodies. */
  BLOB_STORE: z.enum(["filesystem", "s3", "postgres"], { error: "must be filesystem, s3 or postgres" }).default("filesystem"),
  BLOB_DIR: z.string().min(1).optional(),
  S3_BUCKET: z.string().min(3).optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_FORCE_PATH_STYLE: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((value) => value === "1" || value === "true"),
  S3_PREFIX: z.string().optional(),
  /** How often an open event stream checks that its token or session is still valid (revocation ends it). */
  EVENTS_AUTH_RECHECK_SECONDS: z.coerce.number().int().min(1).max(30).default(10),
  /** How often each instance looks for blobs that nothing references (one instance at a time). */
  BLOB_SWEEP_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(3600),
  /** The address operators reach the dashboard at, for links in alerts (no trailing slash needed). */
  PUBLIC_URL: z.url().optional(),
  /** Alerts (lib/alerts): the SMTP server email channels use unless they name their own, and the sender. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "an smtp:// or smtps:// URL")
    .optional(),
  ALERT_FROM: z.string().min(3).default("webhook-inbox <webhook-inbox@localhost>"),
  /** Fractions are allowed so that tests can run the alert loop quickly. */
  ALERT_INTERVAL_SECONDS: z.coerce.number().positive().max(86_400).default(60),
  ALERT_REPEAT_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(24),
  ALERT_SEND_TIMEOUT_SECONDS: z.coerce.number().positive().max(300).default(10),
  ALERT_RETRY_BASE_SECONDS: z.coerce.number().positive().max(86_400).default(30),
  ALERT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  /** Forwarding (lib/forwarding): loopback and private destination addresses (npm start and the CLI turn it on with the embedded database). */
  ALLOW_PRIVATE_DESTINATIONS: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((value) => value === "1" || value === "true"),
  /** Seconds before each attempt: the first, then after each failure (Standard Webhooks' schedule). */
  FORWARD_RETRY_SCHEDULE: z
    .string()
    .default("0,5,300,1800,7200,18000,36000,36000")
    .transform((text) => text.split(",").map((part) => Number(part.trim())))
    .refine((delays) => delays.length > 0 && delays.every((delay) => Number.isFinite(delay) && delay >= 0), "a comma-separated list of seconds"),
  FORWARD_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  /** Attempts one instance runs at once, and at most this many to one destination. */
  FORWARD_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(16),
  FORWARD_DESTINATION_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(8),
  /** A destination is paused after this many failed attempts in a row. */
  FORWARD_AUTO_PAUSE_FAILURES: z.coerce.number().int().min(1).max(10_000).default(20),
  /** How often an idle worker looks for retries that came due (new jobs arrive by LISTEN at once). */
  FORWARD_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** The receiver sends a verified delivery's forwards itself once it commits (lib/forwarding/hand-off.ts); 0: the queue's workers send every forward. */
  FORWARD_HAND_OFF: z
    .enum(["0", "1", "true", "false"])
    .default("1")
    .transform((value) => value === "1" || value === "true"),
  /** A forwarding job locked this long belongs to an instance that died; it is freed for the others. */
  FORWARD_LOCK_TIMEOUT_SECONDS: z.coerce.number().int().min(2).max(86_400).default(120),
});

export type Config = z.infer<typeof envSchema> & { dataDir: string; blobDir: string };

let cached: Config | undefined;

export function getConfig(): Config {
  if (cached) return cached;
  // An empty variable (`DATABASE_URL=` in a .env file) means "not set", as people expect.
  const present = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join("; ")}`);
  }
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  cached = { ...parsed.data, dataDir, blobDir: path.resolve(parsed.data.BLOB_DIR ?? path.join(dataDir, "blobs")) };
  return cached;
}

/**
 * Reads `.env` from the working folder, if there is one, into the environment (Node's own
 * parser). Variables already set win over the file, as with `node --env-file`; the processes
 * started from here inherit the result. Called first by `npm start` and `npm run cli`.
 */
export function loadEnvFile(file = ".env"): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/** Points this process (and its children) at a database chosen at start-up. */
export function useDatabaseUrl(url: string): void {
  process.env.DATABASE_URL = url;
  cached = undefined;
}

function isEncryptionKey(text: string): boolean {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return true;
  return /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) && Buffer.from(text, "base64").length === 32;
}
