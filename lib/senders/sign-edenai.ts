import type { KeyObject } from "node:crypto";
import { canonicalForms, parseJsonPreservingOrder, serializeCanonical, type CanonicalForm } from "../schemes/edenai/canonical-forms.ts";
import { signEdenaiPayload } from "../schemes/edenai/edenai-signature.ts";
import type { SignedRequest } from "./sign-maskit.ts";

// One Eden AI job result as Eden AI sends it: the payload serialized in one canonical form (by
// default `sorted-utf8`, what its current servers send), that text as the body, and
// X-Edenai-Signature over hex(sha256(the form)). The signed bytes are taken from canonicalForms,
// the receiver's own function, so the sender cannot drift from what the receiver rebuilds.

export const EDENAI_FORMS: readonly CanonicalForm[] = ["sorted-utf8", "python-json-dumps", "js-json-stringify", "raw-body"];

export function signEdenaiDelivery(options: {
  /** The payload as JSON text; its key order and number literals are kept. */
  payloadText: string;
  form: CanonicalForm;
  privateKey: KeyObject;
  /** Change one character of a string value after signing: still JSON, so expect 401, not 400. */
  isTampered?: boolean;
}): SignedRequest {
  const tree = parseJsonPreservingOrder(options.payloadText);
  const text = options.form === "raw-body" ? options.payloadText : serializeCanonical(tree, options.form);
  if (!text.isWellFormed()) throw new Error("the payload holds a lone surrogate (\\ud800-\\udfff), which the sorted-utf8 form cannot encode");
  const body = Buffer.from(text, "utf8");
  const signed = canonicalForms(body).find(({ form }) => form === options.form);
  if (!signed) throw new Error(`the payload has no ${options.form} form`);
  const signature = signEdenaiPayload(signed.bytes, options.privateKey);
  if (options.isTampered) tamperStringValue(body);
  return {
    body,
    headers: { "content-type": "application/json", "x-edenai-signature": signature, "x-edenai-hash-algorithm": "SHA256" },
  };
}

/**
 * Swaps the case of a letter (or 0 and 1) in the first string value that has one. A flipped
 * quote, brace or comma would make the body invalid JSON, which the receiver refuses with 400
 * before it looks at the signature.
 */
function tamperStringValue(body: Buffer): void {
  let isInString = false;
  let isValue = false;
  let previous = 0; // last byte outside strings that is not whitespace
  for (let index = 0; index < body.length; index++) {
    const byte = body[index];
    if (!isInString) {
      if (byte === QUOTE) [isInString, isValue] = [true, previous === COLON || previous === BRACKET];
      else if (!WHITESPACE.has(byte)) previous = byte;
      continue;
    }
    if (byte === BACKSLASH) index++;
    else if (byte === QUOTE) [isInString, previous] = [false, QUOTE];
    else if (isValue && isAlphanumeric(byte)) return void (body[index] = swapped(byte));
  }
  throw new Error("--tamper needs a string value with a letter or digit in the payload");
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const BRACKET = 0x5b;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

function isAlphanumeric(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

function swapped(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte === 0x30 ? 0x31 : 0x30;
  return byte ^ 0x20; // ASCII case
}
