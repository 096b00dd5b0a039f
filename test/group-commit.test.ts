import { createHash, createHmac, randomUUID } from "node:crypto";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitVerifiedDelivery, type DeliveryFacts, type IncomingImage } from "@/lib/deliveries/record-delivery.ts";
import { getPool, getPrisma } from "@/lib/db.ts";
import { getStorage } from "@/lib/storage/configured-store.ts";
import { Spool } from "@/lib/ingest/spool.ts";
import { findReceivingSource } from "@/lib/sources/find-receiving-source.ts";
import { StaleSourceError } from "@/lib/sources/source-stamp.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg } from "./helpers/images.ts";
import { maskitBody } from "./helpers/multipart.ts";

// Group commit (lib/deliveries/group-commit.ts): deliveries that finish verifying while a
// commit is under way are committed together. Over HTTP, many senders at once all get their own
// delivery, stored whole, in fewer transactions than deliveries; in the library, a delivery
// that cannot be stored fails alone, and a retry inside one batch answers with the first id.

const SECRET = "whsec_group-commit-test-secret-0123";
let env: TestEnvironment;
let photo: Buffer;
let sourceId: string;

beforeAll(async () => {
  env = await startTestEnvironment();
  sourceId = (await env.createMaskitSource("busy-camera", [SECRET])).id;
  photo = await makeJpeg(640, 360);
});

afterAll(async () => {
  await env?.close();
});

const sign = (body: Buffer) => createHmac("sha256", SECRET).update(body).digest("hex");
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("group commit", () => {
  it("gives each of 48 concurrent senders its own stored delivery, retries the first id, in fewer transactions", async () => {
    const images = Array.from({ length: 48 }, (_, n) => Buffer.concat([photo, Buffer.from(`\0frame ${n}`)])); // distinct bytes after EOI
    const unique = images.map((image, n) => maskitBody(image, `frame ${n}`));
    const retried = maskitBody(Buffer.concat([photo, Buffer.from("\0retried")]), "retried");
    const posts = [...unique, ...Array(6).fill(retried)].map((delivery) =>
      env.post("busy-camera", delivery.body, { "content-type": delivery.contentType, "x-signature": sign(delivery.body) }),
    );
    const answers = await Promise.all(posts.map(async (response) => ({ httpStatus: (await response).status, ...(await (await response).json()) })));

    expect(answers.map((answer) => answer.httpStatus)).toEqual(Array(54).fill(200));
    const retryIds = new Set(answers.slice(48).map((answer) => answer.id));
    expect(retryIds.size).toBe(1);
    expect(new Set(answers.map((answer) => answer.id)).size).toBe(49);

    const rows = await getPrisma().delivery.findMany({ where: { sourceId }, include: { image: true } });
    expect(rows).toHaveLength(49);
    for (const [n, answer] of answers.slice(0, 48).entries()) {
      const row = rows.find((candidate) => candidate.id === answer.id)!;
      expect(row).toMatchObject({ status: "verified", metadata: `frame ${n}` });
      expect(row.image!.sha256).toBe(sha256(images[n]));
    }
    // xmin is the transaction that inserted a row: fewer transactions than deliveries.
    const { rows: transactions } = await getPool().query<{ count: string }>("SELECT count(DISTINCT xmin::text) FROM deliveries WHERE source_id = $1", [
      sourceId,
    ]);
    expect(Number(transactions[0].count)).toBeLessThan(49);
  });

  // Two batches may be in flight at once, so the third and later calls of one tick queue up and
  // commit as one batch.
  it("fails only the delivery that cannot be stored when it shares a batch with others", async () => {
    const calls = [0, 1, 2, 3, 4].map((n) => pending(n === 3 ? randomUUID() : sourceId, `fails-alone-${n}`));
    const storage = await getStorage();
    const outcomes = await Promise.allSettled(calls.map(({ facts, image, key }) => commitVerifiedDelivery(storage, facts, { images: [image] }, key)));

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(String((outcomes[3] as PromiseRejectedResult).reason)).toMatch(/foreign key/);
    const stored = await getPrisma().delivery.findMany({ where: { id: { in: calls.map((call) => call.facts.id) } } });
    expect(stored.map((row) => row.metadata).sort()).toEqual(["fails-alone-0", "fails-alone-1", "fails-alone-2", "fails-alone-4"]);
  });

  it("answers a retry that lands in the same batch as its original with the original's id", async () => {
    const calls = [pending(sourceId, "filler-a"), pending(sourceId, "filler-b"), pending(sourceId, "twice"), pending(sourceId, "twice again")];
    calls[3].key = calls[2].key;
    const storage = await getStorage();
    const results = await Promise.all(calls.map(({ facts, image, key }) => commitVerifiedDelivery(storage, facts, { images: [image] }, key)));

    expect(results[2]).toMatchObject({ isDuplicate: false, deliveryId: calls[2].facts.id });
    expect(results[3]).toEqual({ isDuplicate: true, deliveryId: calls[2].facts.id });
    expect(await getPrisma().delivery.count({ where: { id: calls[3].facts.id } })).toBe(0);
  });

  // The receiver remembers sources (lib/sources/receiving-source-cache.ts); what it verified with
  // one is committed only if the source is still that one inside the commit's transaction.
  it("leaves out of its batch a delivery verified with a source that has changed since, and stores the others", async () => {
    const current = await findReceivingSource(getPool(), "busy-camera");
    const calls = [0, 1, 2].map((n) => pending(sourceId, `stamped-${n}`));
    const stamps = [current!.stamp, "a stamp from before a secret was revoked", current!.stamp];
    const storage = await getStorage();
    const outcomes = await Promise.allSettled(
      calls.map(({ facts, image, key }, n) => commitVerifiedDelivery(storage, facts, { images: [image] }, key, { sourceId, stamp: stamps[n] })),
    );

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(StaleSourceError);
    const stored = await getPrisma().delivery.findMany({ where: { id: { in: calls.map((call) => call.facts.id) } } });
    expect(stored.map((row) => row.metadata).sort()).toEqual(["stamped-0", "stamped-2"]);
  });

  it("gives a source a new stamp when a credential is revoked or expires, or the source changes", async () => {
    const created = await env.createMaskitSource("stamp-camera", [SECRET]);
    const stamp = async () => (await findReceivingSource(getPool(), "stamp-camera"))!.stamp;
    const seen = [await stamp()];
    expect(await stamp()).toBe(seen[0]);
    await getPool().query("UPDATE credentials SET revoked_at = now() WHERE source_id = $1", [created.id]);
    seen.push(await stamp());
    await getPool().query("UPDATE credentials SET revoked_at = NULL, expires_at = now() + interval '2 seconds' WHERE source_id = $1", [created.id]);
    seen.push(await stamp());
    await new Promise((resolve) => setTimeout(resolve, 2100));
    seen.push(await stamp()); // expired since: the same row, no longer active
    await getPool().query("UPDATE sources SET scheme_options = '{\"x\": 1}' WHERE id = $1", [created.id]);
    seen.push(await stamp());
    await getPool().query("UPDATE sources SET enabled = false WHERE id = $1", [created.id]);
    seen.push(await stamp());
    expect(new Set(seen).size).toBe(seen.length);
  });
});

function pending(forSource: string, metadata: string): { facts: DeliveryFacts; image: IncomingImage; key: string } {
  const bytes = Buffer.concat([photo, Buffer.from(`\0${metadata}`)]);
  const spool = new Spool(os.tmpdir());
  void spool.write(bytes); // in memory: the write completes at once
  const facts: DeliveryFacts = {
    id: randomUUID(),
    sourceId: forSource,
    receivedAt: new Date(),
    status: "verified",
    httpStatus: 200,
    reason: null,
    metadata,
    fileName: null,
    contentType: "multipart/form-data; boundary=x",
    bodySha256: sha256(bytes),
    bodySize: bytes.length,
    signature: null,
    headers: {},
    matchedCredential: null,
    durationMs: 1,
  };
  return {
    facts,
    image: { spool, sha256: sha256(bytes), mimeType: "image/jpeg", width: 640, height: 360, origin: "maskedImage" },
    key: `body:${sha256(bytes)}`,
  };
}
