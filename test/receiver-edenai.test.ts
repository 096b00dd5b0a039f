import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { canonicalForms, type CanonicalForm } from "@/lib/signatures/edenai-canonical.ts";
import { signEdenaiPayload } from "@/lib/signatures/edenai.ts";
import { readStoredBlob } from "./helpers/blobs.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makePng } from "./helpers/images.ts";

// The Eden AI receiver over real HTTP against PostgreSQL: RSA signatures over each canonical
// form, both header spellings, the Responses table, duplicate job ids, and base64 images that
// end up in the gallery.

const eden = generateKeyPairSync("rsa", { modulusLength: 2048 });
const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
let env: TestEnvironment;

/** Signs `body` the way a server that serialized it in `form` would, and posts it. */
function post(body: string, options: { form?: CanonicalForm; key?: typeof eden.privateKey; headers?: Record<string, string | null> } = {}) {
  const raw = Buffer.from(body);
  const signedBytes = canonicalForms(raw).find(({ form }) => form === (options.form ?? "sorted-utf8"))!.bytes;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-edenai-signature": signEdenaiPayload(signedBytes, options.key ?? eden.privateKey),
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return env.post("eden", raw, headers);
}

async function deliveryRow(id: string) {
  return getPrisma().delivery.findUniqueOrThrow({ where: { id }, include: { images: { include: { image: true } }, quarantine: true } });
}

beforeAll(async () => {
  env = await startTestEnvironment();
  await createSource({ kind: "edenai", slug: "eden", publicKeyPems: [eden.publicKey.export({ type: "pkcs1", format: "pem" }).toString()] });
});

afterAll(async () => {
  await env?.close();
});

describe("POST /api/webhooks/<slug> (edenai)", () => {
  it("starts a new source with Eden AI's published key", async () => {
    const credentials = await getPrisma().credential.findMany({ where: { source: { slug: "eden" } }, orderBy: { createdAt: "asc" } });
    expect(credentials[0]).toMatchObject({
      kind: "rsa_public_key",
      label: "Eden AI published key",
      fingerprint: "3e527dfdfa4d5a03a411f548ad292923e3739ce21ded3031fa901338d6ba0965",
    });
    expect(credentials).toHaveLength(2);
  });

  for (const form of ["sorted-utf8", "python-json-dumps", "js-json-stringify", "raw-body"] as const) {
    it(`verifies a signature over the ${form} form and records the form`, async () => {
      const response = await post(
        `{"job_id":"job-${form}","status":"success","provider":"amazon","feature":"ocr","subfeature":"ocr_async","cost":"0.0015","output":{"score":1.0,"text":"café"}}`,
        { form },
      );
      expect(response.status).toBe(200);
      const row = await deliveryRow((await response.json()).id);
      expect(row).toMatchObject({
        status: "verified",
        signatureForm: form,
        jobId: `job-${form}`,
        jobStatus: "success",
        provider: "amazon",
        feature: "ocr",
        subfeature: "ocr_async",
      });
    });
  }

  it("accepts the misspelt X-Edenai-Signautre of the older docs, and an older payload with public_id", async () => {
    const body = '{"public_id":"legacy-1","status":"finished","results":{"google":{"status":"success"}}}';
    const signature = signEdenaiPayload(canonicalForms(Buffer.from(body)).find(({ form }) => form === "python-json-dumps")!.bytes, eden.privateKey);
    const response = await env.post("eden", Buffer.from(body), {
      "content-type": "application/json",
      "x-edenai-signautre": signature,
      "x-edenai-hash-algorithm": "SHA256",
    });
    expect(response.status).toBe(200);
    expect(await deliveryRow((await response.json()).id)).toMatchObject({ jobId: "legacy-1", provider: "google" });
  });

  it("keeps the payload exactly as received, number literals included", async () => {
    const body = '{"job_id":"literal-1","status":"success","output":{"a":1.0,"b":1e-05,"c":12345678901234567890,"10":"x","2":"y"}}';
    const response = await post(body);
    const row = await deliveryRow((await response.json()).id);
    expect((await readStoredBlob(row.rawBodyBlobId!)).toString()).toBe(body);
  });

  it("answers a repeated job_id with the first delivery's id", async () => {
    const first = await (await post('{"job_id":"dup-1","status":"success"}')).json();
    const again = await post('{"status": "success", "job_id": "dup-1"}');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: first.id, status: "verified" });
    expect(await getPrisma().delivery.count({ where: { jobId: "dup-1" } })).toBe(1);
  });

  it("extracts a base64 PNG into the gallery and never fetches URLs", async () => {
    const png = await makePng(96, 64);
    const body = JSON.stringify({
      job_id: "img-1",
      status: "success",
      feature: "image",
      subfeature: "generation",
      output: { items: [{ image: png.toString("base64"), image_resource_url: "http://198.51.100.7/never-fetched.png" }] },
    });
    const response = await post(body);
    expect(response.status).toBe(200);
    const { id } = await response.json();
    const detail = await (await env.api(`/api/deliveries/${id}`)).json();
    expect(detail.images).toEqual([expect.objectContaining({ mimeType: "image/png", width: 96, height: 64, origin: "$.output.items[0].image" })]);
    expect(detail.payload.output.items[0].image).toMatch(/^\[image\/png, \d+ bytes, sha256 [0-9a-f]{12}…/);
    const stored = Buffer.from(await (await env.api(`/api/images/${detail.images[0].id}`)).arrayBuffer());
    expect(stored.equals(png)).toBe(true);
    const gallery = await fetch(`${env.app.baseUrl}/gallery`, { redirect: "manual" });
    expect(gallery.status).toBe(307); // pages need a session; the e2e test looks at the gallery itself
  });

  it("answers 401 when the signature header is missing, and quarantines the body", async () => {
    const response = await post('{"job_id":"unsigned"}', { headers: { "x-edenai-signature": null } });
    expect(response.status).toBe(401);
    const row = await deliveryRow((await response.json()).id);
    expect(row).toMatchObject({ status: "failed", reason: expect.stringMatching(/missing/) });
    expect(row.quarantine).not.toBeNull();
  });

  it("answers 401 for a hash algorithm other than SHA256, naming it", async () => {
    const response = await post('{"job_id":"md5"}', { headers: { "x-edenai-hash-algorithm": "MD5" } });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toContain("MD5");
  });

  it("answers 401 for a signature by another key", async () => {
    expect((await post('{"job_id":"stranger"}', { key: stranger.privateKey })).status).toBe(401);
  });

  it("answers 401 when a value changed after signing", async () => {
    const signed = Buffer.from('{"job_id":"changed","status":"success"}');
    const signature = signEdenaiPayload(canonicalForms(signed)[0].bytes, eden.privateKey);
    const response = await env.post("eden", Buffer.from('{"job_id":"changed","status":"failed"}'), {
      "content-type": "application/json",
      "x-edenai-signature": signature,
    });
    expect(response.status).toBe(401);
  });

  it("answers 401 when a number was rewritten (1.0 to 1)", async () => {
    const signed = Buffer.from('{"job_id":"number","score":1.0}');
    const signature = signEdenaiPayload(canonicalForms(signed)[0].bytes, eden.privateKey);
    const response = await env.post("eden", Buffer.from('{"job_id":"number","score":1}'), {
      "content-type": "application/json",
      "x-edenai-signature": signature,
    });
    expect(response.status).toBe(401);
  });

  it("tells the sender of a body signed with a revoked key only that the signature does not match", async () => {
    const source = await createSource({
      kind: "edenai",
      slug: "eden-revoked",
      publicKeyPems: [stranger.publicKey.export({ type: "spki", format: "pem" }).toString()],
    });
    const key = await getPrisma().credential.findFirstOrThrow({ where: { sourceId: source.id, label: { not: "Eden AI published key" } } });
    await getPrisma().credential.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    const raw = Buffer.from('{"job_id":"revoked-key"}');
    const response = await env.post("eden-revoked", raw, {
      "content-type": "application/json",
      "x-edenai-signature": signEdenaiPayload(canonicalForms(raw)[0].bytes, stranger.privateKey),
    });
    expect(response.status).toBe(401);
    const answer = await response.text();
    expect(JSON.parse(answer).error).toBe("the signature does not match");
    for (const secretFact of [key.label, key.fingerprint, key.fingerprint.slice(0, 12), "revoked", "active key"]) expect(answer).not.toContain(secretFact);
    expect((await deliveryRow(JSON.parse(answer).id)).reason).toContain(`"${key.label}" (${key.fingerprint}), revoked`);
  });

  it("answers 400 for invalid JSON and 415 for a non-JSON Content-Type", async () => {
    // A signature of a key's length: a shorter one is refused (401) before the body is parsed.
    expect((await env.post("eden", Buffer.from('{"job_id":'), { "content-type": "application/json", "x-edenai-signature": "ab".repeat(256) })).status).toBe(
      400,
    );
    expect((await env.post("eden", Buffer.from("job_id=1"), { "content-type": "application/x-www-form-urlencoded", "x-edenai-signature": "ab" })).status).toBe(
      415,
    );
  });
});
