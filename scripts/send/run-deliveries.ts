import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { SignedRequest } from "../../lib/senders/sign-maskit.ts";
import { closeConnections, postRequest } from "./post-request.ts";
import { createProgressBar, formatSummary, type Tally } from "./report.ts";

// Sends `count` deliveries with `concurrency` in flight: each worker signs its next delivery just
// before posting it (so a long run does not hold every body in memory, and signing time is not
// counted as latency), then records the answer.

export interface DeliveryPlan {
  url: URL;
  count: number;
  concurrency: number;
  timeoutMs: number;
  /** 401 when the deliveries are meant to fail verification; otherwise any 2xx is expected. */
  expectedStatus: "2xx" | 401;
  /** Diagnostics: write each body and the headers sent to this folder. */
  dumpDir?: string;
  /** Builds and signs delivery `n` (1-based); `label` names it in messages. */
  prepare(n: number): Promise<{ label: string; request: SignedRequest }>;
}

/** How many unexpected answers are shown in full; the summary counts the rest. */
const MAX_SHOWN_SURPRISES = 5;

/** Returns true when every delivery got the expected status. */
export async function runDeliveries(plan: DeliveryPlan): Promise<boolean> {
  const tally: Tally = { sent: 0, accepted: 0, refused: new Map(), networkErrors: 0, latencies: [], unexpected: 0 };
  const progress = process.stderr.isTTY ? createProgressBar(plan.count, process.stderr) : null;
  if (plan.dumpDir) await mkdir(plan.dumpDir, { recursive: true });
  const startedAt = Date.now();
  let next = 1;

  const worker = async () => {
    while (next <= plan.count) {
      const n = next++;
      const { label, request } = await plan.prepare(n);
      if (plan.dumpDir) await dumpRequest(plan.dumpDir, n, request);
      const result = await postRequest(plan.url, request, plan.timeoutMs);
      tally.sent++;
      tally.latencies.push(result.milliseconds);
      let isExpected = false;
      if ("error" in result) {
        tally.networkErrors++;
      } else if (result.status >= 200 && result.status < 300) {
        tally.accepted++;
        isExpected = plan.expectedStatus === "2xx";
      } else {
        tally.refused.set(result.status, (tally.refused.get(result.status) ?? 0) + 1);
        isExpected = plan.expectedStatus === result.status;
      }
      if (!isExpected && ++tally.unexpected <= MAX_SHOWN_SURPRISES) {
        const answer = "error" in result ? `network error, ${result.error}` : `${result.status} ${result.body.trim()}`;
        progress?.clear();
        console.error(`delivery ${n} (${label}): ${answer}`);
      }
      progress?.update(tally, Date.now() - startedAt);
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(plan.concurrency, plan.count) }, worker));
  } finally {
    progress?.clear();
    closeConnections();
  }
  console.log(
    formatSummary(tally, { url: plan.url, seconds: (Date.now() - startedAt) / 1000, expectedStatus: plan.expectedStatus, maxShown: MAX_SHOWN_SURPRISES }),
  );
  return tally.unexpected === 0;
}

async function dumpRequest(dir: string, n: number, request: SignedRequest): Promise<void> {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${value}\n`)
    .join("");
  await writeFile(path.join(dir, `${n}.body`), request.body);
  await writeFile(path.join(dir, `${n}.headers`), headers);
}
