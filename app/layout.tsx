import type { Metadata } from "next";
import "./globals.css";

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
