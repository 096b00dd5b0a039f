import { headers } from "next/headers";

/**
 * The client's address as `next start` reports it in X-Forwarded-For (it sets the socket's
 * address when the header is absent). A reverse proxy must set the header; a client talking to
 * the app directly could send its own, so per-address limits are a second line behind
 * per-account ones.
 */
export async function clientAddress(): Promise<string> {
  const forwarded = (await headers()).get("x-forwarded-for");
  return forwarded?.split(",")[0].trim().slice(0, 64) || "unknown";
}
