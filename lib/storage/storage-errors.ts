// Telling "the database is unreachable" apart from a bug: the first is answered 503 with
// Retry-After, so that providers retry later; the second is a 500.

// A full disk or quota (ENOSPC, EDQUOT: a spool file in DATA_DIR/tmp) is "retry later" too.
const CONNECTION_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN", "ENOSPC", "EDQUOT"]);
// PostgreSQL SQLSTATEs: connection exceptions (08xxx), operator intervention (57Pxx), disk full
// (53100), too many connections.
const SQLSTATE_UNAVAILABLE = /^(08...|57P0[1-4]|53100|53300|53400)$/;
// "connect ENOENT": the embedded cluster's Unix socket is gone while it is stopped.
const UNAVAILABLE_MESSAGES =
  /connect ENOENT|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed|Can't reach database server|server closed the connection/i;

export class StorageUnavailableError extends Error {
  /** `which` names the part that failed ("the filesystem blob store"), for the log. */
  constructor(cause: unknown, which = "storage") {
    super(`${which} is unavailable${cause instanceof Error ? `: ${cause.message}` : ""}`, { cause });
    this.name = "StorageUnavailableError";
  }
}

export function isStorageUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (current instanceof StorageUnavailableError) return true;
    const { code, message, cause, originalCode, syscall } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      originalCode?: unknown;
      syscall?: unknown;
    };
    if (code === "ENOENT" && syscall === "connect") return true;
    for (const candidate of [code, originalCode]) {
      if (typeof candidate === "string" && (CONNECTION_ERROR_CODES.has(candidate) || SQLSTATE_UNAVAILABLE.test(candidate))) return true;
    }
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.test(message)) return true;
    current = cause;
  }
  return false;
}
