import { generateKeyPairSync } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "@/lib/auth/sessions.ts";
import { getPool, getPrisma } from "@/lib/db.ts";
import { RETENTION_LOCK_KEY, runRetentionPurge, type RetentionPurgeOptions } from "@/lib/retention/run-retention-purge.ts";
import { signEdenaiDelivery } from "@/lib/senders/sign-edenai.ts";
import { signMaskitDelivery } from "@/lib/senders/sign-maskit.ts";
import { getRetentionSettings } from "@/lib/settings/get-retention-settings.ts";
import { setRetentionSettings } from "@/lib/settings/set-retention-settings.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { createUser } from "@/lib/users/create-user.ts";
import { storeAndRows } from "./helpers/blobs.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg, makePng } from "./helpers/images.ts";
import { callServerAction, listServerActions } from "./helpers/server-actions.ts";

// Retention: deliveries posted for real (signed, through the built app), then aged with SQL;
// a purge at a given "now" must remove exactly the expired quarantined bodies and images with
// their blobs, keep everything newer and every delivery row, and write one audit entry. The
// app's own job (every 2 s here) is checked last; until then the stored settings say "keep
// forever", so it has nothing to do while the tests call the purge themselves.

const SECRET = "whsec_retention-test-secret-0123456789";
const eden = generateKeyPairSync("rsa", { modulusLength: 2048 });
let env: TestEnvironment;
let cookies: { admin: string; viewer: string };

beforeAll(async () => {
  env = await startTestEnvironment({ RETENTION_INTERVAL_SECONDS: "2" });
  await createSource({ kind: "maskit", slug: "cam", name: "Camera", secret: Buffer.from(SECRET) });
  await createSource({ kind: "edenai", slug: "eden", publicKeyPems: [eden.publicKey.export({ type: "pkcs1", format: "pem" }).toString()] });
  const admin = await createUser({ email: "retention-admin@example.com", role: "admin", password: "a long enough password" });
  const viewer = await createUser({ email: "retention-viewer@example.com", role: "viewer", password: "a long enough password" });
  cookies = {
    admin: `webhook_inbox_session=${(await createSession(admin.id)).token}`,
    viewer: `webhook_inbox_session=${(await createSession(viewer.id)).token}`,
  };
});

afterAll(async () => {
  await env?.close();
});

async function postMaskit(image: Buffer, metadata: string, options: { isTampered?: boolean } = {}): Promise<string> {
  const signed = signMaskitDelivery({ image, mimeType: "image/jpeg", fileName: "a.jpg", metadata, secret: SECRET, isTampered: options.isTampered });
  const response = await env.post("cam", signed.body, signed.headers);
  expect(response.status).toBe(options.isTampered ? 401 : 200);
  return ((await response.json()) as { id: string }).id;
}

async function postEden(image: Buffer, jobId: string): Promise<string> {
  const payloadText = JSON.stringify({
    job_id: jobId,
    status: "success",
    feature: "image",
    subfeature: "generation",
    output: { items: [{ image: image.toString("base64") }] },
  });
  const signed = signEdenaiDelivery({ payloadText, form: "sorted-utf8", privateKey: eden.privateKey });
  const response = await env.post("eden", signed.body, signed.headers);
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

/** Moves a delivery back in time, and its images' first storage with it when that is later. */
async function age(deliveryId: string, days: number): Promise<void> {
  await getPool().query("UPDATE deliveries SET received_at = now() - make_interval(days => $2) WHERE id = $1", [deliveryId, days]);
  await getPool().query(
    `UPDATE images i SET created_at = d.received_at FROM delivery_images di JOIN deliveries d ON d.id = di.delivery_id
      WHERE di.delivery_id = $1 AND di.image_id = i.id AND i.created_at > d.received_at`,
    [deliveryId],
  );
}

async function imageOf(deliveryId: string): Promise<{ imageId: string; blobId: string }> {
  const { rows } = await getPool().query<{ image_id: string; blob_id: string }>(
    "SELECT di.image_id, i.blob_id FROM delivery_images di JOIN images i ON i.id = di.image_id WHERE di.delivery_id = $1 ORDER BY position LIMIT 1",
    [deliveryId],
  );
  return { imageId: rows[0].image_id, blobId: rows[0].blob_id };
}

async function counts() {
  const { rows } = await getPool().query(`
    SELECT (SELECT count(*)::int FROM deliveries) AS deliveries, (SELECT count(*)::int FROM quarantined_bodies) AS quarantined,
           (SELECT count(*)::int FROM images) AS images, (SELECT count(*)::int FROM renditions WHERE kind = 'thumbnail') AS thumbnails,
           (SELECT count(*)::int FROM delivery_images) AS links, (SELECT count(*)::int FROM blobs) AS blobs,
           (SELECT count(*)::int FROM audit_events WHERE action = 'retention.purge') AS purges`);
  const { stored, named } = await storeAndRows();
  // The store holds exactly the bytes that rows name: nothing missing, nothing left over.
  expect(stored).toEqual(named);
  return { ...rows[0], stored: stored.length } as Record<string, number>;
}

/** Waits until the app has made the thumbnails of every stored image (it does so after commit). */
async function thumbnailsMade(): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { rows } = await getPool().query<{ missing: number }>(
      "SELECT count(*)::int AS missing FROM images i WHERE NOT EXISTS (SELECT 1 FROM renditions r WHERE r.image_id = i.id AND r.kind = 'thumbnail')",
    );
    if (rows[0].missing === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("thumbnails were not made");
}

/** The purge, retried while the app's own job holds the lock for its (empty) turn. */
async function purge(options: RetentionPurgeOptions) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const result = await runRetentionPurge(options);
    if (result.status === "done") return result;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the retention lock stayed taken");
}

describe("retention purge", () => {
  it("removes exactly the expired quarantined bodies and images, with their blobs, and keeps every delivery", async () => {
    const [oldPhoto, sharedPhoto, newPhoto, edenPng] = await Promise.all([
      makeJpeg(640, 480, { seed: 1 }),
      makeJpeg(640, 480, { seed: 2 }),
      makeJpeg(640, 480, { seed: 3 }),
      makePng(96, 64),
    ]);
    const oldDelivery = await postMaskit(oldPhoto, "old, alone");
    const oldShared = await postMaskit(sharedPhoto, "old, shared");
    const newShared = await postMaskit(sharedPhoto, "new, same image");
    const newDelivery = await postMaskit(newPhoto, "new");
    const oldFailed = await postMaskit(newPhoto, "old, failed", { isTampered: true });
    const newFailed = await postMaskit(oldPhoto, "new, failed", { isTampered: true });
    const oldEden = await postEden(edenPng, "old-job");
    for (const id of [oldDelivery, oldShared, oldFailed, oldEden]) await age(id, 40);
    await age(newShared, 1);
    await age(newFailed, 1);
    await thumbnailsMade();

    const expiredImage = await imageOf(oldDelivery);
    const expiredEdenImage = await imageOf(oldEden);
    const sharedImage = await imageOf(oldShared);
    const { rows: expected } = await getPool().query<{ bytes: string; stored: number }>(
      `SELECT sum(b.byte_size)::text AS bytes, count(DISTINCT b.sha256)::int AS stored FROM blobs b
        WHERE b.id = ANY($1::uuid[]) OR b.id IN (SELECT blob_id FROM renditions WHERE image_id = ANY($2::uuid[]))`,
      [
        [expiredImage.blobId, expiredEdenImage.blobId, ...(await blobIdsOf(oldFailed, oldEden))],
        [expiredImage.imageId, expiredEdenImage.imageId],
      ],
    );
    const before = await counts();
    const now = new Date();

    const result = await purge({ now, retention: { quarantineDays: 30, imageDays: 30 }, batchSize: 1 });
    expect(result).toMatchObject({
      status: "done",
      quarantine: { bodies: 1 },
      images: { images: 2, thumbnails: 2, deliveries: 2, rawBodies: 1 },
      bytesFreed: Number(expected[0].bytes),
    });

    const after = await counts();
    expect(after).toEqual({
      ...before,
      quarantined: before.quarantined - 1,
      images: before.images - 2,
      thumbnails: before.thumbnails - 2,
      links: before.links - 2,
      // Two images, their two thumbnails, one quarantined body, one Eden AI raw body.
      blobs: before.blobs - 6,
      stored: before.stored - expected[0].stored,
      purges: before.purges + 1,
    });
    expect(after.deliveries).toBe(before.deliveries);

    const rows = await getPrisma().delivery.findMany({
      where: { id: { in: [oldDelivery, oldShared, newShared, newDelivery, oldFailed, newFailed, oldEden] } },
      select: {
        id: true,
        status: true,
        reason: true,
        imageId: true,
        rawBodyBlobId: true,
        purgedAt: true,
        bodySha256: true,
        quarantine: { select: { blobId: true } },
      },
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(oldDelivery)).toMatchObject({ status: "verified", imageId: null, purgedAt: now });
    expect(byId.get(oldEden)).toMatchObject({ status: "verified", imageId: null, rawBodyBlobId: null, purgedAt: now });
    // Shared with a delivery inside the period: kept, for both.
    expect(byId.get(oldShared)).toMatchObject({ imageId: sharedImage.imageId, purgedAt: null });
    expect(byId.get(newShared)).toMatchObject({ imageId: sharedImage.imageId, purgedAt: null });
    expect(byId.get(newDelivery)?.imageId).not.toBeNull();
    // The failed delivery stays in the log with its reason and hash; only its body is gone.
    expect(byId.get(oldFailed)).toMatchObject({ status: "failed", quarantine: null, purgedAt: now, bodySha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(byId.get(oldFailed)?.reason).toBeTruthy();
    expect(byId.get(newFailed)).toMatchObject({ status: "failed", quarantine: { blobId: expect.any(String) }, purgedAt: null });
    // The API no longer serves the image, and the delivery still answers.
    expect((await env.api(`/api/images/${expiredImage.imageId}`)).status).toBe(404);
    expect((await env.api(`/api/deliveries/${oldDelivery}`)).status).toBe(200);

    const audit = await getPrisma().auditEvent.findFirstOrThrow({ where: { action: "retention.purge" }, orderBy: { at: "desc" } });
    expect(audit).toMatchObject({
      actorKind: "system",
      detail: {
        quarantinedBodies: 1,
        images: 2,
        thumbnails: 2,
        rawBodies: 1,
        bytesFreed: result.status === "done" ? result.bytesFreed : -1,
        quarantineDays: 30,
        imageDays: 30,
      },
    });

    // Nothing left to remove: no second entry.
    const again = await purge({ now, retention: { quarantineDays: 30, imageDays: 30 } });
    expect(again).toMatchObject({ quarantine: { bodies: 0 }, images: { images: 0 }, bytesFreed: 0 });
    expect((await counts()).purges).toBe(after.purges);
  });

  it("keeps everything with keep forever, and under a longer period", async () => {
    const before = await counts();
    expect(await purge({ retention: { quarantineDays: null, imageDays: null } })).toMatchObject({ bytesFreed: 0 });
    expect(await purge({ retention: { quarantineDays: 3650, imageDays: 3650 } })).toMatchObject({ bytesFreed: 0 });
    expect(await counts()).toEqual(before);
  });

  it("lets one instance at a time purge: another holding the lock makes it skip", async () => {
    const other = new pg.Client({ connectionString: env.db.url });
    await other.connect();
    try {
      // Wait for the app's own job to let go, then hold the lock as another instance would.
      for (;;) {
        const { rows } = await other.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [RETENTION_LOCK_KEY]);
        if (rows[0].locked) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await runRetentionPurge({ retention: { quarantineDays: 1, imageDays: 1 } })).toEqual({ status: "busy" });
    } finally {
      await other.end();
    }
  });
});

describe("retention settings", () => {
  it("are saved by an admin with an audit entry, and refused out of range or to a viewer", async () => {
    expect(await getRetentionSettings()).toEqual({ quarantineDays: null, imageDays: null });
    const refused: Array<Record<string, string>> = [
      { quarantineMode: "days", quarantineDays: "0", imageMode: "forever" },
      { quarantineMode: "days", quarantineDays: "3651", imageMode: "forever" },
      { quarantineMode: "days", quarantineDays: "2.5", imageMode: "forever" },
      { quarantineMode: "forever", imageMode: "days", imageDays: "" },
      { quarantineMode: "sometimes", imageMode: "forever" },
    ];
    for (const fields of refused) {
      expect(await saveRetention(cookies.admin, fields), JSON.stringify(fields)).toMatch(
        /at least 1 day|At most 3650 days|whole number|number of days|keep forever/,
      );
    }
    expect(await saveRetention(cookies.viewer, { quarantineMode: "days", quarantineDays: "7", imageMode: "days", imageDays: "7" })).toMatch(/admin role/i);
    expect(await getRetentionSettings()).toEqual({ quarantineDays: null, imageDays: null });
    expect(await getPrisma().auditEvent.count({ where: { action: "settings.retention" } })).toBe(0);
    await expect(setRetentionSettings({ actor: { kind: "system", name: "test" }, quarantineDays: 0, imageDays: null })).rejects.toThrow();

    expect(await saveRetention(cookies.admin, { quarantineMode: "days", quarantineDays: "30", imageMode: "forever", imageDays: "30" })).toContain("Saved.");
    expect(await getRetentionSettings()).toEqual({ quarantineDays: 30, imageDays: null });
    const audit = await getPrisma().auditEvent.findFirstOrThrow({ where: { action: "settings.retention" } });
    expect(audit).toMatchObject({
      actorName: "retention-admin@example.com",
      detail: { from: { quarantineDays: null, imageDays: null }, to: { quarantineDays: 30, imageDays: null } },
    });
    expect(await saveRetention(cookies.admin, { quarantineMode: "days", quarantineDays: "30", imageMode: "forever" })).toContain("Unchanged.");
    expect(await getPrisma().auditEvent.count({ where: { action: "settings.retention" } })).toBe(1);

    const html = await (await fetch(`${env.app.baseUrl}/settings`, { headers: { cookie: cookies.admin } })).text();
    expect(html).toContain('name="quarantineDays"');
    expect(html).toMatch(/value="30"/);
    // The last purge is the first test's, made before the settings existed.
    expect(
      html
        .replace(/<!-- -->/g, "")
        .replace(/<[^>]+>/g, "")
        .replace(/\s+/g, " "),
    ).toMatch(/removed 1 quarantined body and 2 images \(\d+ KB\)/);
    const denied = await fetch(`${env.app.baseUrl}/settings`, { headers: { cookie: cookies.viewer }, redirect: "manual" });
    expect(denied.headers.get("location")).toContain("/gallery?denied=admin");
  });

  it("are applied by the app's own periodic job, which records its run", async () => {
    // Saved as 30 days for quarantine above; this delivery's body is 40 days old.
    const expired = await postMaskit(await makeJpeg(64, 48, { seed: 9 }), "expired for the job", { isTampered: true });
    await age(expired, 40);
    const purgesBefore = (await counts()).purges;
    // The run's audit entry is written once its batches are done, just after the row is marked.
    const purgeCount = () => getPrisma().auditEvent.count({ where: { action: "retention.purge" } });
    for (let attempt = 0; attempt < 100; attempt++) {
      const row = await getPrisma().delivery.findUniqueOrThrow({ where: { id: expired }, select: { purgedAt: true, quarantine: true } });
      if (row.purgedAt && (await purgeCount()) > purgesBefore) {
        expect(row.quarantine).toBeNull();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect((await getPrisma().delivery.findUniqueOrThrow({ where: { id: expired } })).purgedAt).not.toBeNull();
    expect((await counts()).purges).toBe(purgesBefore + 1);
    const audit = await getPrisma().auditEvent.findFirstOrThrow({ where: { action: "retention.purge" }, orderBy: { at: "desc" } });
    expect(audit).toMatchObject({
      actorKind: "system",
      actorName: "webhook-inbox",
      detail: { quarantinedBodies: 1, images: 0, quarantineDays: 30, imageDays: null },
    });
  });
});

async function blobIdsOf(...deliveryIds: string[]): Promise<string[]> {
  const { rows } = await getPool().query<{ id: string }>(
    `SELECT blob_id AS id FROM quarantined_bodies WHERE delivery_id = ANY($1::uuid[])
     UNION ALL SELECT raw_body_blob_id FROM deliveries WHERE id = ANY($1::uuid[]) AND raw_body_blob_id IS NOT NULL`,
    [deliveryIds],
  );
  return rows.map((row) => row.id);
}

async function saveRetention(cookie: string, fields: Record<string, string>): Promise<string> {
  const action = listServerActions().find((candidate) => candidate.name === "saveRetentionAction")!;
  const response = await callServerAction({
    baseUrl: env.app.baseUrl,
    pagePath: "/settings",
    actionId: action.id,
    fields,
    headers: { cookie },
    previousState: { error: null },
  });
  return response.text();
}

// Last: its purge is recorded too, and the settings tests above read the latest purge.
describe("retention purge, in batches", () => {
  it("walks the images oldest first, batch after batch, without skipping images of the same instant", async () => {
    const delivered = [];
    for (let i = 0; i < 3; i++) delivered.push(await postMaskit(await makeJpeg(64, 48, { seed: 20 + i }), `walked image ${i}`));
    await thumbnailsMade();
    for (const id of delivered) await age(id, 40);
    const images = await Promise.all(delivered.map(async (id) => (await imageOf(id)).imageId));
    // All three made at one instant, so a batch of one ends between them.
    await getPool().query("UPDATE images SET created_at = timestamptz '2020-01-01 00:00:00Z' WHERE id = ANY($1::uuid[])", [images]);
    const result = await purge({ now: new Date(), retention: { quarantineDays: null, imageDays: 30 }, batchSize: 1, pacing: { restRatio: 0, maxRestMs: 0 } });
    expect(result).toMatchObject({ status: "done", images: { images: 3, deliveries: 3 } });
  });

  it("walks the quarantine oldest first, batch after batch, without skipping deliveries of the same instant", async () => {
    const photo = await makeJpeg(64, 48, { seed: 9 });
    const failed = [];
    for (let i = 0; i < 4; i++) failed.push(await postMaskit(photo, `walked ${i}`, { isTampered: true }));
    // Two share one arrival time, so a batch of one ends between them.
    await getPool().query(
      "UPDATE deliveries SET received_at = timestamptz '2020-01-01 00:00:00Z' + make_interval(secs => least(n, 2)) FROM unnest($1::uuid[]) WITH ORDINALITY AS f(id, n) WHERE deliveries.id = f.id",
      [failed],
    );
    const result = await purge({ now: new Date(), retention: { quarantineDays: 30, imageDays: null }, batchSize: 1, pacing: { restRatio: 0, maxRestMs: 0 } });
    expect(result).toMatchObject({ status: "done", quarantine: { bodies: 4 } });
    const { rows } = await getPool().query<{ left: number }>("SELECT count(*)::int AS left FROM quarantined_bodies WHERE delivery_id = ANY($1::uuid[])", [
      failed,
    ]);
    expect(rows[0].left).toBe(0);
  });
});
