import type { Metadata } from "next";
import { CreateTokenForm } from "@/components/tokens/create-token-form.tsx";
import { TokensTable } from "@/components/tokens/tokens-table.tsx";
import { listApiTokens } from "@/lib/auth/list-api-tokens.ts";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";

export const metadata: Metadata = { title: "API tokens" };
export const dynamic = "force-dynamic";

export default async function TokensPage() {
  await requirePageOperator("/tokens", "admin");
  const tokens = await listApiTokens();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-lg font-semibold">API tokens</h1>
        <p className="mt-1 text-sm text-slate-500">
          Tokens let scripts and other systems use the operator API (<code className="font-mono text-xs">/api/deliveries</code>, images, events). A token acts
          with its role; only a hash of it is stored.
        </p>
      </div>
      <section aria-labelledby="create-token-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="create-token-heading" className="mb-3 text-sm font-semibold">
          Create a token
        </h2>
        <CreateTokenForm />
      </section>
      <section aria-labelledby="tokens-heading" className="space-y-2">
        <h2 id="tokens-heading" className="text-sm font-semibold">
          {tokens.length === 1 ? "1 token" : `${tokens.length} tokens`}
        </h2>
        <TokensTable tokens={tokens} />
      </section>
    </div>
  );
}
