import { AppHeader } from "@/components/app-header.tsx";
import { requirePageOperator } from "@/lib/auth/require-operator.ts";

// The frame of every operator page. Each page still checks access itself: a layout is not
// re-rendered on client-side navigation, so it cannot be the guard.
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const operator = await requirePageOperator("/gallery");
  return (
    <>
      <AppHeader operator={operator} />
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </>
  );
}
