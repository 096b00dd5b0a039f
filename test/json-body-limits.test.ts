import { generateKeyPairSync, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "@/lib/auth/sessions.ts";
import { getPrisma } from "@/lib/db.ts";
import { canonicalForms } from "@/lib/signatures/edenai-canonical.ts";
import { signEdenaiPayload } from "@/lib/signatures/edenai.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { createUser } from "@/lib/users/create-user.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";

// Issue 15 A2: a JSON source cannot stall the app. Bodies over MAX_JSON_BODY_BYTES (8 MiB) are
// refused; a signature header that cannot match is refused before the body is parsed; and the
// parsing, canonical forms and diagnosis of a body run in a worker thread within a time budget
// (JSON_ANALYSIS_TIMEOUT_MS, short here), so operators keep being answered meanwhile and the
// inspector says "too large to analyse here" rather than holding the page.

const BUDGET_MS = 400;
const eden = generateKeyPairSync("rsa", { modulusLength: 2048 });
let env: TestEnvironment;
let viewerCookie: string;

const postJson = (body: Buffer, headers: Record<string, string> = {}) => env.post("eden-limits", body, { "content-type": "application/json", ...headers });
/** A 2048-bit RSA signature's length in hex, but signing nothing: it passes every cheap check. */
const plausibleSignature = () => randomBytes(256).toString("hex");

beforeAll(async () => {
  env = await startTestEnvironment({ JSON_ANALYSIS_TIMEOUT_MS: String(BUDGET_MS) });
  await createSource({ kind: "edenai", slug: "eden-limits", publicKeyPems: [eden.publicKey.export({ type: "spki", format: "pem" }).toString()] });
  const viewer = await createUser({ email: "limits-viewer@example.com", role: "viewer", password: "a long enough password" });
  viewerCookie = `webhook_inbox_session=${(await createSession(viewer.id)).token}`;
});

afterAll(async () => {
  await env?.close();
});

describe("JSON bodies that could stall the app", () => {
  it("verifies a small signed job result in the worker thread", async () => {
    const raw = Buffer.from(`{"job_id":"limits-ok","status":"success","output":{"score":1.0}}`);
    const signature = signEdenaiPayload(canonicalForms(raw)[0].bytes, eden.privateKey);
    const response = await postJson(raw, { "x-edenai-signature": signature });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "verified" });
  });

  it("refuses a body over MAX_JSON_BODY_BYTES (8 MiB) with 413, though MAX_BODY_BYTES is 64 MiB", async () => {
    const response = await postJson(Buffer.alloc(8 * 1024 * 1024 + 1, 0x20), { "x-edenai-signature": plausibleSignature() });
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatch(/8388608/);
  });

  it("refuses a missing, non-hex or wrong-length signature before parsing the body", async () => {
    // Not JSON at all: a parser would answer 400, so a 401 shows that nothing was parsed.
    const notJson = Buffer.from(`{"job_id": "cheap", ${"x".repeat(1024 * 1024)}`);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /missing/],
      [{ "x-edenai-signature": "not hex at all" }, /not hexadecimal/],
      [{ "x-edenai-signature": "ab".repeat(32) }, /32 bytes long, the length of no RSA signature/],
    ];
    for (const [headers, reason] of cases) {
      const response = await postJson(notJson, headers);
      expect(response.status).toBe(401);
      const { id, error } = await response.json();
      expect(error).toMatch(reason);
      expect(await getPrisma().delivery.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "failed", httpStatus: 401, bodySize: notJson.length });
    }
  });

  it("keeps answering operators while a large body is analysed, and gives the body up past the time budget", async () => {
    expect((await env.api("/api/deliveries?limit=1")).status).toBe(200); // the route's first load is not the body's doing
    const big = Buffer.from(JSON.stringify({ job_id: "too-big", items: Array.from({ length: 250_000 }, (_, i) => ({ n: i, s: "abcdefgh" })) }));
    expect(big.length).toBeLessThan(8 * 1024 * 1024);
    const pending = postJson(big, { "x-edenai-signature": plausibleSignature() });
    const latencies: number[] = [];
    let answer: Response | undefined;
    void pending.then((response) => (answer = response));
    while (!answer) {
      const started = performance.now();
      const response = await env.api("/api/deliveries?limit=1");
      expect(response.status).toBe(200);
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(answer.status).toBe(413);
    const { id, error } = await answer.json();
    expect(error).toMatch(new RegExp(`could not be analysed within ${BUDGET_MS} ms`));
    // On the event loop, parsing this body held every request for seconds.
    console.log(`operator API during the large body: ${latencies.length} requests, max ${Math.max(...latencies).toFixed(0)} ms`);
    expect(Math.max(...latencies)).toBeLessThan(BUDGET_MS + 600);

    const started = performance.now();
    const page = await fetch(`${env.app.baseUrl}/deliveries/${id}`, { headers: { cookie: viewerCookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Too large to analyse here");
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
