import type { Scheme, SchemeContext, SchemeCredential, SchemeFinding, SignedRequest, Verdict } from "../scheme.ts";
import { bodyVariants } from "./body-variants.ts";
import { skewSeconds } from "./timestamps.ts";

// Diagnosis as the issue asks for it: no rule is restated here. Each hypothesis ("the sender
// signed the body with a trailing newline", "it used the whsec_ secret as raw bytes", "it
// signed a revoked secret") is a changed request or credential put through the scheme's own
// `accept`; a hypothesis that makes it accept is a finding. A kind supplies only its list of
// hypotheses (a DiagnosisPlan); this file runs them the same way for every kind.

export interface Hypothesis {
  code: string;
  facts?: Readonly<Record<string, string | number>>;
}

export interface HeaderRewrite extends Hypothesis {
  headers: Headers;
}

export interface SecretForm extends Hypothesis {
  /** The credential as the sender is supposed to have used it, e.g. its secret decoded. */
  credential: SchemeCredential;
}

export interface SignedStringVariant extends Hypothesis {
  accept(request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): Verdict;
}

export interface DiagnosisPlan {
  /** The scheme's own `begin`: every hypothesis is judged by it (kept apart from the Scheme object so that a kind's scheme.ts may import its diagnosis without a cycle). */
  begin: Scheme["begin"];
  /** The signature header, for a missing_header finding. */
  signatureHeader: string;
  /** The delivery's timestamp in Unix seconds, for schemes that sign one. */
  timestampOf?(headers: Headers): number | null;
  /** The signature header as senders are known to get it wrong, rewritten the right way. */
  headerRewrites?(headers: Headers): HeaderRewrite[];
  /** Other readings of a credential's secret that senders are known to use. */
  secretForms?(credential: SchemeCredential): SecretForm[];
  /** The scheme checking another signed string, e.g. the body without its timestamp. */
  signedStringVariants?: readonly SignedStringVariant[];
  /** Findings about the request or the options alone (a weak algorithm, a SHA-1-only header). */
  notes?(request: SignedRequest, context: SchemeContext): SchemeFinding[];
}

export function runDiagnosis(plan: DiagnosisPlan, request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): SchemeFinding[] {
  const findings: SchemeFinding[] = [...(plan.notes?.(request, context) ?? [])];
  let trialContext = context;
  const opening = plan.begin(request.headers, credentials.map(asActive), context);
  if ("accepted" in opening) {
    switch (opening.code) {
      case "missing_header":
        return [...findings, { code: "missing_header", severity: "error", facts: { header: plan.signatureHeader } }];
      case "no_credentials":
        return [...findings, { code: "no_credentials", severity: "error" }];
      case "malformed_header":
      case "unsupported_algorithm": {
        // A header the scheme cannot read may still be right under another reading of it (a
        // missing prefix) or another signed string (another algorithm's digest length).
        const fixed = [...tryRewrites(plan, request, credentials, context), ...trySignedStrings(plan, request, credentials, context)];
        return [...findings, ...(fixed.length > 0 ? fixed : [{ code: opening.code, severity: "error" as const, facts: { message: opening.message } }])];
      }
      case "timestamp_out_of_tolerance": {
        const timestamp = plan.timestampOf?.(request.headers) ?? null;
        if (timestamp === null) break;
        const skew = skewSeconds(timestamp, context.now);
        findings.push({
          code: "clock_skew",
          severity: "error",
          facts: { skewSeconds: Math.abs(skew), direction: skew < 0 ? "behind" : "ahead", signedAt: new Date(timestamp * 1000).toISOString() },
        });
        // The rest of the diagnosis asks what else is wrong, as if the clocks had agreed.
        trialContext = { ...context, now: new Date(timestamp * 1000) };
        break;
      }
    }
  }

  const direct = credentials.filter((credential) => isAccepted(accept(plan, request, [asActive(credential)], trialContext))).map(matchFinding);
  if (direct.length > 0) return [...findings, ...direct];

  const hypotheses = [
    ...tryRewrites(plan, request, credentials, trialContext),
    ...tryBodyVariants(plan, request, credentials, trialContext),
    ...trySecretForms(plan, request, credentials, trialContext),
    ...trySignedStrings(plan, request, credentials, trialContext),
  ];
  if (hypotheses.length > 0) return [...findings, ...hypotheses];
  const retired = credentials.filter((credential) => credential.state !== "active").length;
  return [
    ...findings,
    { code: "unknown_secret", severity: "error", facts: { credentials: credentials.length, active: credentials.length - retired, retired } },
  ];
}

function tryRewrites(plan: DiagnosisPlan, request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): SchemeFinding[] {
  const findings: SchemeFinding[] = [];
  for (const rewrite of plan.headerRewrites?.(request.headers) ?? []) {
    for (const credential of credentials) {
      if (isAccepted(accept(plan, { headers: rewrite.headers, body: request.body }, [asActive(credential)], context)))
        findings.push(hypothesisFinding(rewrite, credential));
    }
  }
  return findings;
}

function tryBodyVariants(plan: DiagnosisPlan, request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): SchemeFinding[] {
  const findings: SchemeFinding[] = [];
  for (const variant of bodyVariants(request.body)) {
    for (const credential of credentials) {
      if (!isAccepted(accept(plan, { headers: request.headers, body: variant.body }, [asActive(credential)], context))) continue;
      findings.push(hypothesisFinding({ code: variant.code, facts: variant.layout ? { layout: variant.layout } : undefined }, credential));
    }
  }
  return findings;
}

function trySecretForms(plan: DiagnosisPlan, request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): SchemeFinding[] {
  const findings: SchemeFinding[] = [];
  for (const credential of credentials) {
    for (const form of plan.secretForms?.(credential) ?? []) {
      if (isAccepted(accept(plan, request, [asActive(form.credential)], context))) findings.push(hypothesisFinding(form, credential));
    }
  }
  return findings;
}

function trySignedStrings(plan: DiagnosisPlan, request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): SchemeFinding[] {
  const findings: SchemeFinding[] = [];
  for (const variant of plan.signedStringVariants ?? []) {
    for (const credential of credentials) {
      if (isAccepted(variant.accept(request, [asActive(credential)], context))) findings.push(hypothesisFinding(variant, credential));
    }
  }
  return findings;
}

/** The contract's `accept`, over the plan's `begin`. */
function accept(plan: DiagnosisPlan, request: SignedRequest, credentials: readonly SchemeCredential[], context: SchemeContext): Verdict {
  const verifier = plan.begin(request.headers, credentials, context);
  if ("accepted" in verifier) return verifier;
  verifier.update(request.body);
  return verifier.finish();
}

/** Retired credentials are tried as if active: diagnosis asks "would it have matched?". */
export function asActive(credential: SchemeCredential): SchemeCredential {
  return credential.state === "active" ? credential : { ...credential, state: "active", retiredAt: null };
}

function isAccepted(verdict: Verdict): boolean {
  return verdict.accepted;
}

function matchFinding(credential: SchemeCredential): SchemeFinding {
  const about = credentialOf(credential);
  if (credential.state === "active") return { code: "matches_active", severity: "success", credential: about };
  return {
    code: credential.state === "revoked" ? "signed_with_revoked" : "signed_with_expired",
    severity: "error",
    credential: about,
    facts: credential.retiredAt ? { retiredAt: credential.retiredAt.toISOString() } : undefined,
  };
}

function hypothesisFinding(hypothesis: Hypothesis, credential: SchemeCredential): SchemeFinding {
  return { code: hypothesis.code, severity: "warning", credential: credentialOf(credential), facts: { ...hypothesis.facts, state: credential.state } };
}

function credentialOf(credential: SchemeCredential): SchemeFinding["credential"] {
  return { label: credential.label, fingerprint: credential.fingerprint, state: credential.state };
}

/** Headers with one value replaced, for a rewrite hypothesis. */
export function withHeader(headers: Headers, name: string, value: string): Headers {
  const copy = new Headers(headers);
  copy.set(name, value);
  return copy;
}
