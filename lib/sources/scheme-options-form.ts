import type { SourceKindName } from "./kind-names.ts";

// The new-source form's option fields (`option.<name>`) as the object a scheme's parseOptions
// checks: empty fields are left out so that defaults apply, numbers are read as numbers. Which
// fields exist per kind is the form's business; the scheme refuses anything it does not know.

const NUMERIC = new Set(["toleranceSeconds"]);

export function schemeOptionsFromForm(kind: SourceKindName, form: FormData): Record<string, unknown> | undefined {
  if (kind === "maskit" || kind === "edenai") return undefined;
  const options: Record<string, unknown> = {};
  for (const [field, value] of form.entries()) {
    if (!field.startsWith("option.") || typeof value !== "string" || value.trim() === "") continue;
    const name = field.slice("option.".length);
    options[name] = NUMERIC.has(name) && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value.trim();
  }
  return options;
}
