"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function NavLink({ href, children }: { href: string; children: React.ReactNode }) {
  const isCurrent = usePathname().startsWith(href);
  return (
    <Link
      href={href}
      aria-current={isCurrent ? "page" : undefined}
      className={isCurrent ? "font-medium text-slate-900" : "text-slate-500 hover:text-slate-900"}
    >
      {children}
    </Link>
  );
}
