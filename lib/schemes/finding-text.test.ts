import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bodyVariants } from "./diagnosis/body-variants.ts";
import { findingText, REPORT_CODES } from "./finding-text.ts";
import { SCHEME_KINDS } from "./index.ts";

// The one place findings are worded: every code a diagnosis can emit has words for its kind,
// and the words read as the inspector has always shown them.

/** The codes written in a kind's diagnosis source (`code: "..."`), plus the ones it builds. */
function codesOf(kind: string): string[] {
  const source = readFileSync(path.join(import.meta.dirname, kind, `diagnose-${kind}.ts`), "utf8");
  // `body` is MaskIt's name for the body as received among its variants, never a finding.
  const literal = [...source.matchAll(/code: "([a-z0-9-]+)"/g)].map((match) => match[1]).filter((code) => code !== "body");
  return [...new Set([...literal, "signed-with-revoked", "signed-with-expired", ...bodyVariants(Buffer.from("a\r\nb\n")).map((variant) => variant.code)])];
}

describe("findingText", () => {
  // The kinds with a diagnose-<kind>.ts; the others' tables are checked by their own diagnose tests.
  it.each(SCHEME_KINDS.filter((kind) => existsSync(path.join(import.meta.dirname, kind, `diagnose-${kind}.ts`))))(
    "has words for every code the %s diagnosis emits",
    (kind) => {
      const codes = codesOf(kind);
      expect(codes.length).toBeGreaterThan(10);
      for (const code of codes) {
        const text = findingText(kind, { code, severity: "info", facts: {} });
        expect(text.title, `${kind}/${code}`).not.toBe(code);
        if (!REPORT_CODES.has(code)) expect(text.detail.length, `${kind}/${code}`).toBeGreaterThan(10);
      }
    },
  );

  it("falls back to the code and its facts for a code without words", () => {
    expect(findingText("maskit", { code: "something-new", severity: "info", facts: { a: 1 } })).toEqual({ title: "something-new", detail: '{"a":1}' });
  });

  it("words a match per kind, from the facts and the credential", () => {
    const credential = { label: "old camera secret", fingerprint: "fp-1", state: "revoked" as const };
    expect(
      findingText("maskit", { code: "signed-with-revoked", severity: "error", credential, facts: { retirement: "revoked 2026-11-20 10:00 UTC" } }),
    ).toEqual({
      title: "It was signed with “old camera secret” (fp-1), a revoked secret",
      detail:
        "That secret was revoked 2026-11-20 10:00 UTC, and the sender still signs with it. Give the sender the source's current secret. A revoked secret cannot be made active again, so this delivery cannot be re-verified with it.",
    });
    const key = { label: "old signer", fingerprint: "fp-2", state: "revoked" as const };
    expect(
      findingText("edenai", {
        code: "signed-with-revoked",
        severity: "error",
        credential: key,
        facts: { form: "python-json-dumps", documented: 1, retirement: "revoked 2026-11-19 09:45 UTC" },
      }).title,
    ).toBe("It was signed with “old signer” (fp-2), a revoked key");
    expect(findingText("edenai", { code: "other-layout", severity: "warning", credential: key, facts: { form: "python-compact", documented: 0 } }).title).toBe(
      "It matches “old signer” (fp-2) over Python json.dumps(payload), on one line",
    );
    expect(findingText("maskit", { code: "trailing-newline-added", severity: "warning", credential: key }).title).toBe(
      "It matches the body with a trailing newline (LF) added, under “old signer” (fp-2)",
    );
  });

  it("counts what was tried in the unknown-secret words", () => {
    const { detail } = findingText("maskit", { code: "unknown-secret", severity: "error", facts: { secrets: 3, active: 1, retired: 2, changedVersions: 6 } });
    expect(detail).toContain("3 secrets (1 active, 2 revoked or expired)");
    expect(detail).toContain("6 changed versions");
  });
});
