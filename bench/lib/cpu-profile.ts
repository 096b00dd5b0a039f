// A V8 .cpuprofile (what --cpu-prof writes) reduced to a table: self time per function and per
// package or folder, in ms per delivery, the way Chrome's "Bottom-Up" view would show it.

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

export function summarizeProfile(profile: CpuProfile, deliveries: number, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  for (const [index, id] of profile.samples.entries()) selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === "(idle)") continue;
    totalMs += ms;
    const file = shortUrl(url);
    add(byFunction, `${functionName || "(anonymous)"} ${file}${url ? `:${lineNumber + 1}` : ""}`, ms);
    add(byPlace, place(url, functionName), ms);
  }
  const rows = (map: Map<string, number>, limit: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, ms]) => `  ${((ms / deliveries) * 1000).toFixed(0).padStart(6)} µs ${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${name}`)
      .join("\n");
  return [
    `busy main thread: ${((totalMs / deliveries) * 1000).toFixed(0)} µs per delivery (worker threads such as libuv's pool are not in this profile)`,
    "by package or folder:",
    rows(byPlace, 20),
    `by function (self time), top ${top}:`,
    rows(byFunction, top),
  ].join("\n");
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function shortUrl(url: string): string {
  const packageAt = url.lastIndexOf("node_modules/");
  if (packageAt >= 0) return url.slice(packageAt + "node_modules/".length);
  const root = `${process.cwd()}/`;
  return url.replace("file://", "").replace(root, "");
}

/** node:internal/…, a package name, a folder of ours, or V8's own entries such as (garbage collector). */
function place(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return url.split("/").slice(0, 2).join("/");
  const short = shortUrl(url);
  if (url.includes("node_modules/")) return short.startsWith("@") ? short.split("/").slice(0, 2).join("/") : short.split("/")[0];
  return short.split("/").slice(0, 2).join("/");
}
