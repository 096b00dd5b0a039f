// What the operator sees: a one-line progress bar redrawn in place on a terminal, and a summary
// at the end that says whether every delivery got the answer the run was meant to provoke.

export interface Tally {
  sent: number;
  accepted: number;
  /** Non-2xx answers by status. */
  refused: Map<number, number>;
  networkErrors: number;
  latencies: number[];
  unexpected: number;
}

export interface ProgressBar {
  update(tally: Tally, elapsedMs: number): void;
  /** Erases the bar, so that a message or the summary starts on a clean line. */
  clear(): void;
}

const BAR_WIDTH = 24;
/** Redraws at most this often: a fast run would otherwise spend its time drawing. */
const REDRAW_MS = 100;

export function createProgressBar(total: number, stream: NodeJS.WriteStream): ProgressBar {
  let drawnAt = 0;
  let last: { tally: Tally; elapsedMs: number } | null = null;
  const draw = () => {
    if (!last) return;
    const { tally, elapsedMs } = last;
    const filled = Math.round((tally.sent / total) * BAR_WIDTH);
    const refused = [...tally.refused.values()].reduce((sum, value) => sum + value, 0) + tally.networkErrors;
    const rate = tally.sent / Math.max(elapsedMs / 1000, 0.001);
    stream.write(
      `\r\x1b[2K[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${tally.sent}/${total}  accepted ${tally.accepted}  refused ${refused}  ${rate.toFixed(1)}/s`,
    );
  };
  return {
    update(tally, elapsedMs) {
      last = { tally, elapsedMs };
      if (Date.now() - drawnAt < REDRAW_MS && tally.sent < total) return;
      drawnAt = Date.now();
      draw();
    },
    clear() {
      stream.write("\r\x1b[2K");
      // Redrawn on the next update, so a message printed mid-run does not leave the bar missing.
      drawnAt = 0;
    },
  };
}

export function formatSummary(tally: Tally, context: { url: URL; seconds: number; expectedStatus: "2xx" | 401; maxShown: number }): string {
  const sorted = [...tally.latencies].sort((a, b) => a - b);
  const refused = [...tally.refused.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
  const expected = context.expectedStatus === "2xx" ? "2xx" : String(context.expectedStatus);
  const lines = [
    `sent:           ${tally.sent} to ${context.url.href} in ${context.seconds.toFixed(1)} s`,
    `accepted (2xx): ${tally.accepted}`,
    `refused:        ${refused.length ? refused.join(", ") : "none"}`,
    `network errors: ${tally.networkErrors}`,
    `latency ms:     p50 ${formatMs(percentile(sorted, 0.5))}, p99 ${formatMs(percentile(sorted, 0.99))}`,
  ];
  if (tally.unexpected === 0) lines.push(`result:         every delivery answered ${expected}, as expected`);
  else {
    const hidden = tally.unexpected > context.maxShown ? ` (the first ${context.maxShown} are shown above)` : "";
    lines.push(`result:         ${tally.unexpected} of ${tally.sent} deliveries not answered ${expected}${hidden}`);
  }
  return lines.join("\n");
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

function formatMs(value: number): string {
  return Number.isNaN(value) ? "-" : value < 10 ? value.toFixed(1) : value.toFixed(0);
}
