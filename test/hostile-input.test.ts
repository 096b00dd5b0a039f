import { createHmac, generateKeyPairSync } from "node:crypto";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db.ts";
import { maskitBody } from "@/lib/senders/multipart-body.ts";
import { canonicalForms } from "@/lib/signatures/edenai-canonical.ts";
import { signEdenaiPayload } from "@/lib/signatures/edenai.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";

// Issue 15 A5, the smaller holes: a signed payload with a lone surrogate, job ids that share a
// long prefix, log filters that PostgreSQL cannot take (NUL, year 0000), and LIKE wildcards in
// a search. Each answered as a careful product would: stored or 400, never a 500.

const SECRET = "whsec_hostile-input-secret-0123456789";
const eden = generateKeyPairSync("rsa", { modulusLength: 2048 });
let env: TestEnvironment;

function postSignedJson(text: string) {
  const raw = Buffer.from(text, "utf8");
  const signature = signEdenaiPayload(canonicalForms(raw).find(({ form }) => form === "python-json-dumps")!.bytes, eden.privateKey);
  return env.post("eden-hostile", raw, { "content-type": "application/json", "x-edenai-signature": signature });
}

beforeAll(async () => {
  env = await startTestEnvironment({ QUARANTINE_PER_MINUTE: "3" });
  await createSource({ kind: "edenai", slug: "eden-hostile", publicKeyPems: [eden.publicKey.export({ type: "spki", format: "pem" }).toString()] });
  await env.createMaskitSource("search-cam", [SECRET]);
  for (const [seed, metadata] of ["rate 100% done", "rate 1000 done", "file a_b.jpg", "file axb.jpg"].entries()) {
    const delivery = maskitBody(await makeJpeg(64, 48, { seed: seed + 1 }), metadata);
    const signature = createHmac("sha256", SECRET).update(delivery.body).digest("hex");
    expect((await env.post("search-cam", delivery.body, { "content-type": delivery.contentType, "x-signature": signature })).status).toBe(200);
  }
});

afterAll(async () => {
  await env?.close();
});

describe("hostile input", () => {
  it("stores a signed Eden AI payload holding a lone surrogate, the raw body as received", async () => {
    // Valid JSON; Python's json.dumps signs it as is; PostgreSQL's jsonb refuses "\ud800".
    const response = await postSignedJson('{"job_id":"surrogate-1","status":"success","output":{"text":"broken \\ud800 pair","\\udfff":1}}');
    expect(response.status).toBe(200);
    const row = await getPrisma().delivery.findUniqueOrThrow({ where: { id: (await response.json()).id } });
    expect(row).toMatchObject({ status: "verified", jobId: "surrogate-1" });
    expect(JSON.stringify(row.payload)).toContain("broken \uFFFD pair");
  });

  it("keeps at most QUARANTINE_PER_MINUTE failed bodies a minute per source, and logs the rest without their body", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await env.post("eden-hostile", Buffer.from(`{"job_id":"unsigned-${i}","pad":"${"p".repeat(100_000)}"}`), {
        "content-type": "application/json",
      });
      expect(response.status).toBe(401);
      ids.push((await response.json()).id);
    }
    const rows = await getPrisma().delivery.findMany({ where: { id: { in: ids } }, orderBy: { receivedAt: "asc" }, include: { quarantine: true } });
    expect(rows.map((row) => row.quarantine !== null)).toEqual([true, true, true, false, false]);
    expect(rows.map((row) => row.status)).toEqual(["failed", "failed", "failed", "failed", "failed"]);
    expect(rows[4].reason).toMatch(/missing.*body not kept: more than 3 failed deliveries from this source in a minute/);
  });

  it("accepts a 30000x30000 PNG and serves a placeholder thumbnail, made once, instead of failing on every view", async () => {
    const png = pngHeaderOnly(30_000, 30_000);
    const delivery = maskitBody(png, "huge png", { filename: "huge.png", contentType: "image/png" });
    const response = await env.post("search-cam", delivery.body, {
      "content-type": delivery.contentType,
      "x-signature": createHmac("sha256", SECRET).update(delivery.body).digest("hex"),
    });
    expect(response.status).toBe(200);
    const row = await getPrisma().delivery.findUniqueOrThrow({ where: { id: (await response.json()).id }, include: { image: true } });
    expect(row.image).toMatchObject({ width: 30_000, height: 30_000, mimeType: "image/png" });
    const views = [];
    for (let i = 0; i < 2; i++) {
      const thumbnail = await env.api(`/api/images/${row.image!.id}/thumbnail`);
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.headers.get("content-type")).toBe("image/webp");
      views.push(Buffer.from(await thumbnail.arrayBuffer()));
    }
    expect(views[0].equals(views[1])).toBe(true);
    expect(await getPrisma().rendition.count({ where: { imageId: row.image!.id, kind: "thumbnail" } })).toBe(1);
  });

  it("keeps job ids apart that share their first 256 characters", async () => {
    const prefix = "j".repeat(300);
    const first = await (await postSignedJson(`{"job_id":"${prefix}-a","status":"success"}`)).json();
    const second = await postSignedJson(`{"job_id":"${prefix}-b","status":"success"}`);
    expect(second.status).toBe(200);
    expect((await second.json()).id).not.toBe(first.id);
    // And a true retry of the long id is still one delivery.
    expect((await (await postSignedJson(`{"job_id":"${prefix}-a","status":"success"}`)).json()).id).toBe(first.id);
  });

  it("answers 400, not 500, for log filters with a NUL byte or a year-0000 date", async () => {
    for (const query of ["q=%00", "source=cam%00", "from=0000-01-01", "to=0000-12-31", "from=9999-12-31"]) {
      for (const route of ["/api/deliveries", "/api/deliveries/export", "/api/gallery"]) {
        const response = await env.api(`${route}?${query}`);
        expect(`${route}?${query}: ${response.status}`).toBe(`${route}?${query}: 400`);
      }
    }
  });

  it("searches for % and _ literally", async () => {
    const search = async (route: string, q: string) => {
      const { items } = await (await env.api(`${route}?source=search-cam&q=${encodeURIComponent(q)}`)).json();
      return items.map((item: { metadata: string }) => item.metadata).sort();
    };
    for (const route of ["/api/deliveries", "/api/gallery"]) {
      expect(await search(route, "100%")).toEqual(["rate 100% done"]);
      expect(await search(route, "a_b")).toEqual(["file a_b.jpg"]);
    }
  });
});

/** A PNG whose header claims `width` x `height` and whose pixel data is a token: enough to be accepted. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.alloc(1024))), chunk("IEND", Buffer.alloc(0))]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
