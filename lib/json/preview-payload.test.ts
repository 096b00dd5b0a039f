import { describe, expect, it } from "vitest";
import { previewPayload } from "./preview-payload.ts";

// What the inspector shows of a JSON body: the body as sent, only laid out for reading.

describe("previewPayload", () => {
  it("keeps the key order and number literals of the body, which the stored jsonb payload loses", () => {
    const text = previewPayload(Buffer.from('{"z":1.0,"10":"ten","a":[1e-05,12345678901234567890],"café":null}'));
    expect(text).toBe('{\n  "z": 1.0,\n  "10": "ten",\n  "a": [\n    1e-05,\n    12345678901234567890\n  ],\n  "café": null\n}');
  });

  it("shortens long strings such as embedded base64 images", () => {
    const image = `iVBORw0KGgo${"A".repeat(5000)}`;
    const text = previewPayload(Buffer.from(JSON.stringify({ image })))!;
    expect(text).toContain(`"${image.slice(0, 60)}… (${image.length} characters)"`);
    expect(text.length).toBeLessThan(200);
  });

  it("shows a body that is not JSON as the start of its text, and nothing for an empty one", () => {
    expect(previewPayload(Buffer.from("status=ok&job=1"))).toBe("status=ok&job=1");
    expect(previewPayload(Buffer.alloc(0))).toBeNull();
  });

  it("cuts a very long preview and says how much is left out", () => {
    const text = previewPayload(Buffer.from(JSON.stringify({ items: Array.from({ length: 5000 }, (_, index) => index) })))!;
    expect(text).toMatch(/\n… \(cut: \d+ more characters\)$/);
  });
});
