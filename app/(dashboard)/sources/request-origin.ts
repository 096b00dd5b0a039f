import { headers } from "next/headers";
import { originOf } from "@/lib/sources/receiver-url.ts";

/** This app's origin as the operator's browser reached it (through a proxy, as it forwarded it). */
export async function requestOrigin(): Promise<string | null> {
  const incoming = await headers();
  return originOf({ host: incoming.get("x-forwarded-host") ?? incoming.get("host"), proto: incoming.get("x-forwarded-proto") });
}
