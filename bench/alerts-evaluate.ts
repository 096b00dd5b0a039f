// How long one alert evaluation takes on a large installation: 200 sources, 200,000 deliveries
// in the last day (a fifth of them failed), a credential each, and a rule of every kind for all
// sources. Medians of 10 evaluations after one warm-up, on an embedded PostgreSQL.
// Run: npx tsx bench/alerts-evaluate.ts
import { randomBytes } from "node:crypto";
import { createRule } from "../lib/alerts/rules/create-rule.ts";
import { evaluateAlerts } from "../lib/alerts/evaluate-alerts.ts";
import { useDatabaseUrl } from "../lib/config.ts";
import { closeDatabase, getPool } from "../lib/db.ts";
import { startTestDatabase } from "../test/helpers/test-database.ts";

const SOURCES = 200;
const DELIVERIES = 200_000;

const db = await startTestDatabase();
process.env.ENCRYPTION_KEY = randomBytes(32).toString("base64");
useDatabaseUrl(db.url);
try {
  const pool = getPool();
  await pool.query(
    `INSERT INTO sources (id, slug, name, kind) SELECT gen_random_uuid(), 'source-' || n, 'Source ' || n, 'maskit' FROM generate_series(1, ${SOURCES}) n`,
  );
  await pool.query(
    `INSERT INTO credentials (id, source_id, kind, label, fingerprint, expires_at) SELECT gen_random_uuid(), id, 'hmac_secret', 'secret', 'ab:cd', now() + interval '30 days' FROM sources`,
  );
  await pool.query(`
    INSERT INTO deliveries (id, source_id, received_at, status, http_status, reason)
    SELECT gen_random_uuid(), s.id, now() - (random() * interval '24 hours'),
           CASE WHEN n % 5 = 0 THEN 'failed'::"DeliveryStatus" ELSE 'verified'::"DeliveryStatus" END,
           CASE WHEN n % 5 = 0 THEN 401 ELSE 200 END,
           CASE WHEN n % 5 = 0 THEN 'no active credential matches' END
      FROM generate_series(1, ${DELIVERIES}) n JOIN (SELECT id, row_number() OVER () AS i FROM sources) s ON s.i = 1 + n % ${SOURCES}`);
  await pool.query("ANALYZE");
  const actor = { kind: "system", name: "bench" } as const;
  await createRule({ actor, kind: "silence", params: { thresholdSeconds: 3600 } });
  await createRule({ actor, kind: "failure_rate" });
  await createRule({ actor, kind: "credential" });
  await evaluateAlerts();
  const times: number[] = [];
  for (let run = 0; run < 10; run += 1) {
    const started = performance.now();
    await evaluateAlerts();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${SOURCES} sources, ${DELIVERIES} deliveries, 3 rules for all sources: evaluation median ${times[5].toFixed(1)} ms, max ${times[9].toFixed(1)} ms`,
  );
} finally {
  await closeDatabase();
  await db.destroy();
}
