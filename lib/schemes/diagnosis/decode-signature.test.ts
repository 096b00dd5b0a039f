import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeSignature, describeLength } from "./decode-signature.ts";

describe("decodeSignature", () => {
  it("does not read a short word as base64", () => {
    for (const value of ["hello", "wxyz", "sig", "x"]) {
      const decoded = decodeSignature(value);
      expect(decoded.encoding, value).toBe("unreadable");
      expect(describeLength(decoded)).toBe(`${value.length} characters`);
    }
  });

  it("reads a digest-sized base64 value, padded or not, either alphabet", () => {
    const digest = createHmac("sha256", "k").update("body").digest();
    for (const value of [digest.toString("base64"), digest.toString("base64url"), digest.subarray(0, 20).toString("base64")]) {
      const decoded = decodeSignature(value);
      expect(decoded.encoding, value).toBe("base64");
      expect(describeLength(decoded)).toMatch(/base64 characters \((32|20) bytes\)$/);
    }
  });

  it("refuses a base64 length no encoder produces", () => {
    expect(decodeSignature("Z".repeat(29)).encoding).toBe("unreadable"); // 29 = 4k + 1
  });

  it("still reads hex of any even length", () => {
    expect(describeLength(decodeSignature("ab12"))).toBe("4 hexadecimal characters (2 bytes)");
  });
});
