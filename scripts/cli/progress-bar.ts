// Progress of a long command on a terminal: one line rewritten in place with the count, the
// bytes, the rate and the time left. When standard error is not a terminal (a log, CI), a plain
// line every few seconds instead, so that a log is not flooded with carriage returns.

const PLAIN_EVERY_MS = 5_000;
const REDRAW_EVERY_MS = 100;

export interface ProgressBar {
  update(done: number, total: number, bytes: number, label?: string): void;
  finish(): void;
}

export function progressBar(title: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const startedAt = Date.now();
  let lastDrawnAt = 0;
  let lastLine = "";
  return {
    update(done, total, bytes, label = title) {
      const now = Date.now();
      if (now - lastDrawnAt < (stream.isTTY ? REDRAW_EVERY_MS : PLAIN_EVERY_MS) && done < total) return;
      lastDrawnAt = now;
      lastLine = describe(label, done, total, bytes, (now - startedAt) / 1000);
      if (stream.isTTY) stream.write(`\r${bar(done, total)} ${lastLine}\u001b[K`);
      else stream.write(`${lastLine}\n`);
    },
    finish() {
      if (stream.isTTY && lastLine) stream.write("\n");
    },
  };
}

function describe(label: string, done: number, total: number, bytes: number, seconds: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const eta = rate > 0 && total > done ? ` ETA ${formatDuration((total - done) / rate)}` : "";
  return `${label}: ${done}/${total} blobs, ${formatBytes(bytes)}, ${rate.toFixed(1)}/s (${formatBytes(seconds > 0 ? bytes / seconds : 0)}/s)${eta}`;
}

function bar(done: number, total: number, width = 24): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : width;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.ceil((seconds % 3600) / 60)} min`;
}
