import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildMultipart, maskitBody } from "@/lib/senders/multipart-body.ts";
import type { SchemeCredential, SchemeFinding } from "../scheme.ts";
import { diagnoseMaskit } from "./diagnose-maskit.ts";

// Each thing the inspector can tell an operator about a MaskIt signature that did not verify,
// on real multipart bodies and real HMACs, as finding codes and facts (their wording is
// lib/schemes/finding-text.ts's, tested there).

const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from("JFIF\0 a small fake jpeg body with a line break\r\n"),
  Buffer.from([0xff, 0xd9]),
]);
const delivery = maskitBody(JPEG, "batch-7/frame-3");
const current = secret("c-current", "current secret", "whsec_current-secret-0123456789");
const revoked = secret("c-revoked", "leaked secret", "whsec_leaked-secret-0123456789", "revoked", new Date("2026-11-20T10:00:00Z"));
const expired = secret("c-expired", "rotated-out secret", "whsec_rotated-secret-0123456789", "expired", new Date("2026-11-21T12:30:00Z"));
const all = [current, revoked, expired];

function secret(id: string, label: string, value: string, state: SchemeCredential["state"] = "active", retiredAt: Date | null = null): SchemeCredential {
  return { id, label, fingerprint: `fp-${id}`, state, retiredAt, secret: Buffer.from(value) };
}

function hmac(key: string | Buffer, ...chunks: Array<Buffer | string>): Buffer {
  const mac = createHmac("sha256", key);
  for (const chunk of chunks) mac.update(chunk);
  return mac.digest();
}

function diagnose(
  signature: string | null,
  options: { body?: Buffer; contentType?: string; secrets?: SchemeCredential[]; headers?: Record<string, string>; maxRewriteBytes?: number } = {},
) {
  const headers = new Headers({ "content-type": options.contentType ?? delivery.contentType, ...options.headers });
  if (signature !== null) headers.set("x-signature", signature);
  return diagnoseMaskit({ headers, body: options.body ?? delivery.body }, options.secrets ?? all, options.maxRewriteBytes);
}

/** The codes of what is wrong or matched; the report of what was checked is asserted on its own. */
const codes = (findings: SchemeFinding[]) => findings.map((finding) => finding.code).filter((code) => code !== "bodies-checked");
const finding = (findings: SchemeFinding[], code: string) => findings.find((entry) => entry.code === code);
const unknownSecret = hmac("whsec_a-secret-nobody-here-has-00", delivery.body).toString("hex");

describe("diagnoseMaskit", () => {
  it("says the signature header is missing", () => {
    const findings = diagnose(null);
    expect(codes(findings)).toEqual(["signature-header-missing"]);
    expect(findings[0]).toMatchObject({ severity: "error" });
  });

  it("reads a signature sent under another header name, with a prefix", () => {
    const value = `sha256=${hmac(current.secret!, delivery.body).toString("hex")}`;
    const findings = diagnose(null, { headers: { "x-hub-signature-256": value } });
    expect(finding(findings, "signature-header-misnamed")!.facts).toEqual({ header: "x-hub-signature-256" });
    expect(finding(findings, "signature-prefix")!.facts).toEqual({ prefix: "sha256=" });
    expect(finding(findings, "encoding-only")).toMatchObject({ credential: { label: "current secret" }, facts: { how: "prefix" } });
  });

  it("says a right signature under the wrong header name is not yet acceptable", () => {
    const findings = diagnose(null, { headers: { "x-maskit-signature": hmac(current.secret!, delivery.body).toString("hex") } });
    expect(codes(findings)).toEqual(expect.arrayContaining(["signature-header-misnamed", "encoding-only"]));
    expect(codes(findings)).not.toContain("matches-active");
  });

  it("decodes a base64 signature and compares it with each HMAC", () => {
    const findings = diagnose(hmac(current.secret!, delivery.body).toString("base64"));
    expect(finding(findings, "signature-base64")!.facts).toEqual({ bytes: 32 });
    expect(finding(findings, "encoding-only")).toMatchObject({ facts: { how: "base64" }, credential: { label: "current secret", state: "active" } });
  });

  it("says a base64 signature of another secret matches nothing", () => {
    expect(codes(diagnose(Buffer.from(unknownSecret, "hex").toString("base64")))).toEqual(expect.arrayContaining(["signature-base64", "unknown-secret"]));
  });

  it("calls uppercase hex fine, and then looks at the secret", () => {
    // (Surrounding whitespace never reaches a scheme: Headers trims values, as the receiver's did.)
    const findings = diagnose(` ${unknownSecret.toUpperCase()} `);
    expect(finding(findings, "signature-format-fine")).toMatchObject({ severity: "info", facts: { what: "uppercase hex" } });
    expect(codes(findings)).toContain("unknown-secret");
  });

  it("says when the hex has the wrong length: cut off, or another algorithm", () => {
    const truncated = diagnose(unknownSecret.slice(0, 63));
    expect(finding(truncated, "signature-wrong-length")!.facts).toEqual({ length: "63 hexadecimal characters", hexDigits: 63 });
    expect(codes(truncated)).not.toContain("unknown-secret");

    const sha1 = createHmac("sha1", current.secret!).update(delivery.body).digest("hex");
    const findings = diagnose(sha1);
    expect(finding(findings, "signature-wrong-length")!.facts).toMatchObject({ algorithm: "HMAC-SHA1" });
    expect(finding(findings, "other-algorithm")).toMatchObject({ facts: { algorithm: "HMAC-SHA1" }, credential: { label: "current secret" } });
  });

  it("names a revoked secret the sender still signs with, and when it was revoked", () => {
    const findings = diagnose(hmac(revoked.secret!, delivery.body).toString("hex"));
    expect(finding(findings, "signed-with-revoked")).toEqual({
      code: "signed-with-revoked",
      severity: "error",
      credential: { label: "leaked secret", fingerprint: "fp-c-revoked", state: "revoked" },
      facts: { retirement: "revoked 2026-11-20 10:00 UTC" },
    });
    expect(codes(findings)).toEqual(["signed-with-revoked"]);
  });

  it("names an expired secret left over from a rotation", () => {
    expect(finding(diagnose(hmac(expired.secret!, delivery.body).toString("hex")), "signed-with-expired")!.facts).toEqual({
      retirement: "expired 2026-11-21 12:30 UTC",
    });
  });

  it("says the signature matches an active secret now (added after the delivery)", () => {
    expect(finding(diagnose(hmac(current.secret!, delivery.body).toString("hex")), "matches-active")).toMatchObject({
      severity: "success",
      credential: { label: "current secret" },
    });
  });

  it("finds a trailing newline added or removed after signing", () => {
    const added = diagnose(hmac(current.secret!, delivery.body, "\n").toString("hex"));
    expect(finding(added, "trailing-newline-added")).toMatchObject({ credential: { label: "current secret" } });

    const sentWithNewline = Buffer.concat([delivery.body, Buffer.from("\r\n")]);
    expect(codes(diagnose(hmac(current.secret!, delivery.body).toString("hex"), { body: sentWithNewline }))).toContain("trailing-newline-removed");
  });

  it("finds a signature over the image part alone, or the metadata part alone", () => {
    expect(codes(diagnose(hmac(current.secret!, JPEG).toString("hex")))).toContain("image-part-only");
    expect(finding(diagnose(hmac(revoked.secret!, "batch-7/frame-3").toString("hex")), "metadata-part-only")!.credential).toMatchObject({ state: "revoked" });
  });

  it("finds line endings converted either way", () => {
    const asLf = Buffer.from(delivery.body.toString("latin1").replaceAll("\r\n", "\n"), "latin1");
    expect(codes(diagnose(hmac(current.secret!, asLf).toString("hex")))).toContain("crlf-to-lf");
    // Signed with CRLF framing, arrived with every line break turned into LF.
    expect(codes(diagnose(hmac(current.secret!, delivery.body).toString("hex"), { body: asLf }))).toEqual(
      expect.arrayContaining(["lf-to-crlf", "bare-line-feeds"]),
    );
  });

  it("finds a secret used without its whsec_ prefix, or base64-decoded, and a plain SHA-256 with no secret", () => {
    expect(finding(diagnose(hmac("current-secret-0123456789", delivery.body).toString("hex")), "secret-variant")!.facts).toEqual({ variant: "without-prefix" });
    expect(finding(diagnose(hmac(Buffer.from("current-secret-0123456789", "base64url"), delivery.body).toString("hex")), "secret-variant")!.facts).toEqual({
      variant: "base64-decoded",
    });
    expect(codes(diagnose(createHash("sha256").update(delivery.body).digest("hex")))).toContain("unkeyed-sha256");
  });

  it("concludes the sender has a secret this source lacks when nothing matches, counting what was tried", () => {
    const findings = diagnose(unknownSecret);
    expect(finding(findings, "unknown-secret")!.facts).toEqual({ secrets: 3, active: 1, retired: 2, changedVersions: 6 });
    expect(finding(findings, "bodies-checked")!.facts).toEqual({
      bodies: ["body", "trailing-newline-added", "trailing-crlf-added", "trailing-newline-removed", "crlf-to-lf", "image-part-only", "metadata-part-only"],
    });
  });

  it("says a source without secrets has nothing to check against", () => {
    expect(codes(diagnose(unknownSecret, { secrets: [] }))).toContain("no-secrets");
  });

  it("handles malformed bodies: truncated, no boundary, not multipart, empty", () => {
    const truncated = delivery.body.subarray(0, delivery.body.length - 20);
    const findings = diagnose(hmac(current.secret!, truncated).toString("hex"), { body: truncated });
    expect(String(finding(findings, "multipart-malformed")!.facts!.problem)).toContain("truncated");
    expect(codes(findings)).toContain("matches-active");

    expect(String(finding(diagnose(unknownSecret, { contentType: "multipart/form-data" }), "multipart-malformed")!.facts!.problem)).toContain("no boundary");
    expect(
      String(finding(diagnose(unknownSecret, { contentType: "multipart/form-data; boundary=elsewhere" }), "multipart-malformed")!.facts!.problem),
    ).toContain("does not occur");
    expect(finding(diagnose(unknownSecret, { body: Buffer.from([0, 1, 2, 255]) }), "multipart-malformed")).toBeDefined();
    expect(codes(diagnose(unknownSecret, { body: Buffer.alloc(0) }))).toContain("body-empty");
  });

  it("notices a body without an image part, or with an image that is not JPEG or PNG", () => {
    const noImage = buildMultipart([{ name: "metadata", value: "only text" }]);
    expect(finding(diagnose(unknownSecret, { body: noImage.body, contentType: noImage.contentType }), "image-part-missing")!.facts).toEqual({
      parts: ["metadata"],
    });
    const gif = maskitBody(Buffer.from("GIF89a not really"), "gif", { contentType: "image/gif" });
    expect(finding(diagnose(unknownSecret, { body: gif.body, contentType: gif.contentType }), "image-not-jpeg-png")!.facts).toEqual({
      declaredType: "image/gif",
    });
  });

  it("does not rewrite a body larger than the limit, but still checks its parts", () => {
    const findings = diagnose(hmac(current.secret!, JPEG).toString("hex"), { maxRewriteBytes: 10 });
    expect(finding(findings, "bodies-checked")!.facts).toEqual({ bodies: ["body", "image-part-only", "metadata-part-only"] });
    expect(codes(findings)).toContain("image-part-only");
  });
});
