import pg from "pg";

// Records the SQL that the app's own data functions send (Prisma through its pg adapter, and
// the direct pool queries), so that the benchmark EXPLAINs exactly what a request runs rather
// than a hand-written copy that could drift from it.

export interface CapturedQuery {
  text: string;
  values: unknown[];
}

export async function captureQueries(run: () => Promise<unknown>): Promise<CapturedQuery[]> {
  const captured: CapturedQuery[] = [];
  const originals = [pg.Client.prototype.query, pg.Pool.prototype.query] as const;
  const record = (original: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      const [first, second] = args;
      if (typeof first === "string") captured.push({ text: first, values: Array.isArray(second) ? second : [] });
      else if (first && typeof first === "object" && "text" in first)
        captured.push({ text: String(first.text), values: (first as { values?: unknown[] }).values ?? [] });
      return original.apply(this, args);
    };
  pg.Client.prototype.query = record(originals[0] as never) as never;
  pg.Pool.prototype.query = record(originals[1] as never) as never;
  try {
    await run();
  } finally {
    pg.Client.prototype.query = originals[0];
    pg.Pool.prototype.query = originals[1];
  }
  // A pool query also passes through its client: keep one of each, and only statements.
  const seen = new Set<string>();
  return captured.filter((query) => {
    const key = `${query.text}\u0000${JSON.stringify(query.values)}`;
    if (seen.has(key) || !/^\s*(SELECT|WITH)/i.test(query.text)) return false;
    seen.add(key);
    return true;
  });
}

/** EXPLAIN (ANALYZE, BUFFERS) of each query, as text. */
export async function explainQueries(client: pg.ClientBase, queries: CapturedQuery[]): Promise<string[]> {
  const plans: string[] = [];
  for (const query of queries) {
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${query.text}`, query.values);
    plans.push(`${query.text.replace(/\s+/g, " ").trim()}\n  -- ${JSON.stringify(query.values)}\n${rows.map((row) => `  ${row["QUERY PLAN"]}`).join("\n")}`);
  }
  return plans;
}
