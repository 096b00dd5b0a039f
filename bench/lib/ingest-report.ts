import { median } from "./load.ts";
import type { CpuSplit, Measured } from "./measure.ts";

// bench/ingest.ts's tables: the rounds of one target at one concurrency reduced to one row
// (medians; peaks and the others' CPU as maxima), printed as Markdown.

export interface Row {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  seconds: number;
  app: CpuSplit;
  postgres: CpuSplit | null;
  store: CpuSplit | null;
  rssBeforeMB: number;
  peakRssMB: number;
  othersMsPerSecond: number;
  busiestOther: string;
  statuses: Record<number, number>;
}

export function summarize(name: string, rounds: Measured[]): Row {
  const of = (pick: (round: Measured) => number) => median(rounds.map(pick));
  const cpu = (pick: (round: Measured) => CpuSplit | null): CpuSplit | null =>
    pick(rounds[0]) && { during: of((round) => pick(round)!.during), after: of((round) => pick(round)!.after) };
  const statuses: Record<number, number> = {};
  for (const round of rounds) for (const [status, n] of Object.entries(round.statuses)) statuses[Number(status)] = (statuses[Number(status)] ?? 0) + n;
  return {
    name,
    perSecond: of((round) => round.perSecond),
    p50: of((round) => round.p50),
    p99: of((round) => round.p99),
    seconds: of((round) => round.seconds),
    app: cpu((round) => round.app)!,
    postgres: cpu((round) => round.postgres),
    store: cpu((round) => round.store),
    rssBeforeMB: of((round) => round.rssBeforeMB),
    peakRssMB: Math.max(...rounds.map((round) => round.peakRssMB)),
    othersMsPerSecond: Math.max(...rounds.map((round) => round.othersMsPerSecond)),
    busiestOther: rounds.reduce((max, round) => (round.othersMsPerSecond > max.othersMsPerSecond ? round : max), rounds[0]).busiestOther,
    statuses,
  };
}

export function printLoadTable(concurrency: number, rows: Row[]): void {
  const base = (name: string) => rows.find((row) => row.name === name);
  const [reference, durableFloor] = [base("reference"), base("durable-floor")];
  const ratio = (row: Row, to: Row | undefined) => (to ? (row.perSecond / to.perSecond).toFixed(2) : "—");
  console.log(`\nconcurrency ${concurrency} (CPU: ms per delivery during the load + after it until idle; RSS of the receiving process)`);
  console.log("| receiver | deliveries/s | p50 ms | p99 ms | / reference | / durable-floor | app CPU ms | PostgreSQL CPU ms | peak RSS MB | statuses |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    const cells = [
      row.perSecond.toFixed(0),
      row.p50.toFixed(1),
      row.p99.toFixed(1),
      ratio(row, reference),
      ratio(row, durableFloor),
      cpuCell(row.app),
      cpuCell(row.postgres),
      row.peakRssMB.toFixed(0),
      JSON.stringify(row.statuses),
    ];
    console.log(`| ${row.name} | ${cells.join(" | ")} |`);
  }
  for (const row of rows)
    if (row.store) console.log(`${row.name}: the local S3 server (a remote service in production) used ${cpuCell(row.store)} ms per delivery`);
  printOthers(rows);
}

export function printLargeTable(rows: Row[]): void {
  console.log("\n16 clients x 25 MB at once (RSS of the receiving process: before, and its peak during the uploads)");
  console.log("| receiver | statuses | seconds | RSS before MB | peak RSS MB | app CPU ms/upload | PostgreSQL CPU ms/upload |\n|---|---|---|---|---|---|---|");
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${JSON.stringify(row.statuses)} | ${row.seconds.toFixed(1)} | ${row.rssBeforeMB.toFixed(0)} | ${row.peakRssMB.toFixed(0)} | ${cpuCell(row.app)} | ${cpuCell(row.postgres)} |`,
    );
  }
  printOthers(rows);
}

/** Every target but the measured one should have been idle: say so, or say who was not. */
function printOthers(rows: Row[]): void {
  const busiest = rows.reduce((max, row) => (row.othersMsPerSecond > max.othersMsPerSecond ? row : max), rows[0]);
  const share = (busiest.othersMsPerSecond / 10).toFixed(1);
  const who = busiest.othersMsPerSecond >= 1 ? ` (during ${busiest.name}'s; most of it ${busiest.busiestOther})` : "";
  console.log(`idle targets used at most ${share}% of one core during a load${who}`);
}

function cpuCell(split: CpuSplit | null): string {
  return split ? `${split.during.toFixed(2)} + ${split.after.toFixed(2)}` : "—";
}
