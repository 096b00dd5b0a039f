import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Operator } from "@/lib/auth/api-tokens.ts";
import { createSession } from "@/lib/auth/sessions.ts";
import { getPool, getPrisma } from "@/lib/db.ts";
import { countQuarantinedDeliveries, deleteQuarantinedDeliveries, deleteQuarantinedDelivery } from "@/lib/inspection/delete-quarantined.ts";
import { DeliveryNotDeletableError, DeliveryNotFoundError, MatchCountChangedError } from "@/lib/inspection/errors.ts";
import { reverifyDelivery } from "@/lib/inspection/reverify-delivery.ts";
import { maskitBody } from "@/lib/senders/multipart-body.ts";
import { addSecret } from "@/lib/sources/add-secret.ts";
import { revokeCredential } from "@/lib/sources/revoke-credential.ts";
import { createUser } from "@/lib/users/create-user.ts";
import { putBlob, storedCount } from "./helpers/blobs.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";

// The inspector's library and page against the built app on a real PostgreSQL: re-verify
// after the right secret is added (a real promotion: API, image, audit, quarantine gone), a
// duplicate, deletions of one and of a filtered set with their blobs, and the page an operator
// reads for a delivery signed with a revoked secret, which must name it and hold no secret.

const SECRETS = {
  known: "whsec_inspector-known-secret-000000000001",
  senders: "whsec_inspector-senders-secret-00000000002",
  another: "whsec_inspector-another-secret-0000000003",
  revoked: "whsec_inspector-revoked-secret-0000000004",
  current: "whsec_inspector-current-secret-0000000005",
};
const admin: Operator = { kind: "user", id: randomUUID(), name: "inspector-admin@example.com", role: "admin" };
const changedBy = { actor: admin, ip: "203.0.113.9" };

let env: TestEnvironment;
let photo: Buffer;
let sourceIds: Record<string, string>;
let cookies: { admin: string; viewer: string };

beforeAll(async () => {
  env = await startTestEnvironment();
  photo = await makeJpeg(320, 240, { seed: 5 });
  sourceIds = {};
  for (const slug of ["cam", "dup-cam", "bulk-cam", "revoke-cam"]) sourceIds[slug] = (await env.createMaskitSource(slug, [SECRETS.known])).id;
  const adminUser = await createUser({ email: "page-admin@example.com", role: "admin", password: "a long enough password" });
  const viewerUser = await createUser({ email: "page-viewer@example.com", role: "viewer", password: "a long enough password" });
  cookies = {
    admin: `webhook_inbox_session=${(await createSession(adminUser.id)).token}`,
    viewer: `webhook_inbox_session=${(await createSession(viewerUser.id)).token}`,
  };
}, 240_000);

afterAll(async () => {
  await env?.close();
});

/** Posts a MaskIt delivery signed with `secret` (a fresh image per seed); answers the HTTP status and delivery id. */
async function deliver(slug: string, secret: string, metadata: string, image = photo) {
  const { body, contentType } = maskitBody(image, metadata);
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  const response = await env.post(slug, body, { "content-type": contentType, "x-signature": signature });
  return { status: response.status, id: ((await response.json()) as { id: string }).id, body, contentType };
}

async function quarantineBlob(deliveryId: string): Promise<string | null> {
  const { rows } = await getPool().query<{ blob_id: string }>("SELECT blob_id FROM quarantined_bodies WHERE delivery_id = $1", [deliveryId]);
  return rows[0]?.blob_id ?? null;
}

/** Blob rows left of these, and how many of their distinct bytes the store still holds (SHA-256s remembered from the first look). */
const shaOfBlob = new Map<string, string>();
async function blobsLeft(blobIds: string[]): Promise<{ blobs: number; stored: number }> {
  const { rows } = await getPool().query<{ id: string; sha256: string }>("SELECT id::text, sha256 FROM blobs WHERE id = ANY($1::uuid[])", [blobIds]);
  for (const row of rows) shaOfBlob.set(row.id, row.sha256);
  const sha256s = new Set(blobIds.map((id) => shaOfBlob.get(id)).filter((sha): sha is string => sha !== undefined));
  return { blobs: rows.length, stored: await storedCount(sha256s) };
}

async function auditOf(deliveryId: string) {
  return getPrisma().auditEvent.findMany({
    where: { targetId: deliveryId },
    orderBy: { at: "asc" },
    select: { action: true, actorName: true, ip: true, detail: true },
  });
}

describe("re-verify", () => {
  it("finds no match while the source lacks the sender's secret, and promotes the delivery once it is added", async () => {
    const sent = await deliver("cam", SECRETS.senders, "signed with a secret the source lacks");
    expect(sent.status).toBe(401);
    const blobId = await quarantineBlob(sent.id);
    expect(blobId).not.toBeNull();
    expect(await blobsLeft([blobId!])).toEqual({ blobs: 1, stored: 1 });

    const refused = await reverifyDelivery({ deliveryId: sent.id, ...changedBy });
    expect(refused.outcome).toBe("no_match");
    expect(await quarantineBlob(sent.id)).toBe(blobId);
    expect(((await (await env.api(`/api/deliveries/${sent.id}`)).json()) as { status: string }).status).toBe("failed");

    await addSecret(getPrisma(), { sourceId: sourceIds.cam, secret: Buffer.from(SECRETS.senders), label: "the sender's secret" });
    const promoted = await reverifyDelivery({ deliveryId: sent.id, ...changedBy });
    expect(promoted).toMatchObject({ outcome: "verified", credential: { label: "the sender's secret" }, imageCount: 1 });

    const delivery = (await (await env.api(`/api/deliveries/${sent.id}`)).json()) as {
      status: string;
      httpStatus: number;
      reason: string | null;
      matchedCredential: string;
      image: { id: string; sha256: string };
      reverifiedAt: string;
      reverifiedBy: string;
    };
    expect(delivery.status).toBe("verified");
    // The log keeps what the sender was answered, and says who re-verified it when.
    expect(delivery.httpStatus).toBe(401);
    expect(delivery.reason).toMatch(/X-Signature matches none/);
    expect(delivery.reverifiedBy).toBe(admin.name);
    expect(Date.now() - new Date(delivery.reverifiedAt).getTime()).toBeLessThan(60_000);
    const csv = await (await env.api("/api/deliveries/export?source=cam")).text();
    const [header, ...lines] = csv.trimEnd().split("\r\n");
    expect(header.split(",").slice(-2)).toEqual(["reverified_at", "reverified_by"]);
    const line = lines.find((candidate) => candidate.startsWith(sent.id))!;
    expect(line).toContain(",verified,401,");
    expect(line.endsWith(`,${delivery.reverifiedAt},${admin.name}`)).toBe(true);
    const html = await (await fetch(`${env.app.baseUrl}/deliveries?source=cam`, { headers: { cookie: cookies.viewer } })).text();
    expect(html).toContain("re-verified");
    expect(delivery.matchedCredential).toMatch(/^the sender's secret \(/);
    const listed = (await (await env.api("/api/deliveries?source=cam&status=verified")).json()) as {
      items: Array<{ id: string; image: { id: string } | null }>;
    };
    expect(listed.items.find((item) => item.id === sent.id)?.image?.id).toBe(delivery.image.id);
    const original = await env.api(`/api/images/${delivery.image.id}`);
    expect(Buffer.from(await original.arrayBuffer()).equals(photo)).toBe(true);

    const audit = await auditOf(sent.id);
    expect(audit.map((entry) => [entry.action, (entry.detail as { outcome: string }).outcome])).toEqual([
      ["delivery.reverify", "no_match"],
      ["delivery.reverify", "verified"],
    ]);
    expect(audit[1]).toMatchObject({ actorName: admin.name, ip: changedBy.ip, detail: { label: "the sender's secret" } });
    expect(await quarantineBlob(sent.id)).toBeNull();
    expect(await blobsLeft([blobId!])).toEqual({ blobs: 0, stored: 0 });

    // Nothing left to do a second time.
    expect((await reverifyDelivery({ deliveryId: sent.id, ...changedBy })).outcome).toBe("nothing_to_verify");
  });

  it("reports a duplicate when a byte-identical body was verified already, and changes nothing", async () => {
    const image = await makeJpeg(200, 150, { seed: 6 });
    const first = await deliver("dup-cam", SECRETS.known, "the same body twice", image);
    expect(first.status).toBe(200);
    // The same bytes, signed with a secret the source does not have yet.
    const signature = createHmac("sha256", SECRETS.another).update(first.body).digest("hex");
    const copy = await env.post("dup-cam", first.body, { "content-type": first.contentType, "x-signature": signature });
    expect(copy.status).toBe(401);
    const copyId = ((await copy.json()) as { id: string }).id;
    await addSecret(getPrisma(), { sourceId: sourceIds["dup-cam"], secret: Buffer.from(SECRETS.another), label: "another secret" });

    const result = await reverifyDelivery({ deliveryId: copyId, ...changedBy });
    expect(result).toMatchObject({ outcome: "duplicate", duplicateOf: first.id, credential: { label: "another secret" } });
    expect(await getPrisma().delivery.findUniqueOrThrow({ where: { id: copyId }, select: { status: true } })).toEqual({ status: "failed" });
    expect(await quarantineBlob(copyId)).not.toBeNull();
    expect((await auditOf(copyId)).map((entry) => (entry.detail as { outcome: string }).outcome)).toEqual(["duplicate"]);
  });
});

describe("deletion", () => {
  it("deletes one failed delivery with its quarantined body, and never a verified one", async () => {
    const failed = await deliver("cam", SECRETS.revoked, "to be deleted");
    const verified = await deliver("cam", SECRETS.known, "to be kept");
    const blobId = (await quarantineBlob(failed.id))!;

    await expect(deleteQuarantinedDelivery({ deliveryId: verified.id, ...changedBy })).rejects.toBeInstanceOf(DeliveryNotDeletableError);
    expect((await env.api(`/api/deliveries/${verified.id}`)).status).toBe(200);

    expect(await deleteQuarantinedDelivery({ deliveryId: failed.id, ...changedBy })).toEqual({ sourceSlug: "cam" });
    expect((await env.api(`/api/deliveries/${failed.id}`)).status).toBe(404);
    expect(await quarantineBlob(failed.id)).toBeNull();
    expect(await blobsLeft([blobId])).toEqual({ blobs: 0, stored: 0 });
    expect(await auditOf(failed.id)).toEqual([
      expect.objectContaining({
        action: "delivery.delete",
        actorName: admin.name,
        detail: expect.objectContaining({ source: "cam", status: "failed", quarantinedBodies: 1 }),
      }),
    ]);
    await expect(deleteQuarantinedDelivery({ deliveryId: failed.id, ...changedBy })).rejects.toBeInstanceOf(DeliveryNotFoundError);
  });

  it("deletes every failed and rejected delivery matching the filters, in batches, with their blobs; verified ones and later arrivals stay", async () => {
    const matching = [];
    for (const n of [1, 2, 3]) matching.push(await deliver("bulk-cam", SECRETS.senders, `batch-x failed ${n}`));
    const rejected = await env.post("bulk-cam", Buffer.from("not multipart"), { "content-type": "text/plain", "x-signature": "00" });
    expect(rejected.status).toBe(415);
    const rejectedId = ((await rejected.json()) as { id: string }).id;
    const other = await deliver("bulk-cam", SECRETS.senders, "another batch");
    const verified = await deliver("bulk-cam", SECRETS.known, "batch-x verified");
    expect([...matching.map((entry) => entry.status), other.status, verified.status]).toEqual([401, 401, 401, 401, 200]);
    // Many more, so that the deletion runs over several batches: each with its own body.
    const BULK = 1200;
    await putBlob(Buffer.from("abc"));
    await getPool().query(
      `WITH g AS MATERIALIZED (SELECT gen_random_uuid() AS delivery_id, gen_random_uuid() AS blob_id, n FROM generate_series(1, $2::int) AS n),
            b AS (INSERT INTO blobs (id, sha256, byte_size) SELECT blob_id, encode(sha256('abc'::bytea), 'hex'), 3 FROM g),
            d AS (INSERT INTO deliveries (id, source_id, received_at, status, http_status, reason, metadata, headers)
                  SELECT delivery_id, $1::uuid, now() - interval '1 hour', 'failed', 401, 'seeded', 'batch-x seeded ' || n, '{}' FROM g)
       INSERT INTO quarantined_bodies (delivery_id, blob_id) SELECT delivery_id, blob_id FROM g`,
      [sourceIds["bulk-cam"], BULK],
    );
    const { rows } = await getPool().query<{ id: string }>(
      "SELECT q.blob_id AS id FROM quarantined_bodies q JOIN deliveries d ON d.id = q.delivery_id WHERE d.source_id = $1 AND d.metadata LIKE 'batch-x%'",
      [sourceIds["bulk-cam"]],
    );
    const blobIds = rows.map((row) => row.id);
    expect(blobIds.length).toBe(BULK + 3);

    const filters = { source: "bulk-cam", q: "BATCH-X" };
    const countedAt = new Date();
    const expected = BULK + 3;
    expect(await countQuarantinedDeliveries({ filters, receivedUpTo: countedAt })).toBe(expected);
    const late = await deliver("bulk-cam", SECRETS.senders, "batch-x arrived after the count");

    await expect(deleteQuarantinedDeliveries({ filters, receivedUpTo: countedAt, expectedCount: expected - 1, ...changedBy })).rejects.toEqual(
      new MatchCountChangedError(expected),
    );
    // The seeded bodies are all 'abc': one stored copy for all of them.
    expect(await blobsLeft(blobIds)).toEqual({ blobs: BULK + 3, stored: 4 });

    expect(await deleteQuarantinedDeliveries({ filters, receivedUpTo: countedAt, expectedCount: expected, ...changedBy })).toEqual({
      deleted: expected,
      quarantinedBodies: BULK + 3,
    });
    expect(await blobsLeft(blobIds)).toEqual({ blobs: 0, stored: 0 });
    const left = async () =>
      (await getPrisma().delivery.findMany({ where: { sourceId: sourceIds["bulk-cam"] }, select: { id: true } })).map((row) => row.id).sort();
    expect(await left()).toEqual([other.id, verified.id, late.id, rejectedId].sort());
    const audit = await getPrisma().auditEvent.findFirstOrThrow({
      where: { action: "delivery.delete_quarantined" },
      select: { targetName: true, detail: true },
    });
    expect(audit).toEqual({ targetName: "source=bulk-cam q=BATCH-X", detail: expect.objectContaining({ deleted: expected, filters }) });

    // A status filter: the rejected delivery (refused before its body was read, so no body) goes, nothing else.
    const rejectedOnly = { source: "bulk-cam", status: "rejected" as const };
    const now = new Date();
    expect(await countQuarantinedDeliveries({ filters: rejectedOnly, receivedUpTo: now })).toBe(1);
    expect(await deleteQuarantinedDeliveries({ filters: rejectedOnly, receivedUpTo: now, expectedCount: 1, ...changedBy })).toEqual({
      deleted: 1,
      quarantinedBodies: 0,
    });
    expect(await left()).toEqual([other.id, verified.id, late.id].sort());
    // Asking for verified ones deletes nothing.
    expect(await countQuarantinedDeliveries({ filters: { source: "bulk-cam", status: "verified" }, receivedUpTo: new Date() })).toBe(0);
    // The verified delivery's image is untouched.
    const image = ((await (await env.api(`/api/deliveries/${verified.id}`)).json()) as { image: { id: string } }).image;
    expect((await env.api(`/api/images/${image.id}`)).status).toBe(200);
  });
});

describe("the inspector page", () => {
  it("names the revoked secret a delivery was signed with, and holds no secret", async () => {
    await addSecret(getPrisma(), { sourceId: sourceIds["revoke-cam"], secret: Buffer.from(SECRETS.current), label: "current secret" });
    const revokedId = (await addSecret(getPrisma(), { sourceId: sourceIds["revoke-cam"], secret: Buffer.from(SECRETS.revoked), label: "old camera secret" }))
      .id;
    await revokeCredential({ credentialId: revokedId, ...changedBy });
    const failed = await deliver("revoke-cam", SECRETS.revoked, "signed with the revoked secret");
    const verified = await deliver("revoke-cam", SECRETS.current, "signed with the current secret");
    expect([failed.status, verified.status]).toEqual([401, 200]);

    const page = await fetch(`${env.app.baseUrl}/deliveries/${failed.id}`, { headers: { cookie: cookies.admin } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-finding="signed-with-revoked"');
    expect(html).toContain("a revoked secret");
    expect(html).toContain("old camera secret");
    expect(html).toContain("Re-verify");
    expect(html).toContain("Unverified");
    // An unverified body's image is described, never displayed.
    expect(html).not.toContain("/api/images/");

    const verifiedHtml = await (await fetch(`${env.app.baseUrl}/deliveries/${verified.id}`, { headers: { cookie: cookies.admin } })).text();
    expect(verifiedHtml).toContain("current secret (");
    expect(verifiedHtml).toMatch(/\/api\/images\/[0-9a-f-]{36}\/thumbnail/);
    const viewerHtml = await (await fetch(`${env.app.baseUrl}/deliveries/${failed.id}`, { headers: { cookie: cookies.viewer } })).text();
    expect(viewerHtml).toContain('data-finding="signed-with-revoked"');
    expect(viewerHtml).not.toContain("Re-verify");

    for (const [name, secret] of Object.entries(SECRETS)) {
      for (const text of [html, verifiedHtml, viewerHtml]) {
        expect(text.includes(secret), `secret ${name}`).toBe(false);
        expect(text.includes(secret.slice("whsec_".length)), `secret ${name} without its prefix`).toBe(false);
      }
    }
  });

  it("offers an admin, and only an admin, to delete the quarantined deliveries the log shows", async () => {
    const log = (cookie: string) => fetch(`${env.app.baseUrl}/deliveries?source=revoke-cam`, { headers: { cookie } }).then((response) => response.text());
    expect(await log(cookies.admin)).toContain("Delete 1 quarantined…");
    expect(await log(cookies.viewer)).not.toContain("quarantined…");
    expect(
      await fetch(`${env.app.baseUrl}/deliveries?source=revoke-cam&status=verified`, { headers: { cookie: cookies.admin } }).then((response) =>
        response.text(),
      ),
    ).not.toContain("quarantined…");
  });

  it("answers 404 for a delivery that does not exist, and sends a stranger to sign in", async () => {
    expect((await fetch(`${env.app.baseUrl}/deliveries/${randomUUID()}`, { headers: { cookie: cookies.admin } })).status).toBe(404);
    const stranger = await fetch(`${env.app.baseUrl}/deliveries/${randomUUID()}`, { redirect: "manual" });
    expect(stranger.headers.get("location") ?? "").toContain("/sign-in?next=");
  });
});
