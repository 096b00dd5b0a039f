import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./safe-return-path.ts";

// Each value is read back the way a browser would resolve the redirect it produces.
const ORIGIN = "https://inbox.example";
const landsOn = (next: string) => new URL(safeReturnPath(next), ORIGIN);

describe("safeReturnPath", () => {
  it("keeps a path on this site, with its query and fragment", () => {
    expect(safeReturnPath("/deliveries?status=failed#row-3")).toBe("/deliveries?status=failed#row-3");
    expect(safeReturnPath("/gallery")).toBe("/gallery");
  });

  it.each([
    "//evil.example/",
    "/\\evil.example/",
    "/\t/evil.example/",
    "/%09/evil.example/",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    " /gallery",
    "/\t\\evil.example",
  ])("never leaves the origin for %j", (next) => {
    // `%09` arrives decoded: the page reads `next` from the query string.
    const value = next === "/%09/evil.example/" ? decodeURIComponent(next) : next;
    expect(landsOn(value).origin).toBe(ORIGIN);
  });

  it("falls back to the gallery for anything else", () => {
    expect(safeReturnPath("")).toBe("/gallery");
    expect(safeReturnPath("evil.example")).toBe("/gallery");
    expect(safeReturnPath("/\t/evil.example/")).toBe("/gallery");
  });
});
