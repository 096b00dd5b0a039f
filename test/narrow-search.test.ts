import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDatabaseUrl } from "@/lib/config.ts";
import { closeDatabase } from "@/lib/db.ts";
import { escapeLike } from "@/lib/deliveries/delivery-filters.ts";
import { narrowedSearchIds, rarePart, sampleCommonTrigrams } from "@/lib/deliveries/narrow-search.ts";
import { startTestDatabase, type TestDatabase } from "./helpers/test-database.ts";

// The log's search by a rare part of the term (lib/deliveries/narrow-search.ts) must find
// exactly what the plain ILIKE over metadata, file name and job id finds.

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await startTestDatabase();
  useDatabaseUrl(database.url);
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const {
    rows: [source],
  } = await client.query<{ id: string }>(`INSERT INTO sources (id, slug, name, kind) VALUES (gen_random_uuid(), 'narrow', 'Narrow', 'maskit') RETURNING id`);
  // 3,000 MaskIt-like rows: every one holds "frame" and "batch"; a few Eden AI-like job ids; odd characters.
  await client.query(
    `INSERT INTO deliveries (id, source_id, received_at, status, http_status, metadata, file_name, job_id, headers)
     SELECT gen_random_uuid(), $1::uuid, now() - make_interval(secs => g), 'verified'::"DeliveryStatus", 200,
            CASE WHEN g % 3 > 0 THEN 'batch-' || (g / 50) || '/frame-' || g END,
            CASE WHEN g % 3 < 2 THEN 'FRAME-' || g || '.jpg' END,
            CASE WHEN g % 97 = 0 THEN 'job-frame-' || g END, '{}'::jsonb
       FROM generate_series(1, 3000) AS g
     UNION ALL SELECT gen_random_uuid(), $1::uuid, now(), 'failed'::"DeliveryStatus", 401, 'frame-42 50% off_sale', NULL, NULL, '{}'::jsonb`,
    [source.id],
  );
  await client.query("ANALYZE deliveries");
});

afterAll(async () => {
  await client?.end();
  await closeDatabase();
  await database?.destroy();
});

const plainMatches = async (q: string) =>
  (
    await client.query<{ id: string }>("SELECT id::text FROM deliveries WHERE metadata ILIKE $1 OR file_name ILIKE $1 OR job_id ILIKE $1 ORDER BY id", [
      `%${escapeLike(q)}%`,
    ])
  ).rows.map((row) => row.id);

describe("search by a rare part of the term", () => {
  it("finds the longest part made of uncommon trigrams, only when the term has a common one", () => {
    const common = new Set(["fra", "ram", "ame", "bat", "atc", "tch"]);
    const isCommon = (trigram: string) => common.has(trigram);
    expect(rarePart("frame-4242", isCommon)).toBe("4242");
    expect(rarePart("FRAME4242.jpg", isCommon)).toBe("me4242");
    expect(rarePart("batch-17/frame-4242", isCommon)).toBe("4242");
    expect(rarePart("frame", isCommon)).toBeNull(); // common throughout
    expect(rarePart("4242", isCommon)).toBeNull(); // rare throughout: the plain plan is fast
    expect(rarePart("frame-42", isCommon)).toBeNull(); // no uncommon part of three characters
    expect(rarePart(escapeLike("frame 50%_off"), isCommon)).toBe("off");
  });

  it("learns the common trigrams from a sample of the table", async () => {
    const { trigrams } = await sampleCommonTrigrams(0);
    for (const common of ["fra", "ram", "ame", "bat"]) expect(trigrams.has(common), common).toBe(true);
    expect(trigrams.has("424")).toBe(false);
    // Below the size at which the plain plan is slow, nothing is sampled.
    expect((await sampleCommonTrigrams(1_000_000)).trigrams.size).toBe(0);
  });

  it("finds exactly the rows the plain search finds, in any case, with LIKE's wildcards literal", async () => {
    const { trigrams } = await sampleCommonTrigrams(0);
    for (const q of ["frame-1234", "FRAME-2344.JPG", "batch-12/frame-613", "job-frame-970", "frame-42 50% off"]) {
      const narrowed = await narrowedSearchIds(escapeLike(q), { commonTrigrams: trigrams });
      expect(narrowed, q).not.toBeNull();
      expect([...narrowed!].sort(), q).toEqual(await plainMatches(q));
      expect(narrowed!.length, q).toBeGreaterThan(0);
    }
    // No uncommon part, or more matches than an id list should carry: the plain search runs.
    expect(await narrowedSearchIds("frame", { commonTrigrams: trigrams })).toBeNull();
    expect(await narrowedSearchIds("frame-1", { commonTrigrams: new Set(["fra", "ram", "ame"]) })).toBeNull();
  });
});
