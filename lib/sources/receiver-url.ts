import { receiverPath } from "./create-source.ts";

// The absolute URL a sender must post to, as the operator's browser reached this app. The Host
// header comes from the client, so it is only used when it looks like a host name (it is shown
// to that same operator, never stored); otherwise the path alone is given.

export interface RequestOrigin {
  host: string | null;
  proto: string | null;
}

const HOST = /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

export function originOf(request: RequestOrigin): string | null {
  const host = request.host?.split(",")[0].trim();
  if (!host || !HOST.test(host)) return null;
  const proto = request.proto?.split(",")[0].trim().toLowerCase() === "https" ? "https" : "http";
  return `${proto}://${host}`;
}

export function receiverUrl(origin: string | null, slug: string): string {
  return `${origin ?? ""}${receiverPath(slug)}`;
}
