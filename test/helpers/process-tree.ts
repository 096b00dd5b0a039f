import { readdirSync, readFileSync } from "node:fs";

// The processes under one pid, read from /proc, for tests that crash a whole tree as a power
// cut or the OOM killer would (`kill -9` of every process at once, the database among them).

/** `root` and every process below it, parents before children. */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name is in parentheses and may hold spaces: fields after it are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/**
 * SIGKILL to every process of the tree at once, resolving once all of them are gone (zombies
 * count as gone). The tree is frozen first (SIGSTOP, again until no new process appears), so
 * that none forks a child after it was listed: PostgreSQL's postmaster forks a backend per
 * connection, and one forked in between would outlive the "crash", holding the cluster's
 * shared memory so that the restarted one refuses to start.
 */
export async function killTree(root: number): Promise<number[]> {
  const stopped = new Set<number>();
  for (let fresh = descendants(root); fresh.length > 0; fresh = descendants(root).filter((pid) => !stopped.has(pid))) {
    for (const pid of fresh) {
      signal(pid, "SIGSTOP");
      stopped.add(pid);
    }
  }
  const tree = [...stopped];
  for (const pid of tree) signal(pid, "SIGKILL");
  const deadline = Date.now() + 10_000;
  while (tree.some(isAlive)) {
    if (Date.now() > deadline) throw new Error(`still running after SIGKILL: ${tree.filter(isAlive).join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return tree;
}

/** Whether the pid runs the given script (by the end of one of its arguments). */
export function runs(pid: number, fragment: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8")
      .split("\0")
      .some((arg) => arg.endsWith(fragment));
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
