import { verify as verifyGithub } from "@octokit/webhooks-methods";
import { spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync, verify as verifyEd25519 } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { commandLine } from "./helpers/command-line.ts";

// `npm run send` for the new kinds, against a real HTTP server that checks each delivery with
// the provider's own library (standardwebhooks, stripe, @octokit/webhooks-methods, openssl) and
// answers 200 or 401, as a receiver would. The sender must get 2xx, and 401 with --tamper.

type Check = (body: Buffer, headers: http.IncomingHttpHeaders) => boolean | Promise<boolean>;

const stripe = new Stripe("sk_test_sender");
const SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SECRET = "sender-test-secret-0123456789";
const ed25519 = generateKeyPairSync("ed25519");
let server: http.Server;
let baseUrl: string;
let keyDir: string;
const received: Array<{ path: string; headers: http.IncomingHttpHeaders; body: Buffer }> = [];

const CHECKS: Record<string, Check> = {
  "/standard-webhooks": (body, headers) => {
    try {
      new Webhook(SW_SECRET).verify(body.toString(), headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  },
  "/standard-webhooks-v1a": (body, headers) => {
    const signature = String(headers["webhook-signature"])
      .split(" ")
      .find((entry) => entry.startsWith("v1a,"));
    const message = Buffer.concat([Buffer.from(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.`), body]);
    return Boolean(signature) && verifyEd25519(null, message, ed25519.publicKey, Buffer.from(signature!.slice(4), "base64"));
  },
  "/github": (body, headers) => verifyGithub(SECRET, body.toString(), String(headers["x-hub-signature-256"])),
  "/stripe": (body, headers) => {
    try {
      return stripe.webhooks.constructEvent(body, String(headers["stripe-signature"]), "whsec_stripe_sender_test").id.startsWith("evt_");
    } catch {
      return false;
    }
  },
  "/hmac": (body, headers) => {
    const signed = Buffer.concat([Buffer.from(`${headers["x-ts"]}.`), body]);
    const digest = spawnSync("openssl", ["dgst", "-sha384", "-hmac", SECRET, "-binary"], { input: signed }).stdout.toString("base64");
    return headers["x-sig"] === `v1=${digest}`;
  },
};

beforeAll(async () => {
  keyDir = await mkdtemp(path.join(os.tmpdir(), "sender-schemes-"));
  await writeFile(path.join(keyDir, "ed25519.pem"), ed25519.privateKey.export({ type: "pkcs8", format: "pem" }));
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const body = Buffer.concat(chunks);
      received.push({ path: request.url!, headers: request.headers, body });
      const isValid = await CHECKS[request.url!]?.(body, request.headers);
      response.writeHead(isValid ? 200 : 401, { "content-type": "application/json" }).end(JSON.stringify({ status: isValid ? "verified" : "failed" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(keyDir, { recursive: true, force: true });
});

function send(args: string[], input = ""): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, commandLine("send", args), { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code, stderr }));
    child.stdin.end(input);
  });
}

describe("npm run send, new kinds", () => {
  it("sends Standard Webhooks deliveries the standardwebhooks library verifies, v1 and v1a", async () => {
    expect(await send(["standard-webhooks", "--url", `${baseUrl}/standard-webhooks`, "--secret-stdin", "--count", "3"], `${SW_SECRET}\n`)).toMatchObject({
      code: 0,
    });
    expect(await send(["standard-webhooks", "--url", `${baseUrl}/standard-webhooks-v1a`, "--key-file", path.join(keyDir, "ed25519.pem")])).toMatchObject({
      code: 0,
    });
    const ids = received.filter((request) => request.path === "/standard-webhooks").map((request) => request.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(3);
  });

  it("sends GitHub, Stripe and generic HMAC deliveries their verifiers accept", async () => {
    expect(await send(["github", "--url", `${baseUrl}/github`, "--secret-stdin"], SECRET)).toMatchObject({ code: 0 });
    expect(await send(["stripe", "--url", `${baseUrl}/stripe`, "--secret-stdin", "--count", "2"], "whsec_stripe_sender_test\n")).toMatchObject({ code: 0 });
    const hmacFlags = [
      "--header",
      "X-Sig",
      "--algorithm",
      "sha384",
      "--encoding",
      "base64",
      "--prefix",
      "v1=",
      "--signed-string",
      "timestamp.body",
      "--timestamp-header",
      "X-Ts",
    ];
    expect(await send(["hmac", "--url", `${baseUrl}/hmac`, "--secret-stdin", ...hmacFlags], SECRET)).toMatchObject({ code: 0 });
  });

  it("expects 401 for tampered or wrongly signed deliveries, and refuses bad input before sending", async () => {
    expect(await send(["github", "--url", `${baseUrl}/github`, "--secret-stdin", "--tamper"], SECRET)).toMatchObject({ code: 0 });
    expect(await send(["stripe", "--url", `${baseUrl}/stripe`, "--wrong-secret"])).toMatchObject({ code: 0 });
    const before = received.length;
    expect(await send(["hmac", "--url", `${baseUrl}/hmac`, "--secret-stdin"], SECRET)).toMatchObject({ code: 2 });
    expect((await send(["hmac", "--url", `${baseUrl}/hmac`, "--secret-stdin", "--header", "X-Sig", "--algorithm", "md5"], SECRET)).stderr).toContain(
      "algorithm must be",
    );
    expect(received.length).toBe(before);
  });
});
