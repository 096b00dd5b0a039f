import { describe, expect, it } from "vitest";
import { progressBar } from "./progress-bar.ts";

// What `blobs migrate` and `blobs check` show: on a terminal one line redrawn in place with
// the bar, count, bytes, rate and time left; in a log a plain line now and then and the last.

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream };
}

describe("progress bar", () => {
  it("redraws one terminal line with the bar, count, bytes, rate and ETA, and ends it once done", async () => {
    const { written, stream: tty } = stream(true);
    const bar = progressBar("copying to s3", tty);
    await new Promise((resolve) => setTimeout(resolve, 50));
    bar.update(25, 100, 3 * 1024 * 1024);
    bar.update(26, 100, 3 * 1024 * 1024); // within the redraw interval: skipped
    bar.update(100, 100, 12 * 1024 * 1024); // the last one always drawn
    bar.finish();
    expect(written).toHaveLength(3);
    expect(written[0]).toMatch(/^\r\[######------------------\] copying to s3: 25\/100 blobs, 3\.0 MiB, [\d.]+\/s \([\d.]+ MiB\/s\) ETA \d+ s\u001b\[K$/);
    expect(written[1]).toMatch(/^\r\[########################\] copying to s3: 100\/100 blobs, 12\.0 MiB, [\d.]+\/s/);
    expect(written[1]).not.toContain("ETA");
    expect(written[2]).toBe("\n");
  });

  it("writes plain lines, no carriage returns, when standard error is not a terminal", () => {
    const { written, stream: log } = stream(false);
    const bar = progressBar("checking filesystem", log);
    bar.update(1, 10, 100);
    bar.update(2, 10, 200); // within five seconds: skipped
    bar.update(10, 10, 1000, "checking filesystem");
    bar.finish();
    expect(written).toEqual([
      expect.stringMatching(/^checking filesystem: 1\/10 blobs, 100 B, .*\n$/),
      expect.stringMatching(/^checking filesystem: 10\/10 blobs, 1000 B, .*\n$/),
    ]);
  });
});
