// Eden AI verification cost per delivery: parse the body, build each candidate canonical form,
// and check the signature against each active key. Measured for a 2 KB and a 1 MB job result,
// in the typical case (signed in the first form tried) and the worst case (no form matches, so
// every form is built and tried against every key), beside JSON.parse of the same body and one
// RSA verification in the same process as baselines. Medians of many runs, in microseconds.
// Usage: npx tsx bench/edenai-verify.ts
import { constants, generateKeyPairSync, sign, verify } from "node:crypto";
import { performance } from "node:perf_hooks";
import { canonicalForms } from "../lib/signatures/edenai-canonical.ts";
import { EDENAI_PUBLISHED_PUBLIC_KEY, parseRsaPublicKey, signEdenaiPayload, verifyEdenaiSignature, type EdenaiKey } from "../lib/signatures/edenai.ts";
import { median } from "./lib/load.ts";

const signer = generateKeyPairSync("rsa", { modulusLength: 2048 });
const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
const keys: EdenaiKey[] = [
  { id: "published", label: "Eden AI", fingerprint: "", key: parseRsaPublicKey(EDENAI_PUBLISHED_PUBLIC_KEY).key },
  { id: "test", label: "test", fingerprint: "", key: signer.publicKey },
];

console.log("| payload | case | median µs | vs JSON.parse | vs one RSA verify |\n|---|---|---|---|---|");
for (const [label, targetBytes, runs] of [
  ["2 KB", 2 * 1024, 2000],
  ["1 MB", 1024 * 1024, 40],
] as const) {
  const body = Buffer.from(JSON.stringify(jobResult(targetBytes)));
  const sortedForm = canonicalForms(body)[0].bytes;
  const typical = new Headers({ "x-edenai-signature": signEdenaiPayload(sortedForm, signer.privateKey) });
  const worst = new Headers({ "x-edenai-signature": signEdenaiPayload(sortedForm, stranger.privateKey) });
  const parse = time(runs, () => JSON.parse(body.toString("utf8")));
  const digestHex = Buffer.alloc(64, "a");
  const rsaSignature = sign("sha256", digestHex, { key: signer.privateKey, padding: constants.RSA_PKCS1_PADDING });
  const rsaOnly = time(runs, () => verify("sha256", digestHex, { key: signer.publicKey, padding: constants.RSA_PKCS1_PADDING }, rsaSignature));
  const cases = {
    "signed in the first form": time(runs, () => verifyEdenaiSignature({ rawBody: body, headers: typical, keys })),
    "worst: all forms x 2 keys, no match": time(runs, () => {
      try {
        verifyEdenaiSignature({ rawBody: body, headers: worst, keys });
      } catch {
        // expected: no form matches
      }
    }),
  };
  for (const [name, micros] of Object.entries(cases)) {
    console.log(`| ${label} (${body.length} B) | ${name} | ${micros.toFixed(0)} | ${(micros / parse).toFixed(1)}x | ${(micros / rsaOnly).toFixed(1)}x |`);
  }
  console.log(`| ${label} | baseline: JSON.parse | ${parse.toFixed(0)} | 1x | |`);
  console.log(`| ${label} | baseline: one RSA-2048 verify | ${rsaOnly.toFixed(0)} | | 1x |`);
}

function time(runs: number, work: () => unknown): number {
  for (let i = 0; i < Math.min(20, runs); i++) work(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    samples.push((performance.now() - started) * 1000);
  }
  return median(samples);
}

/** A plausible OCR job result of about `bytes` bytes: text, numbers with decimals, nesting. */
function jobResult(bytes: number) {
  const words = "Rechnung café total 1.0 naïve 日本 invoice amount due".split(" ");
  const lines: Array<{ text: string; confidence: number; bbox: number[] }> = [];
  const result = {
    job_id: "5f0c1e7a-2b9d-4f3e-9a51-0c2d3e4f5a6b",
    status: "success",
    provider: "amazon",
    feature: "ocr",
    subfeature: "ocr_async",
    cost: "0.0015",
    output: { raw_text: "", lines },
  };
  let size = JSON.stringify(result).length;
  for (let i = 0; size < bytes; i++) {
    const line = { text: `${words[i % words.length]} ${i}`, confidence: 0.9 + (i % 10) / 100, bbox: [i % 640, (i * 7) % 480, 120.5, 18.25] };
    lines.push(line);
    size += JSON.stringify(line).length + 1;
  }
  return result;
}
