import { edenaiScheme } from "./edenai/edenai-scheme.ts";
import { githubScheme } from "./github/scheme.ts";
import { hmacScheme } from "./hmac/scheme.ts";
import { maskitScheme } from "./maskit/maskit-scheme.ts";
import type { Scheme, SchemeOptions } from "./scheme.ts";
import { standardWebhooksScheme } from "./standard-webhooks/scheme.ts";
import { stripeScheme } from "./stripe/scheme.ts";

// Every source kind's scheme, by `sources.kind`. A new kind is one line here.

const SCHEMES: Readonly<Record<string, Scheme>> = {
  maskit: maskitScheme,
  edenai: edenaiScheme,
  "standard-webhooks": standardWebhooksScheme,
  github: githubScheme,
  stripe: stripeScheme,
  hmac: hmacScheme,
};

export const SCHEME_KINDS = Object.keys(SCHEMES);

/** Throws for a kind no scheme handles: a source row of an unknown kind is a bug, not a delivery to refuse. */
export function schemeFor(kind: string): Scheme {
  const scheme = SCHEMES[kind];
  if (!scheme) throw new Error(`no signing scheme for source kind "${kind}"`);
  return scheme;
}

/** The headers that carry a source's signature, for the log: per source where the kind lets the operator name it (hmac). */
export function signatureHeadersOf(scheme: Scheme, options: SchemeOptions): readonly string[] {
  return scheme.signatureHeadersFor?.(options) ?? scheme.signatureHeaders;
}
