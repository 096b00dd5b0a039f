import { describe, expect, it } from "vitest";
import { contentDisposition } from "./content-disposition.ts";

const image = { sha256: "0123456789abcdef".repeat(4), mime_type: "image/jpeg" };

describe("contentDisposition", () => {
  it("names the file as the sender did", () => {
    expect(contentDisposition("attachment", "photo 1.jpg", image)).toBe(`attachment; filename="photo 1.jpg"; filename*=UTF-8''photo%201.jpg`);
  });
  it("keeps only the last path segment of a name with folders", () => {
    expect(contentDisposition("inline", "../../etc/passwd", image)).toMatch(/^inline; filename="passwd";/);
    expect(contentDisposition("inline", "C:\\Users\\x\\shot.png", image)).toMatch(/^inline; filename="shot.png";/);
  });
  it("cannot be broken out of: quotes, semicolons, control characters and line breaks are replaced", () => {
    const header = contentDisposition("attachment", 'a";\r\nSet-Cookie: x=1;.jpg', image);
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toMatch(/^attachment; filename="a__Set-Cookie: x=1_.jpg"; filename\*=UTF-8''a%22%3BSet-Cookie%3A%20x%3D1%3B.jpg$/);
  });
  it("carries a non-ASCII name in filename* and an ASCII stand-in in filename", () => {
    expect(contentDisposition("attachment", "café.jpg", image)).toBe(`attachment; filename="caf_.jpg"; filename*=UTF-8''caf%C3%A9.jpg`);
  });
  it("falls back to the image's hash when there is no usable name", () => {
    for (const name of [null, "", "..", "/"]) expect(contentDisposition("inline", name, image)).toBe(`inline; filename="0123456789abcdef.jpg"`);
  });
});
