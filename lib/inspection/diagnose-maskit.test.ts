import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildMultipart, maskitBody } from "@/lib/senders/multipart-body.ts";
import { diagnoseMaskit, type MaskitDiagnosticSecret } from "./diagnose-maskit.ts";

// Each thing the inspector can tell an operator about a MaskIt signature that did not verify,
// on real multipart bodies and real HMACs.

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

function secret(
  id: string,
  label: string,
  value: string,
  state: MaskitDiagnosticSecret["state"] = "active",
  retiredAt: Date | null = null,
): MaskitDiagnosticSecret {
  return { id, label, fingerprint: `fp-${id}`, state, retiredAt, secret: Buffer.from(value) };
}

function hmac(key: string | Buffer, ...chunks: Array<Buffer | string>): Buffer {
  const mac = createHmac("sha256", key);
  for (const chunk of chunks) mac.update(chunk);
  return mac.digest();
}

function diagnose(
  signature: string | null,
  options: { body?: Buffer; contentType?: string; secrets?: MaskitDiagnosticSecret[]; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { "content-type": options.contentType ?? delivery.contentType, ...options.headers };
  if (signature !== null) headers["x-signature"] = signature;
  return diagnoseMaskit({ rawBody: options.body ?? delivery.body, headers, secrets: options.secrets ?? all });
}

const kinds = (diagnosis: ReturnType<typeof diagnoseMaskit>) => diagnosis.findings.map((finding) => finding.kind);
const finding = (diagnosis: ReturnType<typeof diagnoseMaskit>, kind: string) => diagnosis.findings.find((entry) => entry.kind === kind);
const unknownSecret = hmac("whsec_a-secret-nobody-here-has-00", delivery.body).toString("hex");

describe("diagnoseMaskit", () => {
  it("says the signature header is missing", () => {
    const diagnosis = diagnose(null);
    expect(kinds(diagnosis)).toEqual(["signature-header-missing"]);
    expect(diagnosis.findings[0]).toMatchObject({ severity: "error", title: "The request had no X-Signature header" });
  });

  it("reads a signature sent under another header name, with a prefix", () => {
    const value = `sha256=${hmac(current.secret, delivery.body).toString("hex")}`;
    const diagnosis = diagnose(null, { headers: { "x-hub-signature-256": value } });
    expect(diagnosis.signature).toEqual({ header: "x-hub-signature-256", value });
    expect(kinds(diagnosis)).toEqual(expect.arrayContaining(["signature-header-misnamed", "signature-prefix", "encoding-only"]));
    expect(finding(diagnosis, "encoding-only")!.credential).toMatchObject({ label: "current secret" });
  });

  it("decodes a base64 signature and compares it with each HMAC", () => {
    const diagnosis = diagnose(hmac(current.secret, delivery.body).toString("base64"));
    expect(finding(diagnosis, "signature-base64")!.detail).toContain("32 bytes");
    expect(finding(diagnosis, "encoding-only")!.title).toContain("read as base64");
    expect(diagnosis.credentials.find((entry) => entry.id === current.id)!.result).toBe("matches-altered");
  });

  it("says a base64 signature of another secret matches nothing", () => {
    const diagnosis = diagnose(Buffer.from(unknownSecret, "hex").toString("base64"));
    expect(kinds(diagnosis)).toEqual(expect.arrayContaining(["signature-base64", "unknown-secret"]));
  });

  it("calls uppercase hex with whitespace fine, and then looks at the secret", () => {
    const diagnosis = diagnose(` ${unknownSecret.toUpperCase()} `);
    expect(finding(diagnosis, "signature-format-fine")).toMatchObject({
      severity: "info",
      title: expect.stringContaining("uppercase hex and whitespace around it"),
    });
    expect(kinds(diagnosis)).toContain("unknown-secret");
  });

  it("says when the hex has the wrong length: cut off, or another algorithm", () => {
    const truncated = diagnose(unknownSecret.slice(0, 63));
    expect(finding(truncated, "signature-wrong-length")!.detail).toContain("cut off");
    expect(kinds(truncated)).not.toContain("unknown-secret");

    const sha1 = createHmac("sha1", current.secret).update(delivery.body).digest("hex");
    const diagnosis = diagnose(sha1);
    expect(finding(diagnosis, "signature-wrong-length")!.detail).toContain("HMAC-SHA1");
    expect(finding(diagnosis, "other-algorithm")!.title).toContain("HMAC-SHA1 of the body under “current secret”");
  });

  it("names a revoked secret the sender still signs with, and when it was revoked", () => {
    const diagnosis = diagnose(hmac(revoked.secret, delivery.body).toString("hex"));
    const found = finding(diagnosis, "signed-with-revoked")!;
    expect(found).toMatchObject({ severity: "error", credential: { label: "leaked secret", state: "revoked" } });
    expect(found.title).toContain("“leaked secret” (fp-c-revoked)");
    expect(found.detail).toContain("revoked 2026-11-20 10:00 UTC");
    expect(diagnosis.credentials.map((entry) => [entry.label, entry.result])).toEqual([
      ["current secret", "no-match"],
      ["leaked secret", "matches"],
      ["rotated-out secret", "no-match"],
    ]);
    expect(kinds(diagnosis)).not.toContain("unknown-secret");
  });

  it("names an expired secret left over from a rotation", () => {
    const diagnosis = diagnose(hmac(expired.secret, delivery.body).toString("hex"));
    expect(finding(diagnosis, "signed-with-expired")!.detail).toContain("expired 2026-11-21 12:30 UTC");
  });

  it("says the signature matches an active secret now (added after the delivery)", () => {
    const diagnosis = diagnose(hmac(current.secret, delivery.body).toString("hex"));
    expect(finding(diagnosis, "matches-active")).toMatchObject({ severity: "success", credential: { label: "current secret" } });
  });

  it("finds a trailing newline added or removed after signing", () => {
    const added = diagnose(hmac(current.secret, delivery.body, "\n").toString("hex"));
    expect(finding(added, "trailing-newline-added")!.title).toBe(
      "It matches the body with a trailing newline (LF) added, under “current secret” (fp-c-current)",
    );

    const sentWithNewline = Buffer.concat([delivery.body, Buffer.from("\r\n")]);
    const removed = diagnose(hmac(current.secret, delivery.body).toString("hex"), { body: sentWithNewline });
    expect(kinds(removed)).toContain("trailing-newline-removed");
  });

  it("finds a signature over the image part alone, or the metadata part alone", () => {
    expect(kinds(diagnose(hmac(current.secret, JPEG).toString("hex")))).toContain("image-part-only");
    expect(kinds(diagnose(hmac(revoked.secret, "batch-7/frame-3").toString("hex")))).toContain("metadata-part-only");
  });

  it("finds line endings converted either way", () => {
    const asLf = Buffer.from(delivery.body.toString("latin1").replaceAll("\r\n", "\n"), "latin1");
    const crlfToLf = diagnose(hmac(current.secret, asLf).toString("hex"));
    expect(kinds(crlfToLf)).toContain("crlf-to-lf");

    // Signed with CRLF framing, arrived with every line break turned into LF.
    const lfToCrlf = diagnose(hmac(current.secret, delivery.body).toString("hex"), { body: asLf });
    expect(kinds(lfToCrlf)).toEqual(expect.arrayContaining(["lf-to-crlf", "bare-line-feeds"]));
  });

  it("finds a secret used without its whsec_ prefix, and a plain SHA-256 with no secret", () => {
    expect(finding(diagnose(hmac("current-secret-0123456789", delivery.body).toString("hex")), "secret-variant")!.title).toContain(
      "without its “whsec_” prefix",
    );
    expect(kinds(diagnose(createHash("sha256").update(delivery.body).digest("hex")))).toContain("unkeyed-sha256");
  });

  it("concludes the sender has a secret this source lacks when nothing matches", () => {
    const diagnosis = diagnose(unknownSecret);
    const found = finding(diagnosis, "unknown-secret")!;
    expect(found.title).toBe("The sender probably signs with a secret this source does not have, or the body was altered on the way");
    expect(found.detail).toContain("3 secrets (1 active, 2 revoked or expired)");
    expect(found.detail).toContain("add it on the source page");
    // A correctly signed body with one changed byte looks exactly like this: say so too.
    expect(found.detail).toContain("changed bytes of the body after it was signed");
    expect(diagnosis.credentials.every((entry) => entry.result === "no-match")).toBe(true);
    expect(diagnosis.bodiesChecked[0]).toBe("the body as received");
  });

  it("says a source without secrets has nothing to check against", () => {
    expect(kinds(diagnose(unknownSecret, { secrets: [] }))).toContain("no-secrets");
  });

  it("handles malformed bodies: truncated, no boundary, not multipart, empty", () => {
    const truncated = delivery.body.subarray(0, delivery.body.length - 20);
    const diagnosis = diagnose(hmac(current.secret, truncated).toString("hex"), { body: truncated });
    expect(finding(diagnosis, "multipart-malformed")!.detail).toContain("truncated");
    expect(kinds(diagnosis)).toContain("matches-active");

    expect(finding(diagnose(unknownSecret, { contentType: "multipart/form-data" }), "multipart-malformed")!.detail).toContain("no boundary");
    expect(finding(diagnose(unknownSecret, { contentType: "multipart/form-data; boundary=elsewhere" }), "multipart-malformed")!.detail).toContain(
      "does not occur",
    );
    expect(finding(diagnose(unknownSecret, { body: Buffer.from([0, 1, 2, 255]) }), "multipart-malformed")).toBeDefined();
    expect(kinds(diagnose(unknownSecret, { body: Buffer.alloc(0) }))).toContain("body-empty");
  });

  it("notices a body without an image part, or with an image that is not JPEG or PNG", () => {
    const noImage = buildMultipart([{ name: "metadata", value: "only text" }]);
    expect(kinds(diagnose(unknownSecret, { body: noImage.body, contentType: noImage.contentType }))).toContain("image-part-missing");
    const gif = maskitBody(Buffer.from("GIF89a not really"), "gif", { contentType: "image/gif" });
    expect(kinds(diagnose(unknownSecret, { body: gif.body, contentType: gif.contentType }))).toContain("image-not-jpeg-png");
  });

  it("describes the parts it found, without their bytes", () => {
    const { multipart } = diagnose(unknownSecret);
    expect(multipart.problem).toBeNull();
    expect(multipart.parts).toEqual([
      expect.objectContaining({ name: "metadata", fileName: null, size: 15 }),
      expect.objectContaining({ name: "maskedImage", fileName: "masked.jpg", declaredType: "image/jpeg", detectedType: "image/jpeg", size: JPEG.length }),
    ]);
    expect(multipart.parts[1]).not.toHaveProperty("data");
  });

  it("does not rewrite a body larger than the limit, but still checks its parts", () => {
    const diagnosis = diagnoseMaskit({
      rawBody: delivery.body,
      headers: { "content-type": delivery.contentType, "x-signature": hmac(current.secret, JPEG).toString("hex") },
      secrets: all,
      maxRewriteBytes: 10,
    });
    expect(diagnosis.bodiesChecked).toEqual(["the body as received", "the image part alone", "the metadata part alone"]);
    expect(kinds(diagnosis)).toContain("image-part-only");
  });
});
