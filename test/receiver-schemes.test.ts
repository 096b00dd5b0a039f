import { sign as signGithub } from "@octokit/webhooks-methods";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "@/lib/auth/sessions.ts";
import { createSource } from "@/lib/sources/create-source.ts";
import { createUser } from "@/lib/users/create-user.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makePng } from "./helpers/images.ts";

// The new source kinds end to end (issue 14): deliveries signed by each provider's own code
// (standardwebhooks, stripe, @octokit/webhooks-methods, openssl) posted to the running app,
// verified, deduplicated by the sender's id, refused when tampered with or signed too long ago,
// and an image carried in any kind's JSON body reaching the gallery.

const SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STRIPE_SECRET = "whsec_receiver_schemes_stripe_secret";
const GITHUB_SECRET = "It's a Secret to Everybody";
const HMAC_SECRET = "receiver-schemes-generic-secret";
const stripe = new Stripe("sk_test_receiver_schemes");
let env: TestEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment();
  await createSource({ kind: "standard-webhooks", slug: "sw", secret: Buffer.from(SW_SECRET) });
  await createSource({ kind: "stripe", slug: "stripe", secret: Buffer.from(STRIPE_SECRET) });
  await createSource({ kind: "github", slug: "github", secret: Buffer.from(GITHUB_SECRET) });
  await createSource({
    kind: "hmac",
    slug: "generic",
    secret: Buffer.from(HMAC_SECRET),
    schemeOptions: { header: "X-Acme-Signature", algorithm: "sha512", encoding: "base64", prefix: "sha512=", dedupeHeader: "X-Acme-Delivery" },
  });
}, 240_000);

afterAll(async () => {
  await env?.close();
});

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

async function post(slug: string, body: Buffer, headers: Record<string, string>) {
  const response = await env.post(slug, body, { "content-type": "application/json", ...headers });
  return { status: response.status, body: (await response.json()) as { id: string; status: string; error?: string } };
}

async function delivery(id: string) {
  return (await (await env.api(`/api/deliveries/${id}`)).json()) as { status: string; reason: string | null; images: unknown[] };
}

function standardWebhookHeaders(body: Buffer, messageId: string, at = new Date()) {
  const signature = new Webhook(SW_SECRET).sign(messageId, at, body.toString());
  return { "webhook-id": messageId, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signature };
}

describe("standard-webhooks", () => {
  it("verifies a delivery signed by the standardwebhooks library, and takes the same webhook-id once", async () => {
    const body = json({ type: "invoice.paid", data: { id: 1 } });
    const headers = standardWebhookHeaders(body, `msg_${randomUUID()}`);
    const first = await post("sw", body, headers);
    expect(first).toMatchObject({ status: 200, body: { status: "verified" } });
    const again = await post("sw", body, headers);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it("refuses one signed outside the tolerance, saying so in the log", async () => {
    const body = json({ type: "late" });
    const answer = await post("sw", body, standardWebhookHeaders(body, `msg_${randomUUID()}`, new Date(Date.now() - 3600_000)));
    expect(answer.status).toBe(401);
    expect((await delivery(answer.body.id)).reason).toMatch(/timestamp|tolerance/i);
  });

  it("refuses a changed byte", async () => {
    const body = json({ type: "tampered", amount: 100 });
    const headers = standardWebhookHeaders(body, `msg_${randomUUID()}`);
    const answer = await post("sw", Buffer.from(body.toString().replace("100", "900")), headers);
    expect(answer.status).toBe(401);
    expect((await delivery(answer.body.id)).status).toBe("failed");
  });
});

describe("stripe", () => {
  it("verifies an event signed by stripe.webhooks.generateTestHeaderString, deduplicated by its id, with its base64 PNG in the gallery", async () => {
    const png = await makePng(40, 30);
    const payload = JSON.stringify({ id: `evt_${randomUUID()}`, type: "file.created", data: { object: { image: png.toString("base64") } } });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET });
    const first = await post("stripe", Buffer.from(payload), { "stripe-signature": header });
    expect(first).toMatchObject({ status: 200, body: { status: "verified" } });
    expect((await delivery(first.body.id)).images).toHaveLength(1);
    const retried = await post("stripe", Buffer.from(payload), {
      "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET }),
    });
    expect(retried.body.id).toBe(first.body.id);
  });

  it("refuses an event signed with another secret", async () => {
    const payload = JSON.stringify({ id: `evt_${randomUUID()}`, type: "charge.failed" });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_someone_else" });
    expect((await post("stripe", Buffer.from(payload), { "stripe-signature": header })).status).toBe(401);
  });
});

describe("github", () => {
  it("verifies X-Hub-Signature-256 made by @octokit/webhooks-methods, deduplicated by X-GitHub-Delivery", async () => {
    const body = json({ zen: "Keep it logically awesome.", hook_id: 1 });
    const headers = { "x-hub-signature-256": await signGithub(GITHUB_SECRET, body.toString()), "x-github-delivery": randomUUID(), "x-github-event": "ping" };
    const first = await post("github", body, headers);
    expect(first).toMatchObject({ status: 200, body: { status: "verified" } });
    expect((await post("github", body, headers)).body.id).toBe(first.body.id);
    expect((await post("github", body, { ...headers, "x-hub-signature-256": `sha256=${"0".repeat(64)}` })).status).toBe(401);
  });
});

describe("hmac (configured per source)", () => {
  it("verifies a base64 SHA-512 signature with its prefix, as openssl computes it, in the header the source names", async () => {
    const body = json({ event: "order.created", order: 42 });
    const digest = execFileSync("openssl", ["dgst", "-sha512", "-hmac", HMAC_SECRET, "-binary"], { input: body }).toString("base64");
    const headers = { "x-acme-signature": `sha512=${digest}`, "x-acme-delivery": randomUUID() };
    const first = await post("generic", body, headers);
    expect(first).toMatchObject({ status: 200, body: { status: "verified" } });
    expect((await post("generic", body, headers)).body.id).toBe(first.body.id);
    const missingPrefix = await post("generic", body, { ...headers, "x-acme-signature": digest, "x-acme-delivery": randomUUID() });
    expect(missingPrefix.status).toBe(401);
  });

  it("shows a refused delivery's diagnosis in the inspector, in words", async () => {
    const body = json({ event: "order.cancelled" });
    const digest = execFileSync("openssl", ["dgst", "-sha512", "-hmac", HMAC_SECRET, "-binary"], { input: body }).toString("base64");
    const refused = await post("generic", body, { "x-acme-signature": digest, "x-acme-delivery": randomUUID() });
    const viewer = await createUser({ email: "schemes-viewer@example.com", role: "viewer", password: "a long enough password" });
    const cookie = `webhook_inbox_session=${(await createSession(viewer.id)).token}`;
    const page = await fetch(`${env.app.baseUrl}/deliveries/${refused.body.id}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/data-finding="prefix_missing"/);
  });
});
