import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { descendants } from "./process-memory.ts";

// CPU time of a process tree, read from /proc (Linux): utime + stime of the root and of every
// live descendant, plus the root's cutime + cstime, which hold what its children used before
// they ended and were reaped. A child that ends between two readings therefore moves its time
// from one term to the other and is neither lost nor counted twice (true for PostgreSQL, whose
// backends are all children of the postmaster). Threads (libuv's pool, sharp's) are included.

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** Milliseconds of CPU the tree under `rootPid` has used so far. */
export function treeCpuMs(rootPid: number): number {
  const { user, system } = treeCpuSplitMs(rootPid);
  return user + system;
}

/** The same, split into user and kernel (system) time: syscalls, page copies, fsync's work. */
export function treeCpuSplitMs(rootPid: number): { user: number; system: number } {
  const root = statFields(rootPid);
  if (!root) return { user: 0, system: 0 };
  let user = root.utime + root.cutime;
  let system = root.stime + root.cstime;
  for (const pid of descendants(rootPid)) {
    const fields = statFields(pid);
    if (fields) [user, system] = [user + fields.utime, system + fields.stime];
  }
  return { user: (user * 1000) / TICKS_PER_SECOND, system: (system * 1000) / TICKS_PER_SECOND };
}

/** The postmaster of the PostgreSQL cluster in `clusterDir`: the first line of its postmaster.pid. */
export function postmasterPid(clusterDir: string): number {
  const pid = Number(readFileSync(path.join(clusterDir, "postmaster.pid"), "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${clusterDir}`);
  return pid;
}

/**
 * Waits until the trees under `pids` use less than `busyShare` of one core over a `windowMs`
 * window (at most `timeoutMs`): what a receiver defers past its 200 (thumbnails, PostgreSQL's
 * WAL writer) belongs to its cost per delivery too, and is measured until it is done.
 */
export async function untilIdle(pids: number[], { busyShare = 0.05, windowMs = 1000, timeoutMs = 60_000 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const total = () => pids.reduce((sum, pid) => sum + treeCpuMs(pid), 0);
  while (Date.now() < deadline) {
    const before = total();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    if (total() - before < busyShare * windowMs) return;
  }
}

function statFields(pid: number): { utime: number; stime: number; cutime: number; cstime: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces: state is [0],
    // so utime (field 14 of the whole line) is [11], stime [12], cutime [13], cstime [14].
    const fields = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    return { utime: fields[11], stime: fields[12], cutime: fields[13], cstime: fields[14] };
  } catch {
    return null; // the process ended while we looked
  }
}
