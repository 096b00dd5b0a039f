import type { Metadata } from "next";
import Link from "next/link";
import { isSetupTokenValid } from "@/lib/auth/setup-token.ts";
import { SetupForm } from "./setup-form.tsx";

export const metadata: Metadata = { title: "First-run setup" };
export const dynamic = "force-dynamic";

// Reachable without signing in, but useful only with the one-time link the app printed.
export default async function SetupPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const isValid = await isSetupTokenValid(token);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Set up webhook-inbox</h1>
        {isValid ? (
          <>
            <p className="mt-1 text-sm text-slate-500">Create the first administrator account.</p>
            <SetupForm token={token!} />
          </>
        ) : (
          <p className="mt-3 text-sm text-slate-600">
            This setup link is not valid: setup may be complete already, or the link expired.{" "}
            <Link href="/sign-in" className="font-medium text-slate-900 underline">
              Sign in
            </Link>
            , or restart the app for a new link while no administrator exists.
          </p>
        )}
      </div>
    </main>
  );
}
