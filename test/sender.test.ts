import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSource } from "@/lib/sources/create-source.ts";
import { startTestEnvironment, type TestEnvironment } from "./helpers/environment.ts";
import { makeJpeg, makePng } from "./helpers/images.ts";
import { commandLine } from "./helpers/command-line.ts";

// `npm run send` end to end: the sender runs as the operator runs it, a separate process with the
// secret on standard input, against the built app on a real PostgreSQL; what it sent is checked
// through the operator API, and its signatures against openssl's over the exact bytes sent.

const SECRET = "whsec_sender-test-secret-0123456789";
let env: TestEnvironment;
let folder: string;
/** Only the three images: the maskit runs send the whole folder. */
let imageDir: string;
let images: Record<string, Buffer>;
let publicPem: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the sender without blocking this process, which relays the app server's output. */
function send(args: string[], input = ""): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, commandLine("send", args), { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const url = (slug: string) => `${env.app.baseUrl}/api/webhooks/${slug}`;

async function deliveriesOf(slug: string) {
  const response = await env.api(`/api/deliveries?source=${slug}&limit=200`);
  expect(response.status).toBe(200);
  return (await response.json()).items as Array<{ status: string; metadata: string; fileName: string | null; [field: string]: unknown }>;
}

beforeAll(async () => {
  env = await startTestEnvironment();
  folder = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-sender-"));
  imageDir = path.join(folder, "images");
  images = { "a.jpg": await makeJpeg(640, 480, { seed: 11 }), "b.png": await makePng(64, 48), "c.jpg": await makeJpeg(320, 240, { seed: 12 }) };
  await mkdir(imageDir);
  for (const [name, bytes] of Object.entries(images)) await writeFile(path.join(imageDir, name), bytes);
  for (const slug of ["send-ok", "send-tamper", "send-wrong", "send-openssl", "send-bad-input"]) await env.createMaskitSource(slug, [SECRET]);
});

afterAll(async () => {
  await env?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe("npm run send -- maskit", () => {
  it("posts one verified delivery per image, with the templated metadata", async () => {
    const run = await send(["maskit", "--url", url("send-ok"), "--secret-stdin", "--metadata", "run {batch} #{n} {file}", imageDir], `${SECRET}\n`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/accepted \(2xx\): 3\n/);
    expect(run.stdout).toMatch(/every delivery answered 2xx, as expected/);

    const items = await deliveriesOf("send-ok");
    expect(items).toHaveLength(3);
    expect(items.every((item) => item.status === "verified")).toBe(true);
    const byNumber = items.map((item) => item.metadata.match(/^run (\d{8}T\d{6}Z-[0-9a-f]{4}) #(\d) (\S+)$/)!).sort((a, b) => Number(a[2]) - Number(b[2]));
    expect(byNumber.map((match) => `${match[2]} ${match[3]}`)).toEqual(["1 a.jpg", "2 b.png", "3 c.jpg"]);
    expect(new Set(byNumber.map((match) => match[1])).size).toBe(1);
    const png = items.find((item) => item.fileName === "b.png")!;
    expect(png.image).toMatchObject({ mimeType: "image/png", width: 64, height: 48, sha256: sha256(images["b.png"]) });
  });

  it("--tamper: every delivery is refused 401 and recorded as failed, which is what the run expects", async () => {
    const run = await send(["maskit", "--url", url("send-tamper"), "--secret-stdin", "--tamper", imageDir], SECRET);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/refused: +401: 3\n/);
    const items = await deliveriesOf("send-tamper");
    expect(items.map((item) => [item.status, item.httpStatus])).toEqual(Array(3).fill(["failed", 401]));
  });

  it("--wrong-secret: refused 401; without --wrong-secret the same answer fails the run", async () => {
    const run = await send(["maskit", "--url", url("send-wrong"), "--wrong-secret", "--count", "2", path.join(imageDir, "a.jpg")]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/refused: +401: 2\n/);
    const mismatched = await send(["maskit", "--url", url("send-wrong"), "--secret-stdin", path.join(imageDir, "a.jpg")], "whsec_not-the-source-secret-at-all");
    expect(mismatched.code).toBe(1);
    expect(mismatched.stderr).toMatch(/delivery 1 \(a\.jpg\): 401 /);
    expect((await deliveriesOf("send-wrong")).every((item) => item.status === "failed")).toBe(true);
  });

  it("signs the bytes it sends exactly as openssl dgst -hmac does", async () => {
    const dumpDir = path.join(folder, "dump");
    const run = await send(["maskit", "--url", url("send-openssl"), "--secret-stdin", "--count", "4", "--dump-body", dumpDir, `${imageDir}/*.*g`], SECRET);
    expect(run.code, run.stderr).toBe(0);
    for (const n of [1, 2, 3, 4]) {
      const headers = await readFile(path.join(dumpDir, `${n}.headers`), "utf8");
      const signature = headers.match(/^x-signature: ([0-9a-f]{64})$/m)![1];
      const openssl = execFileSync("openssl", ["dgst", "-sha256", "-hmac", SECRET, "-hex"], {
        input: await readFile(path.join(dumpDir, `${n}.body`)),
      }).toString();
      expect(openssl.trim().split(/\s+/).at(-1)).toBe(signature);
    }
    const items = await deliveriesOf("send-openssl");
    expect(items.map((item) => item.status)).toEqual(Array(4).fill("verified"));
    expect(items.map((item) => item.fileName).sort()).toEqual(["a.jpg", "a.jpg", "b.png", "c.jpg"]);
  });

  it("refuses a file that is not a JPEG or PNG, naming it, before sending anything", async () => {
    const notAnImage = path.join(folder, "notes.jpg.txt");
    await writeFile(notAnImage, "not an image\n");
    const run = await send(["maskit", "--url", url("send-bad-input"), "--secret-stdin", path.join(imageDir, "a.jpg"), notAnImage], SECRET);
    await rm(notAnImage);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${notAnImage} is not a JPEG or PNG`);
    expect(await deliveriesOf("send-bad-input")).toEqual([]);
  });
});

describe("npm run send -- edenai", () => {
  it("keygen writes a private key only its owner can read and prints the public key", async () => {
    const keyFile = path.join(folder, "eden.pem");
    const run = await send(["keygen", "--out", keyFile]);
    expect(run.code, run.stderr).toBe(0);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(keyFile, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(run.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    // The public key is also in a file it names, ready for `source add --public-key-file`.
    const publicFile = path.join(folder, "eden.pub.pem");
    expect(run.stderr).toContain(`its public key to ${publicFile}`);
    expect(await readFile(publicFile, "utf8")).toBe(run.stdout);
    publicPem = run.stdout;
    await createSource({ kind: "edenai", slug: "send-eden", publicKeyPems: [publicPem] });

    const again = await send(["keygen", "--out", keyFile]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
  });

  it("sends job results, one with an embedded image, that verify over the sorted-utf8 form", async () => {
    const keyFile = path.join(folder, "eden.pem");
    const plain = await send(["edenai", "--url", url("send-eden"), "--key-file", keyFile]);
    expect(plain.code, plain.stderr).toBe(0);
    const withImage = await send(["edenai", "--url", url("send-eden"), "--key-file", keyFile, "--image", path.join(imageDir, "c.jpg")]);
    expect(withImage.code, withImage.stderr).toBe(0);

    const items = await deliveriesOf("send-eden");
    expect(items.map((item) => item.status)).toEqual(["verified", "verified"]);
    const details = await Promise.all(items.map(async (item) => (await env.api(`/api/deliveries/${item.id}`)).json()));
    expect(details.map((detail) => detail.signatureForm)).toEqual(["sorted-utf8", "sorted-utf8"]);
    const generated = details.find((detail) => detail.images.length > 0);
    expect(generated.images).toEqual([
      expect.objectContaining({ mimeType: "image/jpeg", width: 320, height: 240, sha256: sha256(images["c.jpg"]), origin: "$.output.items[0].image" }),
    ]);
  });

  it("--form python-json-dumps is verified over that form", async () => {
    const run = await send(["edenai", "--url", url("send-eden"), "--key-file", path.join(folder, "eden.pem"), "--form", "python-json-dumps"]);
    expect(run.code, run.stderr).toBe(0);
    const [latest] = await deliveriesOf("send-eden");
    expect((await (await env.api(`/api/deliveries/${latest.id}`)).json()).signatureForm).toBe("python-json-dumps");
  });

  it("--tamper: refused 401 and recorded as failed", async () => {
    const run = await send(["edenai", "--url", url("send-eden"), "--key-file", path.join(folder, "eden.pem"), "--tamper", "--count", "2"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/refused: +401: 2\n/);
    const failed = (await deliveriesOf("send-eden")).filter((item) => item.status === "failed");
    expect(failed.map((item) => item.httpStatus)).toEqual([401, 401]);
  });
});

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
