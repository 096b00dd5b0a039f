import { describe, expect, it } from "vitest";
import { isStorageUnavailable } from "./storage-errors.ts";

// Which failures are "retry later" (503 with Retry-After) rather than a bug (500). The error
// shapes are those node-postgres and node:fs throw: a SQLSTATE in `code`, an errno code.

describe("isStorageUnavailable", () => {
  it("treats PostgreSQL's disk_full (53100) as storage unavailable, also when wrapped", () => {
    const diskFull = Object.assign(new Error("could not extend file: No space left on device"), { code: "53100" });
    expect(isStorageUnavailable(diskFull)).toBe(true);
    expect(isStorageUnavailable(new Error("insert failed", { cause: diskFull }))).toBe(true);
  });

  it("treats a full disk or quota under a spool file (ENOSPC, EDQUOT) as storage unavailable", () => {
    for (const code of ["ENOSPC", "EDQUOT"]) expect(isStorageUnavailable(Object.assign(new Error(`${code}: write`), { code, syscall: "write" }))).toBe(true);
  });

  it("does not hide bugs: a constraint violation or a plain error is not an outage", () => {
    expect(isStorageUnavailable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isStorageUnavailable(new TypeError("x is undefined"))).toBe(false);
  });
});
