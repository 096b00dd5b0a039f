import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";

// Holds a byte stream of unknown length: in memory while small, in a temporary file once it
// passes `memoryLimit`. Small webhook images never touch the disk; sixteen 25 MB uploads at once
// do not hold 400 MB of RAM.

export const DEFAULT_MEMORY_LIMIT = 1024 * 1024;

export class Spool {
  private memory: Buffer[] = [];
  private file: { handle: FileHandle; path: string } | undefined;
  private head = Buffer.alloc(0);
  size = 0;

  constructor(
    private readonly directory: string,
    private readonly memoryLimit = DEFAULT_MEMORY_LIMIT,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    if (this.head.length < 64) this.head = Buffer.concat([this.head, chunk.subarray(0, 64 - this.head.length)]);
    this.size += chunk.length;
    if (!this.file && this.size <= this.memoryLimit) {
      this.memory.push(chunk);
      return;
    }
    if (!this.file) await this.moveToDisk();
    await this.file!.handle.write(chunk);
  }

  /** The first bytes written (up to 64), for sniffing a file type. */
  firstBytes(): Buffer {
    return this.head;
  }

  /** The path of the backing file, or undefined while the content is in memory. */
  filePath(): string | undefined {
    return this.file?.path;
  }

  /** The whole content in memory; for small spools (or callers that need it whole anyway). */
  async toBuffer(): Promise<Buffer> {
    if (!this.file) return this.memoryBuffer();
    const chunks: Buffer[] = [];
    for await (const chunk of this.chunks(this.size || 1)) chunks.push(chunk);
    return Buffer.concat(chunks, this.size);
  }

  /** The whole content if it is in memory (joined once, as toBuffer does), else undefined: never reads the disk. */
  inMemoryBuffer(): Buffer | undefined {
    return this.file ? undefined : this.memoryBuffer();
  }

  /** The first `length` bytes (fewer if the content is shorter). */
  async leadingBytes(length: number): Promise<Buffer> {
    if (!this.file) return this.memoryPrefix(length);
    const buffer = Buffer.alloc(Math.min(length, this.size));
    const { bytesRead } = await this.file.handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  }

  /** The content in pieces of at most `chunkSize` bytes, read back in order. */
  async *chunks(chunkSize: number): AsyncGenerator<Buffer> {
    if (!this.file) {
      // The pieces as they were written, not joined first: a blob write takes them as they are.
      for (const piece of this.memory) {
        for (let offset = 0; offset < piece.length; offset += chunkSize) yield piece.subarray(offset, offset + chunkSize);
      }
      return;
    }
    await this.file.handle.sync().catch(() => {});
    for await (const piece of createReadStream(this.file.path, { highWaterMark: chunkSize })) yield piece as Buffer;
  }

  /** The first `length` in-memory bytes, joining only the pieces that hold them. */
  private memoryPrefix(length: number): Buffer {
    let joined = 0;
    let count = 0;
    while (count < this.memory.length && joined < length) joined += this.memory[count++].length;
    const prefix = count === 1 ? this.memory[0] : Buffer.concat(this.memory.slice(0, count), joined);
    return prefix.subarray(0, length);
  }

  /** The in-memory content as one Buffer, joined once: callers read it more than once. */
  private memoryBuffer(): Buffer {
    if (this.memory.length !== 1) this.memory = [Buffer.concat(this.memory, this.size)];
    return this.memory[0];
  }

  async dispose(): Promise<void> {
    this.memory = [];
    const file = this.file;
    this.file = undefined;
    if (file) {
      await file.handle.close().catch(() => {});
      await rm(file.path, { force: true });
    }
  }

  private async moveToDisk(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const filePath = path.join(this.directory, `spool-${randomUUID()}`);
    const handle = await open(filePath, "w+", 0o600);
    this.file = { handle, path: filePath };
    for (const chunk of this.memory) await handle.write(chunk);
    this.memory = [];
  }
}
