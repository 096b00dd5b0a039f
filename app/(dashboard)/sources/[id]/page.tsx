import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DestinationsSection } from "@/components/forwarding/destinations-section.tsx";
import { AddPublicKeyForm } from "@/components/sources/add-public-key-form.tsx";
import { AddSecretForm } from "@/components/sources/add-secret-form.tsx";
import { EnabledBadge, KindBadge } from "@/components/sources/badges.tsx";
import { CredentialsTable } from "@/components/sources/credentials-table.tsx";
import { DeleteSourceDialog } from "@/components/sources/delete-source-dialog.tsx";
import { ReceiverUrlField } from "@/components/sources/receiver-url-field.tsx";
import { RenameSourceForm } from "@/components/sources/rename-source-form.tsx";
import { SourceEnabledForm } from "@/components/sources/source-enabled-form.tsx";
import { RecentCounts } from "@/components/sources/sources-table.tsx";
import { Timestamp } from "@/components/sources/timestamp.tsx";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";
import { listDestinations } from "@/lib/forwarding/list-destinations.ts";
import { isVerifying } from "@/lib/sources/credential-status.ts";
import { describeSourceDeletion } from "@/lib/sources/describe-source-deletion.ts";
import { getSource } from "@/lib/sources/get-source.ts";
import { listCredentials } from "@/lib/sources/list-credentials.ts";
import { receiverUrl } from "@/lib/sources/receiver-url.ts";
import { KIND_TITLES, SIGNATURE_HEADER_OF_KIND } from "@/lib/sources/kind-names.ts";
import { slugSchema } from "@/lib/sources/source-input.ts";
import { parseKindOptions, publicKeyTypeOf, takesSecrets } from "@/lib/sources/source-kinds.ts";
import { SchemeOptionsList } from "@/components/sources/scheme-options-list.tsx";
import { requestOrigin } from "../request-origin.ts";

export const metadata: Metadata = { title: "Source" };
export const dynamic = "force-dynamic";

// One source, addressed by its slug (immutable, and what operators recognise in URLs).
export default async function SourcePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const operator = await requirePageOperator(`/sources/${encodeURIComponent(id)}`);
  const slug = slugSchema.safeParse(id);
  if (!slug.success) notFound();
  const now = new Date();
  const source = await getSource({ slug: slug.data, now });
  if (!source) notFound();
  const isAdmin = operator.role === "admin";
  const [credentials, origin, impact, destinations] = await Promise.all([
    listCredentials({ sourceId: source.id, now }),
    requestOrigin(),
    isAdmin ? describeSourceDeletion({ sourceId: source.id }) : null,
    listDestinations({ sourceId: source.id }),
  ]);
  const hasActiveCredential = credentials.some((credential) => isVerifying(credential.status));
  // Stored options were validated on creation; parsing again fills in the defaults shown.
  const schemeOptions = parseKindOptions(source.kind, source.schemeOptions);
  const signatureHeader = source.kind === "hmac" ? String(schemeOptions.header) : SIGNATURE_HEADER_OF_KIND[source.kind];
  const hasSecrets = takesSecrets(source.kind);
  const keyType = publicKeyTypeOf(source.kind);

  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <Link href="/sources" className="text-sm text-slate-500 hover:text-slate-900">
          ← Sources
        </Link>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
          <h1 className="text-lg font-semibold">{source.name}</h1>
          <KindBadge kind={source.kind} />
          <EnabledBadge isEnabled={source.enabled} />
        </div>
        <p className="font-mono text-xs text-slate-500">{source.slug}</p>
      </div>

      <dl className="grid gap-x-6 gap-y-4 rounded-lg border border-slate-200 bg-white p-5 text-sm shadow-sm sm:grid-cols-2 lg:grid-cols-4">
        <div className="min-w-0 sm:col-span-2">
          <dt className="text-xs font-medium text-slate-500">Receiver URL</dt>
          <dd className="mt-1">
            <ReceiverUrlField url={receiverUrl(origin, source.slug)} />
            <span className="mt-1 block text-xs text-slate-500">
              POST, signed in <span className="font-mono">{signatureHeader}</span>
            </span>
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium text-slate-500">Last delivery</dt>
          <dd className="mt-1">
            <Timestamp date={source.lastDeliveryAt} now={now} />
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium text-slate-500">Last 24 h</dt>
          <dd className="mt-1">
            <RecentCounts source={source} />
          </dd>
        </div>
      </dl>

      {Object.keys(schemeOptions).length > 0 && (
        <section aria-labelledby="options-heading" className="space-y-2">
          <h2 id="options-heading" className="text-base font-semibold">
            {KIND_TITLES[source.kind]} signing options
          </h2>
          <SchemeOptionsList options={schemeOptions} />
        </section>
      )}

      {!source.enabled && (
        <p className="rounded-md border border-slate-200 bg-slate-100 px-3 py-2 text-sm text-slate-700">
          This source is disabled: deliveries are answered 404 and not recorded.
        </p>
      )}
      {!hasActiveCredential && (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          No active credential: every delivery fails with 401 until you add a {hasSecrets ? "secret" : "public key"}.
        </p>
      )}

      <section aria-labelledby="credentials-heading" className="space-y-3">
        <div>
          <h2 id="credentials-heading" className="text-base font-semibold">
            Credentials
          </h2>
          <p className="mt-1 text-sm text-slate-500">
            {source.kind === "edenai"
              ? "RSA public keys whose signatures this source accepts. Any active one verifies."
              : `Shared secrets${keyType === "ed25519" ? " (and ed25519 public keys, for v1a signatures)" : ""} that sign this source's deliveries. Any active one verifies; after a rotation both work until the old one expires.`}
          </p>
        </div>
        <CredentialsTable credentials={credentials} now={now} canManage={isAdmin} />
        {isAdmin && (
          <section aria-labelledby="add-credential-heading" className="max-w-2xl rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            <h3 id="add-credential-heading" className="mb-3 text-sm font-semibold">
              {hasSecrets ? "Add a secret" : "Add a public key"}
            </h3>
            {hasSecrets ? <AddSecretForm sourceId={source.id} /> : <AddPublicKeyForm sourceId={source.id} keyType="rsa" />}
          </section>
        )}
        {isAdmin && hasSecrets && keyType === "ed25519" && (
          <section aria-labelledby="add-key-heading" className="max-w-2xl rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
            <h3 id="add-key-heading" className="mb-3 text-sm font-semibold">
              Add an ed25519 public key (v1a)
            </h3>
            <AddPublicKeyForm sourceId={source.id} keyType="ed25519" />
          </section>
        )}
      </section>

      <DestinationsSection slug={source.slug} destinations={destinations} canManage={isAdmin} />

      {isAdmin && impact && (
        <section aria-labelledby="settings-heading" className="space-y-3">
          <h2 id="settings-heading" className="text-base font-semibold">
            Settings
          </h2>
          <div className="grid gap-4 lg:grid-cols-2">
            <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <h3 className="mb-3 text-sm font-semibold">Name</h3>
              <RenameSourceForm sourceId={source.id} name={source.name} />
            </div>
            <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <h3 className="mb-3 text-sm font-semibold">{source.enabled ? "Disable" : "Enable"}</h3>
              <SourceEnabledForm sourceId={source.id} isEnabled={source.enabled} />
            </div>
          </div>
          <div className="rounded-lg border border-red-200 bg-white p-5 shadow-sm">
            <h3 className="text-sm font-semibold text-red-800">Delete</h3>
            <p className="mb-3 mt-1 text-sm text-slate-600">
              Deletes the source, its credentials
              {impact.deliveries > 0 ? ` and its ${impact.deliveries} ${impact.deliveries === 1 ? "delivery" : "deliveries"} in the log` : ""}. You will be
              asked to confirm.
            </p>
            <DeleteSourceDialog source={{ id: source.id, slug: source.slug, name: source.name }} impact={impact} />
          </div>
        </section>
      )}
    </div>
  );
}
