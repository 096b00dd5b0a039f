import { createInterface } from "node:readline";

/**
 * Reads a value from standard input: all of it when piped, or one line typed at a prompt
 * (not echoed when secret) when it is a terminal.
 */
export async function readStdin(options: { prompt: string; isSecret: boolean }): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  const terminal = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const muted = terminal as unknown as { _writeToOutput: (text: string) => void };
  process.stderr.write(options.prompt);
  if (options.isSecret) muted._writeToOutput = () => {};
  const line = await new Promise<string>((resolve) => terminal.question("", resolve));
  terminal.close();
  process.stderr.write("\n");
  return line;
}
