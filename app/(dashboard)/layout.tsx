import { cookies } from "next/headers";
import { AppHeader } from "@/components/app-header.tsx";
import { SignedOutNotice } from "@/components/live/signed-out-notice.tsx";
import { findSessionOperator, SESSION_COOKIE } from "@/lib/auth/sessions.ts";

// The frame of every operator page. It does not guard: a layout neither knows the page's path
// (for the sign-in redirect's `next`) nor re-runs on client navigation. Each page calls
// requirePageOperator itself, and test/access.test.ts checks that every one does.
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const operator = await findSessionOperator((await cookies()).get(SESSION_COOKIE)?.value);
  return (
    <>
      {operator && <AppHeader operator={operator} />}
      <SignedOutNotice />
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </>
  );
}
