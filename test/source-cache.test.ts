import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabaseUrl } from "@/lib/config.ts";
import { closeDatabase, getPool, getPrisma } from "@/lib/db.ts";
import { closeSourceCache, currentCredentials, receivingSource } from "@/lib/ingest/source-cache.ts";
import { addSecret } from "@/lib/sources/add-secret.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { startTestDatabase, type TestDatabase } from "./helpers/test-database.ts";

// The receiver's in-memory sources (lib/ingest/source-cache.ts): served from memory while
// nothing changed, and never trusted past a change that any connection commits (the trigger's
// NOTIFY), a credential's expiry, or a lost LISTEN connection. "Served from memory" is shown
// by changing a row with triggers switched off for that one transaction: only the cache can
// then still answer with the old value.

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
  process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
  useDatabaseUrl(db.url);
});

afterAll(async () => {
  await closeSourceCache();
  await closeDatabase();
  await db?.destroy();
});

/** An UPDATE that fires no trigger, so no notification: what the cache cannot have heard of. */
async function silently(sql: string, values: unknown[]): Promise<void> {
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL session_replication_role = replica");
    await client.query(sql, values);
    await client.query("COMMIT");
  } finally {
    client.release();
  }
}

/** Looks the source up until `accept` holds (the cache starts listening, a notification lands). */
async function eventually<T>(look: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await look();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function cachedSource(slug: string) {
  // Cached once a lookup made while listening has stored it: a silent change no longer shows.
  const look = () => receivingSource(getPool(), slug);
  await eventually(look, () => false, 600);
  return look();
}

describe("the receiver's source cache", () => {
  it("answers from memory while nothing changed, and reads again after a committed change", async () => {
    const source = await createSource({ kind: "maskit", slug: "cached-camera", name: "Cached camera", secret: Buffer.from("whsec_cache-test-secret-one-000000") });
    expect((await cachedSource("cached-camera"))?.enabled).toBe(true);

    await silently("UPDATE sources SET enabled = false WHERE id = $1", [source.id]);
    expect((await receivingSource(getPool(), "cached-camera"))?.enabled).toBe(true); // from memory

    // The receiver's own per-commit update of last_matched_at does not empty the cache.
    await getPool().query("UPDATE credentials SET last_matched_at = now() WHERE source_id = $1", [source.id]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await receivingSource(getPool(), "cached-camera"))?.enabled).toBe(true);

    // Any other change, here a secret added by another connection, does.
    await addSecret(getPrisma(), { sourceId: source.id, secret: Buffer.from("whsec_cache-test-secret-two-000000"), label: "second" });
    const after = await eventually(() => receivingSource(getPool(), "cached-camera"), (value) => value?.enabled === false);
    expect(after).toMatchObject({ enabled: false, secrets: [expect.objectContaining({ label: "second" }), expect.objectContaining({ label: "initial secret" })] });
  });

  it("hands a receiver the credentials committed while its body was arriving", async () => {
    const source = await createSource({ kind: "maskit", slug: "rotating-camera", name: "Rotating", secret: Buffer.from("whsec_cache-test-secret-three-0000") });
    const atRequestStart = await cachedSource("rotating-camera");
    expect(await currentCredentials(getPool(), atRequestStart!)).toBe(atRequestStart); // nothing changed: the same object, no query

    await getPool().query("UPDATE credentials SET revoked_at = now() WHERE source_id = $1", [source.id]);
    const atBodyEnd = await eventually(() => currentCredentials(getPool(), atRequestStart!), (value) => value !== atRequestStart);
    expect(atBodyEnd.secrets).toEqual([]);
    expect(atBodyEnd.retired.secrets.map((secret) => secret.label)).toEqual(["initial secret"]);
  });

  it("stops using a credential at its expiry, which no notification announces", async () => {
    const source = await createSource({ kind: "maskit", slug: "expiring-camera", name: "Expiring", secret: Buffer.from("whsec_cache-test-secret-four-00000") });
    await getPool().query("UPDATE credentials SET expires_at = now() + interval '1500 milliseconds' WHERE source_id = $1", [source.id]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await cachedSource("expiring-camera"))?.secrets).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await receivingSource(getPool(), "expiring-camera"))?.secrets).toEqual([]);
  });

  it("does not trust memory while its LISTEN connection is lost, and recovers", async () => {
    const source = await createSource({ kind: "maskit", slug: "unheard-camera", name: "Unheard", secret: Buffer.from("whsec_cache-test-secret-five-00000") });
    await cachedSource("unheard-camera");
    await silently("UPDATE sources SET enabled = false WHERE id = $1", [source.id]);
    await getPool().query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN source_changes'");
    // No notification was sent for the change; only not trusting memory without LISTEN shows it.
    const seen = await eventually(() => receivingSource(getPool(), "unheard-camera"), (value) => value?.enabled === false);
    expect(seen?.enabled).toBe(false);

    // Listening again, it caches again.
    await cachedSource("unheard-camera");
    await silently("UPDATE sources SET enabled = true WHERE id = $1", [source.id]);
    expect((await receivingSource(getPool(), "unheard-camera"))?.enabled).toBe(false);
  });
});
