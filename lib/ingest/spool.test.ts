import os from "node:os";
import { describe, expect, it } from "vitest";
import { Spool } from "./spool.ts";

describe("Spool in memory", () => {
  const pieces = [Buffer.from("abcdef"), Buffer.from("ghij"), Buffer.from("klmnopqrst")];
  const filled = async () => {
    const spool = new Spool(os.tmpdir());
    for (const piece of pieces) await spool.write(piece);
    return spool;
  };

  it("gives its pieces as written, split to the chunk size, without joining them", async () => {
    const spool = await filled();
    const chunks: Buffer[] = [];
    for await (const chunk of spool.chunks(5)) chunks.push(chunk);
    expect(chunks.map(String)).toEqual(["abcde", "f", "ghij", "klmno", "pqrst"]);
    expect(chunks[0].buffer).toBe(pieces[0].buffer);
  });

  it("gives leading bytes across pieces, and the whole content", async () => {
    const spool = await filled();
    expect(String(await spool.leadingBytes(3))).toBe("abc");
    expect(String(await spool.leadingBytes(8))).toBe("abcdefgh");
    expect(String(await spool.leadingBytes(100))).toBe("abcdefghijklmnopqrst");
    expect(String(await spool.toBuffer())).toBe("abcdefghijklmnopqrst");
    const after: string[] = [];
    for await (const chunk of spool.chunks(64)) after.push(String(chunk));
    expect(after.join("")).toBe("abcdefghijklmnopqrst");
  });
});
