import { describe, expect, it } from "vitest";
import { parseRange } from "./parse-range.ts";

// Range requests against a 1000-byte image, as RFC 9110 §14 reads.

const ETAG = '"abc"';
const range = (header: string | null, ifRange: string | null = null) => parseRange(header, 1000, ifRange, ETAG);

describe("parseRange", () => {
  it("serves the whole blob without a Range header", () => expect(range(null)).toBeNull());
  it("reads start-end, inclusive", () => expect(range("bytes=0-0")).toEqual({ start: 0, end: 0 }));
  it("reads an open end", () => expect(range("bytes=990-")).toEqual({ start: 990, end: 999 }));
  it("reads a suffix", () => expect(range("bytes=-10")).toEqual({ start: 990, end: 999 }));
  it("clamps an end past the size", () => expect(range("bytes=500-5000")).toEqual({ start: 500, end: 999 }));
  it("clamps a suffix longer than the blob", () => expect(range("bytes=-5000")).toEqual({ start: 0, end: 999 }));
  it("refuses a start past the end", () => expect(range("bytes=1000-")).toBe("unsatisfiable"));
  it("refuses an end before the start", () => expect(range("bytes=9-3")).toBe("unsatisfiable"));
  it("refuses an empty suffix", () => expect(range("bytes=-0")).toBe("unsatisfiable"));
  it("answers several ranges with the whole blob", () => expect(range("bytes=0-1,5-6")).toBeNull());
  it("ignores other units and garbage", () => {
    expect(range("items=0-1")).toBeNull();
    expect(range("bytes=a-b")).toBeNull();
    expect(range("bytes=-")).toBeNull();
  });
  it("serves the whole blob when If-Range names another version", () => {
    expect(range("bytes=0-9", '"other"')).toBeNull();
    expect(range("bytes=0-9", ETAG)).toEqual({ start: 0, end: 9 });
  });
});
