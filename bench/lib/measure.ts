import { closeIdleConnections, runLoad, untilMachineSettles, type LoadResult, type PreparedRequest } from "./load.ts";
import { treeCpuMs, untilIdle } from "./process-cpu.ts";
import { samplePeakRss, treeRssBytes } from "./process-memory.ts";
import type { Target } from "./targets.ts";

// One load against one target, with what it cost: CPU per delivery of the receiving process
// tree, of its PostgreSQL cluster and of its separate blob store (s3rver), each split into what
// was spent during the load and what was spent after the last answer until the target was idle
// again (deferred thumbnails, PostgreSQL's writers); the receiving process's peak RSS; and how
// busy every other target was meanwhile (they should be idle, or the measurement is not fair).

export interface CpuSplit {
  /** ms of CPU per delivery while the load ran. */
  during: number;
  /** ms of CPU per delivery after the last answer, until the target was idle again. */
  after: number;
}

export interface Measured extends LoadResult {
  app: CpuSplit;
  postgres: CpuSplit | null;
  store: CpuSplit | null;
  /** RSS of the receiving process tree once the machine had settled, before the load. */
  rssBeforeMB: number;
  peakRssMB: number;
  /** CPU the other targets used during the load, in ms per second of it (1000 = one core). */
  othersMsPerSecond: number;
  /** The one of them that used the most. */
  busiestOther: string;
}

const MiB = 1024 * 1024;

export async function measureLoad(target: Target, requests: PreparedRequest[], concurrency: number, all: Target[]): Promise<Measured> {
  const own = [target.appPid, target.postgresPid, target.storePid];
  // Every other target's processes, a shared one (the floors' cluster) counted once.
  const owners = new Map<number, string[]>();
  for (const other of all) {
    const roles: [number | undefined, string][] = [
      [other.appPid, ""],
      [other.postgresPid, "'s PostgreSQL"],
      [other.storePid, "'s S3 server"],
    ];
    for (const [pid, role] of roles) if (pid !== undefined && !own.includes(pid)) owners.set(pid, [...(owners.get(pid) ?? []), `${other.name}${role}`]);
  }
  const others = new Map([...owners].map(([pid, names]) => [pid, names.join(" = ")]));
  const othersCpu = () => [...others].map(([pid, name]) => ({ name, ms: treeCpuMs(pid) }));
  const read = () => own.map((pid) => (pid === undefined ? 0 : treeCpuMs(pid)));

  await untilMachineSettles();
  // Keep-alive connections left from an earlier load may be closed by the server at any moment
  // (its idle timeout) while this process is busy: a request sent on one is reset (status 0).
  closeIdleConnections();
  const rssBeforeMB = treeRssBytes(target.appPid) / MiB;
  const [othersBefore, before] = [othersCpu(), read()];
  const rss = samplePeakRss(target.appPid);
  const result = await runLoad(target.port, requests, concurrency);
  const [othersEnd, end] = [othersCpu(), read()];
  await untilIdle(own.filter((pid): pid is number => pid !== undefined));
  const idle = read();
  const peakRssMB = rss.stop() / MiB;

  const othersUsed = othersEnd.map(({ name, ms }, index) => ({ name, ms: ms - othersBefore[index].ms })).sort((a, b) => b.ms - a.ms);
  const othersMsPerSecond = othersUsed.reduce((sum, { ms }) => sum + ms, 0) / result.seconds;
  const split = (index: number): CpuSplit | null =>
    own[index] === undefined ? null : { during: (end[index] - before[index]) / result.count, after: (idle[index] - end[index]) / result.count };
  return {
    ...result,
    app: split(0)!,
    postgres: split(1),
    store: split(2),
    rssBeforeMB,
    peakRssMB,
    othersMsPerSecond,
    busiestOther: othersUsed[0]?.name ?? "none",
  };
}
