import type { Metadata } from "next";
import "./globals.css";

// Every page is rendered per request, the not-found page too: the Content-Security-Policy's
// script nonce is new for each answer (lib/http/security-headers.ts), and a page prerendered
// at build time would carry scripts without it.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "webhook-inbox", template: "%s · webhook-inbox" },
  description: "Signed webhook receiver and operator dashboard",
  robots: { index: false, follow: false },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">{children}</body>
    </html>
  );
}
