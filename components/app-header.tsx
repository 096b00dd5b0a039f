import Link from "next/link";
import { signOut } from "@/app/sign-in/actions.ts";
import type { Operator } from "@/lib/auth/api-tokens.ts";

export function AppHeader({ operator, current }: { operator: Operator; current: "gallery" }) {
  const links = [{ href: "/gallery", label: "Gallery", key: "gallery" }] as const;
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/gallery" className="font-semibold tracking-tight">
          webhook-inbox
        </Link>
        <nav className="flex gap-4 text-sm">
          {links.map((link) => (
            <Link key={link.key} href={link.href} aria-current={current === link.key ? "page" : undefined} className={current === link.key ? "font-medium text-slate-900" : "text-slate-500 hover:text-slate-900"}>
              {link.label}
            </Link>
          ))}
        </nav>
        <form action={signOut} className="ml-auto flex items-center gap-3 text-sm text-slate-500">
          <span>
            {operator.name} · {operator.role}
          </span>
          <button type="submit" className="rounded-md border border-slate-300 px-2 py-1 text-slate-700 hover:bg-slate-100">
            Sign out
          </button>
        </form>
      </div>
    </header>
  );
}
