// Where the sign-in form may send a browser afterwards: a path on this site only. The check is
// made on the URL as a browser parses it (WHATWG URL drops TAB and newlines, turns `\` into
// `/`), not on the raw string, so `/%09/evil.example/` or `/\evil.example` cannot slip past.

const FALLBACK = "/gallery";
// Any origin will do as the base: only whether the parsed URL keeps it matters.
const BASE = "https://webhook-inbox.invalid";

export function safeReturnPath(next: string): string {
  if (!next.startsWith("/")) return FALLBACK;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== BASE) return FALLBACK;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // The rebuilt path is what the redirect sends; a browser must read it as this origin too.
  return path.startsWith("//") || path.startsWith("/\\") ? FALLBACK : path;
}
