import { lookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import { assertAllowedAddress, assertAllowedHost, RefusedDestinationError } from "./address-policy.ts";

// Destination URLs: http or https, no credentials in them, and every address the host resolves
// to allowed by the address policy. At send time the socket connects to the checked addresses
// through `guardedLookup`, so a name cannot resolve to one address when checked and another when
// connected (DNS rebinding).

export function parseDestinationUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RefusedDestinationError(`"${text}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new RefusedDestinationError("a destination URL must be http or https");
  if (url.username || url.password) throw new RefusedDestinationError("a destination URL must not carry credentials");
  if (url.hash) throw new RefusedDestinationError("a destination URL must not have a #fragment");
  return url;
}

/** Resolves the URL's host now and refuses it if any address is not allowed. */
export async function checkDestinationUrl(text: string, allowPrivate: boolean): Promise<URL> {
  const url = parseDestinationUrl(text);
  const host = hostOf(url);
  assertAllowedHost(host);
  if (isIP(host)) {
    assertAllowedAddress(host, allowPrivate);
    return url;
  }
  const addresses = await lookup(host, { all: true }).catch((error: NodeJS.ErrnoException) => {
    throw new RefusedDestinationError(`${host} does not resolve (${error.code ?? error.message})`);
  });
  for (const { address } of addresses) assertAllowedAddress(address, allowPrivate);
  return url;
}

/** The host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

/** A `lookup` for http.request that refuses a name resolving to any address the policy refuses. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { all: true, family: options.family as number | undefined })
      .then((addresses) => {
        assertAllowedHost(hostname);
        for (const { address } of addresses) assertAllowedAddress(address, allowPrivate);
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, "", 0));
  };
}
