import { readFileSync } from "node:fs";
import { descendants } from "./process-memory.ts";

// Resident memory of the Node processes in a tree (the launcher and the app server), leaving
// out an embedded PostgreSQL's processes, whose shared buffers are not the app's memory.

export function nodeRssBytes(rootPid: number): number {
  let total = 0;
  for (const pid of [rootPid, ...descendants(rootPid)]) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("postgres")) continue;
      total += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}
