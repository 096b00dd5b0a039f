import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

// Headers every answer of the app server carries, pages, APIs, images and the webhook receiver
// alike (lib/server/serve.ts sets them before anything else writes): no framing by another
// site, no MIME sniffing, no full URLs leaked in Referer, and a Content-Security-Policy.
//
// Scripts run only from this origin or with this request's nonce. Next.js reads the nonce from
// the request's own `Content-Security-Policy` header (app-render's getScriptNonceFromHeaders)
// and puts it on every script it renders, so the policy is copied onto the request as well.
// Styles allow inline because React writes `style` attributes (positions, progress bars); that
// is a far smaller risk than inline script, which stays refused.

export interface SecurityHeaderOptions {
  /** `next dev` evaluates its hot-reload code with eval. */
  isDev?: boolean;
}

export function applySecurityHeaders(request: IncomingMessage, response: ServerResponse, options: SecurityHeaderOptions = {}): void {
  const policy = contentSecurityPolicy(randomBytes(16).toString("base64"), options);
  request.headers["content-security-policy"] = policy; // replaces whatever a client sent
  delete request.headers["content-security-policy-report-only"];
  response.setHeader("content-security-policy", policy);
  response.setHeader("x-frame-options", "DENY");
  response.setHeader("x-content-type-options", "nosniff");
  response.setHeader("referrer-policy", "strict-origin-when-cross-origin");
  response.setHeader("cross-origin-opener-policy", "same-origin");
}

export function contentSecurityPolicy(nonce: string, options: SecurityHeaderOptions = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${options.isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
