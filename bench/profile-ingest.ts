// Where the receiver's CPU goes: webhook-inbox (BLOB_STORE=filesystem) started as `npm start`
// does, its app server under V8's sampling profiler (bench/lib/cpu-profile-preload.cjs), a c16 load of unique signed
// deliveries as in bench/ingest.ts, then the profile read back: self time per function and per
// package, in ms per delivery. Profile before optimizing; compare runs by their shares, since the
// machine is shared and absolute times move with its load.
// Usage: npx tsx bench/profile-ingest.ts [--count 1500] [--top 40] [--reference]
//   --reference: also profile the docs' reference receiver under the same load
//   --keep PREFIX: keep each profile as PREFIX-<target>.cpuprofile (Chrome DevTools opens it)
import { createHmac, randomBytes } from "node:crypto";
import { chmod, copyFile, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { maskitBody } from "../lib/senders/multipart-body.ts";
import { makeJpeg } from "../test/helpers/images.ts";
import { runLoad, type PreparedRequest } from "./lib/load.ts";
import { treeCpuSplitMs } from "./lib/process-cpu.ts";
import { descendants } from "./lib/process-memory.ts";
import { startPeer, startWebhookInbox, type Target } from "./lib/targets.ts";
import { summarizeProfile, type CpuProfile } from "./lib/cpu-profile.ts";

const { values: options } = parseArgs({
  options: {
    count: { type: "string", default: "1500" },
    top: { type: "string", default: "40" },
    reference: { type: "boolean", default: false },
    keep: { type: "string" },
  },
});
const COUNT = Number(options.count);
const workDir = await mkdtemp(path.join(os.tmpdir(), "webhook-inbox-profile-"));
await chmod(workDir, 0o755);
const profileDir = path.join(workDir, "profiles");
const secret = `whsec_${randomBytes(32).toString("base64url")}`;
const photo = await makeJpeg(1920, 1080, { quality: 76 });
let serial = 0;
const requests = (target: Target, count: number): PreparedRequest[] =>
  Array.from({ length: count }, () => {
    const { body, contentType } = maskitBody(Buffer.concat([photo, Buffer.from(`\0profile-${serial}`)]), `profile ${serial++}`);
    return { path: target.path, body, headers: { "content-type": contentType, "x-signature": createHmac("sha256", secret).update(body).digest("hex") } };
  });

const descendantsSeen = new Map<Target, number[]>();
try {
  const profiled = {
    ...(process.env.EXPERIMENT_NO_NEXT ? { EXPERIMENT_NO_NEXT: "1" } : {}),
    NODE_OPTIONS: `--require ${path.resolve("bench/lib/cpu-profile-preload.cjs")}`,
    BENCH_CPU_PROFILE_DIR: profileDir,
  };
  const targets: Target[] = [await startWebhookInbox("filesystem", path.join(workDir, "inbox"), secret, profiled)];
  if (options.reference)
    targets.push(
      await startPeer("reference", "bench/peers/reference-receiver.ts", "/webhook", {
        BENCH_SECRET: secret,
        OUTPUT_DIR: path.join(workDir, "received"),
        ...profiled,
      }),
    );
  for (const target of targets) {
    await runLoad(target.port, requests(target, 200), 16); // warm-up
    descendantsSeen.set(target, descendants(target.appPid));
    for (const pid of [target.appPid, ...descendantsSeen.get(target)!]) if (isNode(pid)) process.kill(pid, "SIGUSR2");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const cpuBefore = treeCpuSplitMs(target.appPid);
    const pgBefore = target.postgresPid ? treeCpuSplitMs(target.postgresPid) : null;
    const result = await runLoad(target.port, requests(target, COUNT), 16);
    const cpu = perDelivery(cpuBefore, treeCpuSplitMs(target.appPid));
    const pg = pgBefore ? perDelivery(pgBefore, treeCpuSplitMs(target.postgresPid!)) : null;
    console.log(
      `\n${target.name}: ${result.perSecond.toFixed(0)}/s at c16, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, statuses ${JSON.stringify(result.statuses)}\n` +
        `CPU per delivery: app ${cpu}${pg ? `; PostgreSQL ${pg}` : ""}`,
    );
    await target.stop();
    // A peer's pid is tsx's launcher; the script runs in its child. The largest profile of the
    // tree is the one that did the receiving.
    const pids = [target.appPid, ...descendantsSeen.get(target)!];
    const files = (await readdir(profileDir)).filter((name) => pids.some((pid) => name === `${pid}.cpuprofile`));
    if (files.length === 0) throw new Error(`no profile of pids ${pids.join(", ")} in ${profileDir}`);
    const sizes = await Promise.all(files.map(async (name) => (await stat(path.join(profileDir, name))).size));
    const file = files[sizes.indexOf(Math.max(...sizes))];
    const profile = JSON.parse(await readFile(path.join(profileDir, file), "utf8")) as CpuProfile;
    console.log(summarizeProfile(profile, COUNT, Number(options.top)));
    if (options.keep) await copyFile(path.join(profileDir, file), `${options.keep}-${target.name.replace(/\W+/g, "-")}.cpuprofile`);
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}

/** Only node processes load the preload and handle SIGUSR2 (the default action would kill PostgreSQL). */
function isNode(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "node";
  } catch {
    return false;
  }
}

function perDelivery(before: { user: number; system: number }, after: { user: number; system: number }): string {
  const [user, system] = [(after.user - before.user) / COUNT, (after.system - before.system) / COUNT];
  return `${(user + system).toFixed(2)} ms (user ${user.toFixed(2)}, kernel ${system.toFixed(2)})`;
}
