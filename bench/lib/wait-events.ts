import type pg from "pg";

// What the database's busy backends wait on while something runs (a purge beside receivers):
// pg_stat_activity sampled every few milliseconds, each active backend counted once a sample
// under its application name, its statement's first words and its wait event ("CPU" when it
// waits on nothing). A receiver statement seen often under a Lock or LWLock event names what
// holds it up. Statements of other connections than `ownName`'s (the receivers') seen running
// longer than `slowMs` are kept too, with every wait event seen during them.

export interface WaitSample {
  statement: string;
  wait: string;
  samples: number;
}

export interface SlowStatement {
  statement: string;
  ms: number;
  waits: string[];
}

export function sampleWaitEvents(client: pg.ClientBase, { intervalMs = 10, ownName = "purge", slowMs = 50 } = {}) {
  const counts = new Map<string, WaitSample>();
  const slow = new Map<string, SlowStatement>();
  let isRunning = true;
  const loop = (async () => {
    while (isRunning) {
      const { rows } = await client.query<{ name: string; statement: string; wait: string; key: string; ms: number }>(
        `SELECT coalesce(nullif(application_name, ''), '?') AS name, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS statement,
                coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait,
                pid || '@' || query_start AS key, extract(epoch FROM clock_timestamp() - query_start) * 1000 AS ms
           FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      for (const row of rows) {
        const statement = `${row.name}: ${row.statement}`;
        const key = `${row.wait}|${statement}`;
        const entry = counts.get(key) ?? { statement, wait: row.wait, samples: 0 };
        entry.samples++;
        counts.set(key, entry);
        if (row.name !== ownName && row.ms > slowMs) {
          const long = slow.get(row.key) ?? { statement, ms: 0, waits: [] };
          long.ms = Math.max(long.ms, row.ms);
          if (!long.waits.includes(row.wait)) long.waits.push(row.wait);
          slow.set(row.key, long);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    /** The most seen (wait, statement) pairs, most first, and the slowest statements of the others. */
    async stop(top = 15): Promise<{ top: WaitSample[]; slow: SlowStatement[] }> {
      isRunning = false;
      await loop;
      return {
        top: [...counts.values()].sort((a, b) => b.samples - a.samples).slice(0, top),
        slow: [...slow.values()].sort((a, b) => b.ms - a.ms).slice(0, top),
      };
    },
  };
}
