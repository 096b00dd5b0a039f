import type { SchemeFinding } from "../scheme.ts";
import { renderFinding, type FindingTable } from "./findings.ts";

// For the diagnosis tests: the codes found, after checking that each has wording in the kind's
// table and that every placeholder of that wording was filled.

export function codesOf(findings: readonly SchemeFinding[], table: FindingTable): string[] {
  for (const finding of findings) {
    const { title, detail } = renderFinding(table, finding);
    const unfilled = `${title} ${detail}`.match(/\{\w+\}/);
    if (unfilled) throw new Error(`finding ${finding.code} leaves ${unfilled[0]} unfilled`);
  }
  return findings.map((finding) => finding.code);
}
