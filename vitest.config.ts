import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// The longest files (measured: each a minute or so of one worker's time) start first, so that
// the run does not end with one worker alone on a long file while the other has nothing left.
// vitest orders the rest by its own cache of earlier durations, or on a fresh clone by size.
const LONGEST_FIRST = [
  "test/blobs-migrate.test.ts",
  "test/cli.test.ts",
  "test/crash-burst.test.ts",
  "test/stop-start.test.ts",
  "test/forwarding-cli.test.ts",
  "test/start-restart.test.ts",
  "test/operator-access.test.ts",
  "test/alert-channels.test.ts",
];

class LongestFirst extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = LONGEST_FIRST.findIndex((name) => file.moduleId.endsWith(name));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "test/**/*.test.ts", "scripts/**/*.test.ts"],
    // Integration tests start an app server and database of their own per file, on free ports and
    // in folders of their own, so files can run side by side: two at a time, one per core.
    fileParallelism: true,
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
