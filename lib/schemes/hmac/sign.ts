import { createHmac } from "node:crypto";
import { parseHmacOptions } from "./options.ts";

// A sender for a generic HMAC source, for `npm run send`: the headers its options describe.

export function signHmacDelivery(
  body: Buffer,
  secret: string | Buffer,
  options: unknown,
  timestamp: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const parsed = parseHmacOptions(options);
  const hmac = createHmac(parsed.algorithm, secret);
  const headers: Record<string, string> = {};
  if (parsed.signedString === "timestamp.body") {
    hmac.update(`${timestamp}.`);
    headers[parsed.timestampHeader!] = String(timestamp);
  }
  headers[parsed.header] = parsed.prefix + hmac.update(body).digest(parsed.encoding);
  return headers;
}
