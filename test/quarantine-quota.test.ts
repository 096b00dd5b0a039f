import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "@/lib/auth/sessions.ts";
import { getPool, getPrisma } from "@/lib/db.ts";
import { deleteQuarantinedDelivery } from "@/lib/inspection/delete-quarantined.ts";
import { getQuarantineQuotaMib } from "@/lib/settings/quarantine-quota.ts";
import { getBlobWriter } from "@/lib/storage/configured-store.ts";
import { createUser } from "@/lib/users/create-user.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { maskitBody } from "./helpers/multipart.ts";
import { callServerAction, listServerActions } from "./helpers/server-actions.ts";

// Issue 15 A3: each source may keep at most a quota of quarantined raw bodies (default 1 GiB,
// set on the Settings page). Past it, the source's oldest bodies are removed to make room for
// the newest; a body larger than the whole quota is logged without it, and its reason says why. The
// running total is kept by triggers, so it is checked here against the quarantine itself.

let env: TestEnvironment;
let cookies: { admin: string; viewer: string };
const BODY_IMAGE_BYTES = 400 * 1024; // three of these pass a 1 MiB quota, two do not

beforeAll(async () => {
  env = await startTestEnvironment();
  await env.createMaskitSource("gate", ["whsec_quota-gate-secret-0123456789"]);
  await env.createMaskitSource("other", ["whsec_quota-other-secret-012345678"]);
  const admin = await createUser({ email: "quota-admin@example.com", role: "admin", password: "a long enough password" });
  const viewer = await createUser({ email: "quota-viewer@example.com", role: "viewer", password: "a long enough password" });
  cookies = {
    admin: `webhook_inbox_session=${(await createSession(admin.id)).token}`,
    viewer: `webhook_inbox_session=${(await createSession(viewer.id)).token}`,
  };
});

afterAll(async () => {
  await env?.close();
});

describe("the quarantine quota per source", () => {
  it("is 1 GiB until an admin sets it on the Settings page", async () => {
    expect(await getQuarantineQuotaMib()).toBe(1024);
    const page = await (await fetch(`${env.app.baseUrl}/settings`, { headers: { cookie: cookies.admin } })).text();
    expect(page).toContain("Quarantine per source");
    expect(page).toMatch(/name="quotaMib"[^>]*value="1024"|value="1024"[^>]*name="quotaMib"/);

    expect(await saveQuota(cookies.viewer, "1")).toMatch(/admin role/i);
    expect(await saveQuota(cookies.admin, "0")).toMatch(/At least 1 MiB/);
    expect(await saveQuota(cookies.admin, "1.5")).toMatch(/whole number/);
    expect(await getQuarantineQuotaMib()).toBe(1024);
    expect(await saveQuota(cookies.admin, "1")).toContain("Saved.");
    expect(await getQuarantineQuotaMib()).toBe(1);
    const audit = await getPrisma().auditEvent.findFirstOrThrow({ where: { action: "settings.quarantine_quota" } });
    expect(audit.detail).toEqual({ fromMib: 1024, toMib: 1 });
  });

  it("keeps failed bodies up to the quota, then makes room by removing the source's oldest", async () => {
    const kept = [await postUnsigned("gate", "first"), await postUnsigned("gate", "second")];
    for (const delivery of kept) expect(delivery).toMatchObject({ httpStatus: 401, hasBody: true, reason: expect.not.stringContaining("not kept") });
    expect(await quarantinedBytes("gate")).toEqual({ counted: kept[0].size + kept[1].size, actual: kept[0].size + kept[1].size });
    const otherKept = await postUnsigned("other", "elsewhere");

    // The third does not fit beside the first two: the oldest, the first, goes; the third stays.
    const third = await postUnsigned("gate", "third");
    expect(third).toMatchObject({ httpStatus: 401, hasBody: true, reason: expect.not.stringContaining("not kept") });
    // What the sender is told does not change.
    expect(third.answer).toBe(kept[0].answer);
    expect(await current(kept[0].id)).toMatchObject({ hasBody: false, isPurged: true, reason: kept[0].reason });
    expect(await current(kept[1].id)).toMatchObject({ hasBody: true, isPurged: false });
    expect(await quarantinedBytes("gate")).toEqual({ counted: kept[1].size + third.size, actual: kept[1].size + third.size });
    // Its bytes are gone from the blob store too, once nothing names them.
    expect(await blobFileExists(kept[0].sha256)).toBe(false);
    expect(await blobFileExists(third.sha256)).toBe(true);

    // Per source: another source's quarantine is not touched.
    expect(await current(otherKept.id)).toMatchObject({ hasBody: true });

    // A body larger than the whole quota is logged without it, and the reason says why.
    const huge = await postUnsigned("gate", "huge", 1100 * 1024);
    expect(huge).toMatchObject({
      httpStatus: 401,
      hasBody: false,
      reason: expect.stringMatching(/\(body not kept: it does not fit in this source's quarantine quota of 1 MiB/),
    });
    expect(await current(kept[1].id)).toMatchObject({ hasBody: true });

    // Deleting a quarantined delivery gives its room back.
    await deleteQuarantinedDelivery({ deliveryId: kept[1].id, actor: { kind: "system", name: "quota test" }, ip: null });
    expect((await quarantinedBytes("gate")).counted).toBe(third.size);
    for (const slug of ["gate", "other"]) {
      const { counted, actual } = await quarantinedBytes(slug);
      expect(counted, slug).toBe(actual);
    }
  });
});

async function saveQuota(cookie: string, quotaMib: string): Promise<string> {
  const action = listServerActions().find((candidate) => candidate.name === "saveQuarantineQuotaAction")!;
  const response = await callServerAction({
    baseUrl: env.app.baseUrl,
    pagePath: "/settings",
    actionId: action.id,
    fields: { quotaMib },
    headers: { cookie },
    previousState: { error: null },
  });
  return response.text();
}

/** An unsigned MaskIt delivery (401, its body quarantined if there is room), and what was logged. */
async function postUnsigned(slug: string, metadata: string, imageBytes = BODY_IMAGE_BYTES) {
  const image = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(imageBytes)]);
  const delivery = maskitBody(image, metadata);
  const response = await env.post(slug, delivery.body, { "content-type": delivery.contentType });
  const answer = await response.json();
  const row = await getPrisma().delivery.findUniqueOrThrow({ where: { id: answer.id }, include: { quarantine: true } });
  return {
    id: row.id,
    httpStatus: response.status,
    answer: answer.error as string,
    reason: row.reason,
    hasBody: row.quarantine !== null,
    size: delivery.body.length,
    sha256: createHash("sha256").update(delivery.body).digest("hex"),
  };
}

/** A delivery's row as it is now. */
async function current(id: string) {
  const row = await getPrisma().delivery.findUniqueOrThrow({ where: { id }, include: { quarantine: true } });
  return { hasBody: row.quarantine !== null, isPurged: row.purgedAt !== null, reason: row.reason };
}

/** Whether the filesystem store holds bytes under this SHA-256 (lib/storage/filesystem-store.ts). */
async function blobFileExists(sha256: string): Promise<boolean> {
  const store = (await getBlobWriter()).store;
  return (await store.stat(sha256)) !== null;
}

/** The source's running total, and the sum over its quarantine. */
async function quarantinedBytes(slug: string): Promise<{ counted: number; actual: number }> {
  const { rows } = await getPool().query<{ counted: string; actual: string }>(
    `SELECT s.quarantined_bytes AS counted,
            (SELECT coalesce(sum(b.byte_size), 0) FROM quarantined_bodies q JOIN deliveries d ON d.id = q.delivery_id JOIN blobs b ON b.id = q.blob_id WHERE d.source_id = s.id) AS actual
       FROM sources s WHERE s.slug = $1`,
    [slug],
  );
  return { counted: Number(rows[0].counted), actual: Number(rows[0].actual) };
}
