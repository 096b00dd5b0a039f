import Link from "next/link";
import { signOut } from "@/app/sign-in/actions.ts";
import type { Operator } from "@/lib/auth/api-tokens.ts";
import { NavLink } from "./nav-link.tsx";

const LINKS = [
  { href: "/overview", label: "Overview", isAdminOnly: false },
  { href: "/gallery", label: "Gallery", isAdminOnly: false },
  { href: "/deliveries", label: "Deliveries", isAdminOnly: false },
  { href: "/sources", label: "Sources", isAdminOnly: false },
  { href: "/alerts", label: "Alerts", isAdminOnly: false },
  { href: "/forwarding", label: "Forwarding", isAdminOnly: false },
  { href: "/users", label: "Users", isAdminOnly: true },
  { href: "/tokens", label: "API tokens", isAdminOnly: true },
  { href: "/audit", label: "Audit log", isAdminOnly: true },
  { href: "/settings", label: "Settings", isAdminOnly: true },
];

export function AppHeader({ operator }: { operator: Operator }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/gallery" className="font-semibold tracking-tight">
          webhook-inbox
        </Link>
        <nav className="flex flex-wrap gap-x-4 gap-y-1 text-sm" aria-label="Main">
          {LINKS.filter((link) => !link.isAdminOnly || operator.role === "admin").map((link) => (
            <NavLink key={link.href} href={link.href}>
              {link.label}
            </NavLink>
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
