// The ways senders and proxies are known to change a body between signing and arrival, as
// other bodies to run a scheme's own `accept` over: a trailing newline added or lost, line
// endings converted either way. Any kind's diagnosis can use them; each has a stable code (its
// wording is in lib/schemes/finding-text.ts).

export type BodyVariantCode = "trailing-newline-added" | "trailing-crlf-added" | "trailing-newline-removed" | "crlf-to-lf" | "lf-to-crlf";

export interface BodyVariant {
  code: string;
  body: Buffer;
}

/** The changed versions of `body` that differ from it, in the order they are tried. */
export function bodyVariants(body: Buffer): BodyVariant[] {
  const variants: BodyVariant[] = [
    { code: "trailing-newline-added", body: Buffer.concat([body, Buffer.from("\n")]) },
    { code: "trailing-crlf-added", body: Buffer.concat([body, Buffer.from("\r\n")]) },
  ];
  if (body.at(-1) === 0x0a) variants.push({ code: "trailing-newline-removed", body: body.subarray(0, body.length - (body.at(-2) === 0x0d ? 2 : 1)) });
  if (body.includes("\r\n")) variants.push({ code: "crlf-to-lf", body: Buffer.from(body.toString("latin1").replaceAll("\r\n", "\n"), "latin1") });
  if (hasBareLf(body)) variants.push({ code: "lf-to-crlf", body: Buffer.from(body.toString("latin1").replace(/(?<!\r)\n/g, "\r\n"), "latin1") });
  return variants;
}

function hasBareLf(body: Buffer): boolean {
  for (let at = body.indexOf(0x0a); at !== -1; at = body.indexOf(0x0a, at + 1)) if (at === 0 || body[at - 1] !== 0x0d) return true;
  return false;
}
