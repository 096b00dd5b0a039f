import { formatBytes } from "@/components/deliveries-log/format-bytes.ts";
import { describeLength } from "@/lib/inspection/decode-signature.ts";
import type { QuarantineDiagnosis } from "@/lib/inspection/inspect-delivery.ts";
import { CredentialsTried } from "./credentials-tried.tsx";
import { FindingsList } from "./findings-list.tsx";
import { PayloadView } from "./payload-view.tsx";
import { Facts, Missing, Section } from "./section.tsx";
import { UnverifiedNote } from "./unverified-note.tsx";

// A failed or rejected delivery, explained from its quarantined body: the findings first, then
// what arrived (signature, body), every credential tried, and the forms or bodies checked.
// Nothing of the body is shown as trusted: parts and payload are labelled unverified, and an
// image part is described by its bytes' hash and type, never displayed.

export function SignatureDiagnosis({ diagnosis }: { diagnosis: QuarantineDiagnosis }) {
  return (
    <div className="space-y-6">
      <Section
        id="findings-heading"
        title="What went wrong"
        description="Worked out from the quarantined body and every credential of the source, revoked and expired ones too."
      >
        <FindingsList findings={diagnosis.findings} />
      </Section>
      <Section id="received-heading" title="What was received">
        <Facts
          columns={2}
          facts={[
            { label: "Signature header", value: diagnosis.signature ? diagnosis.signature.header : <Missing>none</Missing> },
            diagnosis.decoded && { label: "Signature encoding", value: `${diagnosis.decoded.encoding}, ${describeLength(diagnosis.decoded)}` },
            diagnosis.signature && { label: "Signature as received", value: diagnosis.signature.value, isCode: true },
            { label: "Content-Type", value: diagnosis.contentType ?? <Missing>none</Missing>, isCode: Boolean(diagnosis.contentType) },
            { label: "Body length", value: `${diagnosis.bodySize.toLocaleString("en-US")} bytes (${formatBytes(diagnosis.bodySize)})` },
            { label: "Body SHA-256", value: diagnosis.bodySha256, isCode: true },
          ]}
        />
      </Section>
      <Section
        id="credentials-heading"
        title="Credentials tried"
        description="Secrets and keys are named by label and fingerprint; their values never leave the server."
      >
        <CredentialsTried credentials={diagnosis.credentials} />
      </Section>
      {diagnosis.kind === "edenai" ? <EdenaiDetails diagnosis={diagnosis} /> : <MaskitDetails diagnosis={diagnosis} />}
    </div>
  );
}

function EdenaiDetails({ diagnosis }: { diagnosis: Extract<QuarantineDiagnosis, { kind: "edenai" }> }) {
  const labels = new Map(diagnosis.credentials.map((credential) => [credential.id, credential.label]));
  return (
    <>
      <Section
        id="forms-heading"
        title="Eden AI forms tried"
        description="The serializations of the payload Eden AI's docs have described, each checked against every key, as the receiver does."
      >
        <ul className="divide-y divide-slate-100 text-sm" aria-label="Eden AI forms tried">
          {diagnosis.attempts.map((attempt) => {
            const matched = attempt.results.filter((result) => result.isMatch).map((result) => labels.get(result.keyId) ?? result.keyId);
            return (
              <li key={attempt.form} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-2">
                <span className="min-w-0">
                  <span className="font-mono text-xs font-medium text-slate-900">{attempt.form}</span>
                  <span className="block text-xs text-slate-500">{attempt.description}</span>
                </span>
                <span className={`text-xs font-medium ${matched.length > 0 ? "text-emerald-700" : "text-slate-600"}`}>
                  {matched.length > 0
                    ? `matches ${matched.map((label) => `“${label}”`).join(", ")}`
                    : `no match with ${attempt.results.length === 1 ? "the key" : `any of ${attempt.results.length} keys`}`}
                </span>
              </li>
            );
          })}
        </ul>
        {diagnosis.otherLayoutsTried.length > 0 && (
          <details className="mt-3 text-sm">
            <summary className="cursor-pointer text-slate-600">Also tried: {diagnosis.otherLayoutsTried.length} layouts Eden AI never documented</summary>
            <ul className="mt-2 list-disc space-y-1 pl-5 text-xs text-slate-600">
              {diagnosis.otherLayoutsTried.map((layout) => (
                <li key={layout}>{layout}</li>
              ))}
            </ul>
          </details>
        )}
      </Section>
      <Section id="unverified-body-heading" title="The unverified payload" tone="warning" description={<UnverifiedNote />}>
        {diagnosis.claimed && (
          <div className="mb-4">
            <Facts
              columns={2}
              facts={[
                { label: "Job (as claimed)", value: diagnosis.claimed.jobId ?? <Missing />, isCode: Boolean(diagnosis.claimed.jobId) },
                { label: "Status (as claimed)", value: diagnosis.claimed.jobStatus ?? <Missing /> },
                { label: "Provider (as claimed)", value: diagnosis.claimed.provider ?? <Missing /> },
                { label: "Feature (as claimed)", value: [diagnosis.claimed.feature, diagnosis.claimed.subfeature].filter(Boolean).join(" / ") || <Missing /> },
              ]}
            />
          </div>
        )}
        {diagnosis.payloadPreview ? (
          <PayloadView text={diagnosis.payloadPreview} label="Unverified payload, as received" />
        ) : (
          <Missing>The body is empty.</Missing>
        )}
      </Section>
    </>
  );
}

function MaskitDetails({ diagnosis }: { diagnosis: Extract<QuarantineDiagnosis, { kind: "maskit" }> }) {
  const { parts, problem } = diagnosis.multipart;
  return (
    <>
      <Section
        id="bodies-heading"
        title="Bodies checked"
        description="Each secret's HMAC-SHA256 was computed over the body as received and over the changes senders and proxies are known to make."
      >
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
          {diagnosis.bodiesChecked.map((body) => (
            <li key={body}>{body}</li>
          ))}
        </ul>
      </Section>
      <Section id="unverified-body-heading" title="Parts of the unverified body" tone="warning" description={<UnverifiedNote />}>
        {problem && <p className="mb-3 text-sm text-amber-900">The body is not well-formed multipart: {problem}.</p>}
        {parts.length === 0 ? (
          <Missing>No parts could be read.</Missing>
        ) : (
          <ul className="space-y-3" aria-label="Parts of the unverified body">
            {parts.map((part, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a server-rendered list that never reorders
              <li key={index} className="rounded-md border border-slate-200 p-3">
                <Facts
                  columns={2}
                  facts={[
                    { label: "Field", value: part.name ?? <Missing>unnamed</Missing>, isCode: part.name !== null },
                    part.fileName !== null && { label: "File name (as sent)", value: part.fileName, isCode: true },
                    { label: "Declared type", value: part.declaredType ?? <Missing>none</Missing> },
                    // Only a file part is meant to be an image.
                    part.fileName !== null && { label: "Type by its bytes", value: part.detectedType ?? "not a JPEG or PNG" },
                    { label: "Size", value: `${part.size.toLocaleString("en-US")} bytes` },
                    { label: "SHA-256", value: part.sha256, isCode: true },
                  ]}
                />
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}
