// Kept for the import paths of the receiver suites (test/receiver-edenai.test.ts and others,
// which must pass unchanged through issue 14): the Eden AI scheme lives in lib/schemes/edenai.
export { signEdenaiPayload } from "../schemes/edenai/edenai-signature.ts";
export { EDENAI_PUBLISHED_PUBLIC_KEY, parseRsaPublicKey } from "../schemes/edenai/rsa-public-key.ts";
