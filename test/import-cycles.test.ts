import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findCycles, sourceFiles } from "./helpers/import-graph.ts";

// No module of lib/ may import itself back, through any chain (issue 14): a cycle makes load
// order matter and tangles layers that should stand alone. `import type` counts too: a type
// cycle is the same tangle, even though it vanishes at run time.

const ROOT = path.resolve(import.meta.dirname, "..");
const LIB = path.join(ROOT, "lib");

describe("lib/ import graph", () => {
  it("has no cycles", () => {
    expect(findCycles(sourceFiles(LIB), ROOT, LIB)).toEqual([]);
  });

  it("finds a cycle through a type import and a re-export, and none in a tree without one", () => {
    const root = mkdtempSync(path.join(tmpdir(), "import-cycles-"));
    const lib = path.join(root, "lib");
    mkdirSync(path.join(lib, "a"), { recursive: true });
    mkdirSync(path.join(lib, "b"), { recursive: true });
    writeFileSync(path.join(lib, "a", "one.ts"), 'import type { Two } from "../b/two.ts";\nexport type One = Two;\n');
    writeFileSync(path.join(lib, "b", "two.ts"), 'export { three } from "@/lib/b/three.ts";\nexport type Two = string;\n');
    writeFileSync(path.join(lib, "b", "three.ts"), 'import type { One } from "../a/one.ts";\nexport const three: One = "3";\n');
    writeFileSync(path.join(lib, "leaf.ts"), 'import { three } from "./b/three.ts";\nexport const leaf = three;\n');
    expect(findCycles(sourceFiles(lib), root, lib)).toEqual([["lib/a/one.ts", "lib/b/three.ts", "lib/b/two.ts"]]);
    writeFileSync(path.join(lib, "b", "three.ts"), 'export const three = "3";\n');
    expect(findCycles(sourceFiles(lib), root, lib)).toEqual([]);
  });
});
