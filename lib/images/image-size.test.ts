import os from "node:os";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { Spool } from "../ingest/spool.ts";
import { readImageSize } from "./image-size.ts";

describe("readImageSize", () => {
  it("reads a JPEG whose size comes after 60 KB of metadata, past the short header tried first", async () => {
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#888" } })
      .jpeg()
      .toBuffer();
    const metadata = (length: number) => {
      const segment = Buffer.alloc(length + 2); // an APP1 segment: marker, then its length
      segment[1] = 0xe1;
      segment[0] = 0xff;
      segment.writeUInt16BE(length, 2);
      return segment;
    };
    const spool = new Spool(os.tmpdir());
    for (const piece of [jpeg.subarray(0, 2), metadata(30_000), metadata(30_000), jpeg.subarray(2)]) await spool.write(piece);
    expect(await readImageSize(spool)).toEqual({ width: 640, height: 480 });
  });
});
