// Kept for the import paths of the receiver suites (see edenai.ts here).
export { canonicalForms, type CanonicalForm } from "../schemes/edenai/canonical-forms.ts";
