import { InvalidJsonError, parseJsonPreservingOrder, type JsonNode } from "./json-tree.ts";

// A body is parsed once per request even though two steps need its tree: the Eden AI scheme's
// verifier (canonical forms) and the generic JSON analysis after it (images, dedupe key), both
// in the JSON worker. They are kept apart by the Scheme contract (a scheme sees only bytes), so
// the tree is remembered for the Buffer it came from, for as long as that Buffer lives.

const parsed = new WeakMap<Buffer, JsonNode | InvalidJsonError>();

/** parseJsonPreservingOrder, memoized per Buffer object; throws InvalidJsonError as it does. */
export function parseJsonOnce(bytes: Buffer): JsonNode {
  let result = parsed.get(bytes);
  if (!result) {
    try {
      result = parseJsonPreservingOrder(bytes);
    } catch (error) {
      if (!(error instanceof InvalidJsonError)) throw error;
      result = error;
    }
    parsed.set(bytes, result);
  }
  if (result instanceof InvalidJsonError) throw result;
  return result;
}
