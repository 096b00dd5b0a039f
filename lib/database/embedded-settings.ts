import os from "node:os";

// Server settings of the embedded PostgreSQL (flags at start, so they follow the code, not a
// file in DATA_DIR). PostgreSQL's defaults suit a machine it shares with anything at all:
// 128 MB of shared buffers. At 1,000,000 deliveries (1.2 GB of tables and indexes) a retention
// purge beside c4 receivers (bench/dashboard-scale.ts) showed the receivers' INSERTs waiting
// on DataFileRead and DataFileWrite for up to 556 ms: the deliveries indexes keyed by random
// ids and hashes did not fit, and a receiver had to write out a dirty page (the purge's) to
// read its own. With 1 GB of buffers and a background writer allowed to clean more pages per
// round, those waits were gone from the same run; what remained was the WAL flush at COMMIT.
// Shared memory is touched only as pages are read, so a small installation does not pay for
// the setting; an eighth of the machine's memory caps it on a small machine.

const MB = 1024 * 1024;

export function embeddedServerSettings(totalMemory = os.totalmem()): Record<string, string> {
  const sharedBuffersMb = Math.max(128, Math.min(1024, Math.floor(totalMemory / 8 / MB)));
  return {
    shared_buffers: `${sharedBuffersMb}MB`,
    // Pages the background writer may clean per 200 ms round (default 100, 0.8 MB): a purge
    // dirties more than that, and whatever it leaves, a receiver's backend writes itself.
    bgwriter_lru_maxpages: "1000",
  };
}
