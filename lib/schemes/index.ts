import { edenaiScheme } from "./edenai/edenai-scheme.ts";
import { maskitScheme } from "./maskit/maskit-scheme.ts";
import type { Scheme } from "./scheme.ts";

// Every source kind's scheme, by `sources.kind`. A new kind is one line here.

const SCHEMES: Readonly<Record<string, Scheme>> = {
  maskit: maskitScheme,
  edenai: edenaiScheme,
};

export const SCHEME_KINDS = Object.keys(SCHEMES);

/** Throws for a kind no scheme handles: a source row of an unknown kind is a bug, not a delivery to refuse. */
export function schemeFor(kind: string): Scheme {
  const scheme = SCHEMES[kind];
  if (!scheme) throw new Error(`no signing scheme for source kind "${kind}"`);
  return scheme;
}
