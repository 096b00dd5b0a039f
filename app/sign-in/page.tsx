import type { Metadata } from "next";
import { SignInForm } from "./sign-in-form.tsx";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">webhook-inbox</h1>
        <p className="mt-1 text-sm text-slate-500">Sign in to see deliveries and manage sources.</p>
        <SignInForm next={next ?? "/gallery"} />
      </div>
    </main>
  );
}
