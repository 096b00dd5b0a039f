import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Operator } from "@/lib/auth/api-tokens.ts";
import { getPool, getPrisma } from "@/lib/db.ts";
import { addSourcePublicKey } from "@/lib/sources/add-source-public-key.ts";
import { addSourceSecret } from "@/lib/sources/add-source-secret.ts";
import { generateSecret } from "@/lib/sources/add-secret.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { deleteSource } from "@/lib/sources/delete-source.ts";
import { describeSourceDeletion } from "@/lib/sources/describe-source-deletion.ts";
import { CredentialInactiveError, CredentialKindError, DuplicateCredentialError, InvalidPublicKeyError, SlugConfirmationError } from "@/lib/sources/errors.ts";
import { getSource } from "@/lib/sources/get-source.ts";
import { listCredentials } from "@/lib/sources/list-credentials.ts";
import { listSources } from "@/lib/sources/list-sources.ts";
import { renameSource } from "@/lib/sources/rename-source.ts";
import { revokeCredential } from "@/lib/sources/revoke-credential.ts";
import { rotateSecret } from "@/lib/sources/rotate-secret.ts";
import { setSourceEnabled } from "@/lib/sources/set-source-enabled.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";

// Managing sources and credentials, through the same library functions the dashboard's server
// actions call, checked against the receiver over real HTTP: what an operator changes is what
// the next delivery meets. Every secret that passes through here is collected, and none may
// appear in the audit log.

const HOUR = 60 * 60 * 1000;
const admin: Operator = { kind: "user", id: randomUUID(), name: "admin@example.com", role: "admin" };
const changedBy = { actor: admin, ip: "203.0.113.7" };
const secretsSeen: string[] = [];
let env: TestEnvironment;
let photo: Buffer;

beforeAll(async () => {
  env = await startTestEnvironment();
  photo = await makeJpeg(320, 240, { seed: 11 });
});

afterAll(async () => {
  await env?.close();
});

/** Posts a fresh MaskIt delivery signed with `secret`; answers the status and the body. */
async function deliver(slug: string, secret: string, metadata: string, image = photo) {
  const delivery = maskitBody(image, metadata);
  const signature = createHmac("sha256", secret).update(delivery.body).digest("hex");
  const response = await env.post(slug, delivery.body, { "content-type": delivery.contentType, "x-signature": signature });
  return { status: response.status, body: (await response.json()) as { id: string; status: string; error?: string } };
}

async function newMaskitSource(slug: string) {
  const secret = generateSecret();
  const created = await createSource({ ...changedBy, kind: "maskit", slug, name: `Camera ${slug}`, secret: Buffer.from(secret) });
  secretsSeen.push(secret);
  return { id: created.id, secret, credentialId: created.credentials[0].id };
}

describe("rotation", () => {
  it("keeps the old secret verifying until its expiry, and the new one from the start", async () => {
    const source = await newMaskitSource("rotating-camera");
    expect((await deliver("rotating-camera", source.secret, "before rotation")).status).toBe(200);

    const expiresAt = new Date(Date.now() + 24 * HOUR);
    const rotated = await rotateSecret({ ...changedBy, credentialId: source.credentialId, oldExpiresAt: expiresAt });
    secretsSeen.push(rotated.secret);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(source.secret);
    expect(rotated.old.expiresAt.getTime()).toBe(expiresAt.getTime());

    const withOld = await deliver("rotating-camera", source.secret, "old secret, during the overlap");
    const withNew = await deliver("rotating-camera", rotated.secret, "new secret, during the overlap");
    expect([withOld.status, withNew.status]).toEqual([200, 200]);
    const rows = await getPrisma().delivery.findMany({
      where: { id: { in: [withOld.body.id, withNew.body.id] } },
      select: { id: true, matchedCredentialId: true },
    });
    expect(new Map(rows.map((row) => [row.id, row.matchedCredentialId]))).toEqual(
      new Map([
        [withOld.body.id, source.credentialId],
        [withNew.body.id, rotated.credential.id],
      ]),
    );

    const statuses = await listCredentials({ sourceId: source.id });
    expect(statuses.map((credential) => [credential.label, credential.status.state])).toEqual([
      [rotated.credential.label, "active"],
      ["initial secret", "expiring"],
    ]);

    // A second rotation never extends the old secret's life.
    const again = await rotateSecret({ ...changedBy, credentialId: source.credentialId, oldExpiresAt: new Date(Date.now() + 7 * 24 * HOUR) });
    secretsSeen.push(again.secret);
    expect(again.old.expiresAt.getTime()).toBe(expiresAt.getTime());

    // Time passes: the expiry is reached, and the receiver stops accepting the old secret.
    await getPool().query("UPDATE credentials SET expires_at = now() - interval '1 second' WHERE id = $1", [source.credentialId]);
    const afterExpiry = await deliver("rotating-camera", source.secret, "old secret, after its expiry");
    expect(afterExpiry.status).toBe(401);
    expect((await deliver("rotating-camera", rotated.secret, "new secret, after the old one expired")).status).toBe(200);
    await expect(rotateSecret({ ...changedBy, credentialId: source.credentialId, oldExpiresAt: expiresAt })).rejects.toThrow(CredentialInactiveError);
  });
});

describe("revocation", () => {
  it("makes a delivery signed with the revoked secret fail with 401, and keeps the log's record of what it verified", async () => {
    const source = await newMaskitSource("revoked-camera");
    const added = await addSourceSecret({ ...changedBy, sourceId: source.id, label: "standby" });
    secretsSeen.push(added.secret!);
    const verified = await deliver("revoked-camera", source.secret, "signed before revocation");
    expect(verified.status).toBe(200);

    const revoked = await revokeCredential({ ...changedBy, credentialId: source.credentialId });
    expect(revoked.remainingActive).toBe(1);
    const refused = await deliver("revoked-camera", source.secret, "signed after revocation");
    expect(refused.status).toBe(401);
    // The sender is told only that it did not match; the log says why.
    expect(refused.body).toMatchObject({ status: "failed", error: "the signature does not match" });
    expect((await getPrisma().delivery.findUniqueOrThrow({ where: { id: refused.body.id } })).reason).toContain("matches none of the 1 active secret");
    expect((await deliver("revoked-camera", added.secret!, "signed with the other secret")).status).toBe(200);

    const earlier = await getPrisma().delivery.findUniqueOrThrow({
      where: { id: verified.body.id },
      select: { status: true, matchedCredentialId: true, matchedCredential: true },
    });
    expect(earlier).toEqual({ status: "verified", matchedCredentialId: source.credentialId, matchedCredential: expect.stringContaining("initial secret") });

    await expect(revokeCredential({ ...changedBy, credentialId: source.credentialId })).rejects.toThrow(CredentialInactiveError);
    // A revoked secret cannot come back by being pasted again.
    await expect(addSourceSecret({ ...changedBy, sourceId: source.id, pastedSecret: source.secret })).rejects.toThrow(DuplicateCredentialError);
    // Nor can it be rotated.
    await expect(rotateSecret({ ...changedBy, credentialId: source.credentialId, oldExpiresAt: new Date(Date.now() + HOUR) })).rejects.toThrow(
      CredentialInactiveError,
    );
  });

  it("reports when the last active credential is revoked", async () => {
    const source = await newMaskitSource("last-secret");
    const revoked = await revokeCredential({ ...changedBy, credentialId: source.credentialId });
    expect(revoked.remainingActive).toBe(0);
    const refused = await deliver("last-secret", source.secret, "no secret left");
    expect(refused).toMatchObject({ status: 401, body: { error: "the signature does not match" } });
    expect((await getPrisma().delivery.findUniqueOrThrow({ where: { id: refused.body.id } })).reason).toContain("no active secret");
  });
});

describe("source settings", () => {
  it("renames, disables and enables a source", async () => {
    const source = await newMaskitSource("settings-camera");
    expect(await renameSource({ ...changedBy, sourceId: source.id, name: "Back door" })).toMatchObject({ name: "Back door", isChanged: true });
    expect((await getSource({ slug: "settings-camera" }))?.name).toBe("Back door");

    await setSourceEnabled({ ...changedBy, sourceId: source.id, isEnabled: false });
    expect((await deliver("settings-camera", source.secret, "while disabled")).status).toBe(404);
    await setSourceEnabled({ ...changedBy, sourceId: source.id, isEnabled: true });
    expect((await deliver("settings-camera", source.secret, "enabled again")).status).toBe(200);
  });

  it("pastes a shared secret, refusing it on an Eden AI source", async () => {
    const source = await newMaskitSource("pasted-camera");
    const pasted = "a pasted secret of some length";
    secretsSeen.push(pasted);
    const added = await addSourceSecret({ ...changedBy, sourceId: source.id, pastedSecret: pasted, label: "from MaskIt console" });
    expect(added.secret).toBeNull();
    expect((await deliver("pasted-camera", pasted, "signed with the pasted secret")).status).toBe(200);
    await expect(addSourceSecret({ ...changedBy, sourceId: source.id, pastedSecret: pasted })).rejects.toThrow(DuplicateCredentialError);

    const eden = await createSource({ ...changedBy, kind: "edenai", slug: "eden-no-secrets", name: "Eden" });
    await expect(addSourceSecret({ ...changedBy, sourceId: eden.id })).rejects.toThrow(CredentialKindError);
  });

  it("adds an Eden AI public key, with clear refusals for private keys, short keys and garbage", async () => {
    const source = await createSource({ ...changedBy, kind: "edenai", slug: "eden-keys", name: "Eden keys" });
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pkcs1 = pair.publicKey.export({ type: "pkcs1", format: "pem" }).toString();
    const added = await addSourcePublicKey({ ...changedBy, sourceId: source.id, pem: pkcs1 });
    expect(added.bits).toBe(2048);
    expect(added.credential.label).toBe("RSA 2048-bit key");
    expect(added.credential.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // The same key in its other PEM form is the same key.
    const spki = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
    await expect(addSourcePublicKey({ ...changedBy, sourceId: source.id, pem: spki })).rejects.toThrow(DuplicateCredentialError);

    const privatePem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await expect(addSourcePublicKey({ ...changedBy, sourceId: source.id, pem: privatePem })).rejects.toThrow(/private key/);
    const short = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }).toString();
    await expect(addSourcePublicKey({ ...changedBy, sourceId: source.id, pem: short })).rejects.toThrow(/1024 bits; at least 2048/);
    await expect(addSourcePublicKey({ ...changedBy, sourceId: source.id, pem: "hello" })).rejects.toThrow(InvalidPublicKeyError);

    const credentials = await listCredentials({ sourceId: source.id });
    expect(credentials.map((credential) => [credential.label, credential.bits])).toEqual([
      ["RSA 2048-bit key", 2048],
      ["Eden AI published key", 3072],
    ]);
    const maskit = await newMaskitSource("maskit-no-keys");
    await expect(addSourcePublicKey({ ...changedBy, sourceId: maskit.id, pem: spki })).rejects.toThrow(CredentialKindError);
  });
});

describe("the kinds of lib/schemes", () => {
  it("creates sources of each new kind with their scheme options, and refuses bad options before writing anything", async () => {
    const standard = await createSource({ ...changedBy, kind: "standard-webhooks", slug: "sw-hook", name: "Svix", schemeOptions: { toleranceSeconds: 90 } });
    const generic = await createSource({
      ...changedBy,
      kind: "hmac",
      slug: "shop-hmac",
      name: "Shop",
      schemeOptions: { header: "X-Shop-Hmac", prefix: "sha256=" },
      secret: Buffer.from("a shop secret of enough length"),
    });
    expect(standard.schemeOptions).toEqual({ toleranceSeconds: 90 });
    expect(generic.schemeOptions).toMatchObject({ header: "x-shop-hmac", prefix: "sha256=", algorithm: "sha256", encoding: "hex" });
    const listed = await getSource({ slug: "sw-hook" });
    expect(listed).toMatchObject({ kind: "standard-webhooks", schemeOptions: { toleranceSeconds: 90 } });

    await expect(
      createSource({ ...changedBy, kind: "hmac", slug: "bad-hmac", name: "Bad", schemeOptions: { header: "X-Sig", algorithm: "md5" } }),
    ).rejects.toThrow(/algorithm must be/);
    await expect(createSource({ ...changedBy, kind: "github", slug: "bad-gh", name: "Bad", schemeOptions: { toleranceSeconds: 10 } })).rejects.toThrow(
      /no option "toleranceSeconds"/,
    );
    await expect(
      createSource({ ...changedBy, kind: "standard-webhooks", slug: "bad-sw", name: "Bad", secret: Buffer.from("not base64 at all!!") }),
    ).rejects.toThrow(CredentialKindError);
    expect(await getSource({ slug: "bad-hmac" })).toBeNull();
    expect(await getSource({ slug: "bad-sw" })).toBeNull();
  });

  it("gives a Standard Webhooks source secrets its senders can decode, and ed25519 keys", async () => {
    const source = await createSource({ ...changedBy, kind: "standard-webhooks", slug: "sw-keys", name: "SW keys" });
    const generated = await addSourceSecret({ ...changedBy, sourceId: source.id });
    secretsSeen.push(generated.secret!);
    expect(generated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const rotated = await rotateSecret({ ...changedBy, credentialId: generated.credential.id, oldExpiresAt: new Date(Date.now() + HOUR) });
    secretsSeen.push(rotated.secret);
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const pair = generateKeyPairSync("ed25519");
    const pem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
    const added = await addSourcePublicKey({ ...changedBy, sourceId: source.id, pem, label: "sender v1a" });
    expect(added.bits).toBeNull();
    const whpk = `whpk_${pair.publicKey.export({ type: "spki", format: "der" }).subarray(12).toString("base64")}`;
    await expect(addSourcePublicKey({ ...changedBy, sourceId: source.id, pem: whpk })).rejects.toThrow(DuplicateCredentialError);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
    await expect(addSourcePublicKey({ ...changedBy, sourceId: source.id, pem: rsa })).rejects.toThrow(/ed25519/);
    const kinds = (await listCredentials({ sourceId: source.id })).map((credential) => credential.kind).sort();
    expect(kinds).toEqual(["ed25519_public_key", "hmac_secret", "hmac_secret"]);

    const github = await createSource({ ...changedBy, kind: "github", slug: "gh-keys", name: "GH" });
    await expect(addSourcePublicKey({ ...changedBy, sourceId: github.id, pem })).rejects.toThrow(CredentialKindError);
  });
});

describe("deletion", () => {
  it("removes the source's deliveries and their quarantined bodies, and keeps an image another source delivered too", async () => {
    const doomed = await newMaskitSource("doomed-camera");
    const keeper = await newMaskitSource("keeper-camera");
    const shared = await makeJpeg(200, 100, { seed: 21 });
    const ownOnly = await makeJpeg(200, 100, { seed: 22 });
    const sharedHere = await deliver("doomed-camera", doomed.secret, "shared image, doomed source", shared);
    const ownHere = await deliver("doomed-camera", doomed.secret, "own image", ownOnly);
    const failed = await deliver("doomed-camera", "not the secret at all, sorry", "bad signature");
    const sharedThere = await deliver("keeper-camera", keeper.secret, "shared image, other source", shared);
    expect([sharedHere.status, ownHere.status, failed.status, sharedThere.status]).toEqual([200, 200, 401, 200]);

    const db = getPrisma();
    const quarantineBlob = (await db.quarantinedBody.findUniqueOrThrow({ where: { deliveryId: failed.body.id }, select: { blobId: true } })).blobId;
    const sharedImageId = (await db.delivery.findUniqueOrThrow({ where: { id: sharedThere.body.id }, select: { imageId: true } })).imageId!;
    const ownImageId = (await db.delivery.findUniqueOrThrow({ where: { id: ownHere.body.id }, select: { imageId: true } })).imageId!;

    expect(await describeSourceDeletion({ sourceId: doomed.id })).toEqual({
      deliveries: 3,
      quarantinedBodies: 1,
      credentials: 1,
      imagesOnlyHere: 1,
      imagesShared: 1,
    });
    await expect(deleteSource({ ...changedBy, sourceId: doomed.id, confirmSlug: "keeper-camera" })).rejects.toThrow(SlugConfirmationError);
    expect(await db.delivery.count({ where: { sourceId: doomed.id } })).toBe(3);

    const deleted = await deleteSource({ ...changedBy, sourceId: doomed.id, confirmSlug: "doomed-camera" });
    expect(deleted.impact.deliveries).toBe(3);
    expect(await db.source.findUnique({ where: { id: doomed.id } })).toBeNull();
    expect(await db.delivery.count({ where: { sourceId: doomed.id } })).toBe(0);
    expect(await db.credential.count({ where: { sourceId: doomed.id } })).toBe(0);
    expect(await db.blob.findUnique({ where: { id: quarantineBlob } })).toBeNull();

    // The other source's delivery and its image are untouched, bytes included.
    const kept = await db.delivery.findUniqueOrThrow({ where: { id: sharedThere.body.id }, select: { imageId: true, images: { select: { imageId: true } } } });
    expect(kept).toEqual({ imageId: sharedImageId, images: [{ imageId: sharedImageId }] });
    const bytes = await env.api(`/api/images/${sharedImageId}`);
    expect(bytes.status).toBe(200);
    expect(Buffer.from(await bytes.arrayBuffer()).equals(shared)).toBe(true);
    // The image only the deleted source carried is left, unreferenced, for a retention job.
    expect(await db.image.findUnique({ where: { id: ownImageId }, select: { id: true } })).toEqual({ id: ownImageId });
    expect(await db.deliveryImage.count({ where: { imageId: ownImageId } })).toBe(0);

    expect((await deliver("doomed-camera", doomed.secret, "after deletion")).status).toBe(404);
  });
});

describe("the sources list", () => {
  it("counts each source's verified and failed deliveries of the last 24 hours, and its last delivery", async () => {
    const source = await newMaskitSource("counted-camera");
    const quiet = await newMaskitSource("quiet-camera");
    const results = [];
    for (const metadata of ["one", "two", "three"]) results.push(await deliver("counted-camera", source.secret, metadata));
    results.push(await deliver("counted-camera", "wrong secret entirely!!", "bad"));
    results.push(await deliver("counted-camera", "wrong secret entirely!!", "bad again"));
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 401, 401]);
    // One verified and one failed delivery are from yesterday: outside the window.
    await getPool().query("UPDATE deliveries SET received_at = received_at - interval '25 hours' WHERE id = ANY($1::uuid[])", [
      [results[0].body.id, results[3].body.id],
    ]);

    const sources = await listSources();
    const counted = sources.find((item) => item.slug === "counted-camera")!;
    expect(counted).toMatchObject({
      name: "Camera counted-camera",
      kind: "maskit",
      enabled: true,
      verified24h: 2,
      failed24h: 1,
      rejected24h: 0,
      activeCredentials: 1,
    });
    const last = await getPrisma().delivery.findUniqueOrThrow({ where: { id: results[4].body.id }, select: { receivedAt: true } });
    expect(counted.lastDeliveryAt).toEqual(last.receivedAt);
    expect(sources.find((item) => item.id === quiet.id)).toMatchObject({ lastDeliveryAt: null, verified24h: 0, failed24h: 0 });
    expect(sources.map((item) => item.name.toLowerCase())).toEqual(sources.map((item) => item.name.toLowerCase()).sort());
  });
});

describe("the audit log", () => {
  it("has an entry for each kind of change, by the operator, and never a secret", async () => {
    const events = await getPrisma().auditEvent.findMany({
      where: { actorId: admin.id },
      select: { action: true, actorName: true, targetType: true, detail: true, ip: true },
    });
    const actions = new Set(events.map((event) => event.action));
    for (const action of [
      "source.create",
      "source.rename",
      "source.disable",
      "source.enable",
      "source.delete",
      "credential.add",
      "credential.rotate",
      "credential.revoke",
    ]) {
      expect(actions, action).toContain(action);
    }
    expect(events.every((event) => event.actorName === admin.name && event.ip === changedBy.ip)).toBe(true);
    const rotation = events.find((event) => event.action === "credential.rotate")!;
    expect(rotation).toMatchObject({
      targetType: "credential",
      detail: { source: "rotating-camera", old: { label: "initial secret", expiresAt: expect.any(String) }, new: { fingerprint: expect.any(String) } },
    });

    const everything = JSON.stringify(events);
    expect(secretsSeen.length).toBeGreaterThan(5);
    for (const secret of secretsSeen) expect(everything).not.toContain(secret);
    // Nor are secrets kept in clear anywhere in the database's credentials.
    const { rows } = await getPool().query<{ secret_ciphertext: Buffer | null }>("SELECT secret_ciphertext FROM credentials");
    for (const { secret_ciphertext } of rows) {
      for (const secret of secretsSeen) expect(secret_ciphertext?.includes(Buffer.from(secret)) ?? false).toBe(false);
    }
  });
});
