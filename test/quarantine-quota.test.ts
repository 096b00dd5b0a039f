import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "@/lib/auth/sessions.ts";
import { getPool, getPrisma } from "@/lib/db.ts";
import { deleteQuarantinedDelivery } from "@/lib/inspection/delete-quarantined.ts";
import { getQuarantineQuotaMib } from "@/lib/settings/quarantine-quota.ts";
import { createUser } from "@/lib/users/create-user.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { maskitBody } from "./helpers/multipart.ts";
import { callServerAction, listServerActions } from "./helpers/server-actions.ts";

// Issue 15 A3: each source may keep at most a quota of quarantined raw bodies (default 1 GiB,
// set on the Settings page). Past it, a failed delivery is still answered and logged, without
// its body, and its reason says why; deleting quarantined deliveries makes room again. The
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

  it("keeps failed bodies up to the quota, then logs them without their body and says why", async () => {
    const kept = [await postUnsigned("gate", "first"), await postUnsigned("gate", "second")];
    for (const delivery of kept) expect(delivery).toMatchObject({ httpStatus: 401, hasBody: true, reason: expect.not.stringContaining("not kept") });
    expect(await quarantinedBytes("gate")).toEqual({ counted: kept[0].size + kept[1].size, actual: kept[0].size + kept[1].size });

    const refused = await postUnsigned("gate", "third");
    expect(refused).toMatchObject({
      httpStatus: 401,
      hasBody: false,
      reason: expect.stringMatching(/\(body not kept: this source's quarantine is at its quota of 1 MiB/),
    });
    // What the sender is told does not change.
    expect(refused.answer).toBe(kept[0].answer);

    // Per source: another source's quarantine is not full.
    expect(await postUnsigned("other", "elsewhere")).toMatchObject({ hasBody: true });

    // Deleting a quarantined delivery makes room, and the next body is kept again.
    await deleteQuarantinedDelivery({ deliveryId: kept[0].id, actor: { kind: "system", name: "quota test" }, ip: null });
    expect((await quarantinedBytes("gate")).counted).toBe(kept[1].size);
    expect(await postUnsigned("gate", "fourth")).toMatchObject({ hasBody: true });
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
async function postUnsigned(slug: string, metadata: string) {
  const image = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(BODY_IMAGE_BYTES)]);
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
  };
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
