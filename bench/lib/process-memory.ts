import { readdirSync, readFileSync } from "node:fs";

// Resident memory of a process and all its descendants, read from /proc (Linux), sampled on an
// interval so that a short peak is not missed.

export function treeRssBytes(rootPid: number): number {
  let total = 0;
  for (const pid of [rootPid, ...descendants(rootPid)]) total += rssBytes(pid);
  return total;
}

/**
 * Finding a tree's processes scans all of /proc, so it is done once a second; reading their RSS
 * is cheap and done every `intervalMs`. At 20 ms with a scan each time, five samplers took a
 * whole core of the two, and every receiver measured beside them.
 */
export function samplePeakRss(rootPid: number, intervalMs = 100): { stop(): number } {
  let pids = [rootPid, ...descendants(rootPid)];
  let peak = treeRssBytes(rootPid);
  let ticks = 0;
  const timer = setInterval(() => {
    if (++ticks % Math.max(1, Math.round(1000 / intervalMs)) === 0) pids = [rootPid, ...descendants(rootPid)];
    peak = Math.max(
      peak,
      pids.reduce((total, pid) => total + rssBytes(pid), 0),
    );
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, treeRssBytes(rootPid));
    },
  };
}

function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Every descendant of `pid`, from one scan of /proc (a parent map, then a walk down it). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length; ) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}
