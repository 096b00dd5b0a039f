import type { Scheme } from "../scheme.ts";
import { diagnoseMaskit } from "./diagnose-maskit.ts";
import { beginMaskit, MASKIT_IMAGE_PART, MASKIT_SIGNATURE_HEADER } from "./maskit-signature.ts";

// MaskIt as one Scheme (lib/schemes/scheme.ts): the signature in maskit-signature.ts, the
// diagnosis in diagnose-maskit.ts, the body rules SPEC.md gives (multipart/form-data with one
// JPEG or PNG `maskedImage` part).

export const maskitScheme: Scheme = {
  kind: "maskit",
  signatureHeaders: [MASKIT_SIGNATURE_HEADER],
  body: { shape: "multipart", imagePart: MASKIT_IMAGE_PART },
  parseOptions: () => ({}),
  begin: beginMaskit,
  // A retry is the same body: the receiver falls back to its SHA-256.
  dedupeKey: () => null,
  diagnose: (request, credentials) => diagnoseMaskit(request, credentials),
};
