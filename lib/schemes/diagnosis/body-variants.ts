import { type LineEndingVariantCode, lineEndingVariants } from "../common/body-variants.ts";

// The ways senders and proxies are known to change a body between signing and arrival, for the
// MaskIt and Eden AI diagnoses: the line-ending variants of lib/schemes/common/body-variants.ts,
// under the kebab-case codes those two kinds' findings have always had (the inspector's
// `data-finding` names; their wording is in lib/schemes/finding-text.ts).

export type BodyVariantCode = KebabCase<LineEndingVariantCode>;

type KebabCase<T extends string> = T extends `${infer Head}_${infer Tail}` ? `${Head}-${KebabCase<Tail>}` : T;

export interface BodyVariant {
  code: BodyVariantCode;
  body: Buffer;
}

/** The changed versions of `body` that differ from it, in the order they are tried. */
export function bodyVariants(body: Buffer): BodyVariant[] {
  return lineEndingVariants(body).map(({ code, body: changed }) => ({ code: code.replaceAll("_", "-") as BodyVariantCode, body: changed }));
}
