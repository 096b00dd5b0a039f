// Loaded with NODE_OPTIONS="--require …" by bench/profile-ingest.ts: Node 20 refuses --cpu-prof
// in NODE_OPTIONS, so each process that loads this starts V8's sampling profiler itself and, at
// exit, writes BENCH_CPU_PROFILE_DIR/<pid>.cpuprofile. It starts on SIGUSR2, so that the profile holds
// the load and not the start-up (module loading, Next preparing). A same-thread inspector session answers
// synchronously, which is what lets the profile be written from an 'exit' handler.
const { Session } = require("node:inspector");
const { mkdirSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const directory = process.env.BENCH_CPU_PROFILE_DIR;
if (directory) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 200 });
  process.on("SIGUSR2", () => session.post("Profiler.start"));
  process.on("exit", () => {
    session.post("Profiler.stop", (error, result) => {
      if (error) return;
      mkdirSync(directory, { recursive: true });
      writeFileSync(path.join(directory, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
