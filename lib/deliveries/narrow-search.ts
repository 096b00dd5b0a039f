import { getPool } from "../database/pool.ts";

// A faster plan for a search term made of a common part and a rare one ("frame-4242", where
// every MaskIt file name and batch id holds "frame"). The trigram indexes answer
// `ILIKE '%frame-4242%'` by reading the posting list of every trigram of the term, and those
// of "fra", "ram", "ame" name nearly every delivery: at 5,000,000 deliveries that was 173 ms
// for 891 matches, all of it in the index (EXPLAIN in the README, "At scale"). The rare part
// alone ("4242": its trigrams "424", "242") names a few thousand rows in a few milliseconds.
// Every value that contains the term contains any substring of it, so the rows that contain the
// rare part, checked against the whole term, are exactly the matches: the same rows by a
// cheaper path. Which trigrams are common is learnt from a sample of the table, kept for ten
// minutes. Below NARROW_FROM_ROWS the plain plan is fast and nothing is sampled.

export const NARROW_FROM_ROWS = 200_000;
/** A trigram in more of the sampled rows than this share is "common": its posting list is long. */
const COMMON_SHARE = 0.02;
const SAMPLE_ROWS = 5000;
const KEPT_MS = 10 * 60 * 1000;
/** More matches than this, and the plain plan (limit-aware, ordered) serves better than an id list. */
export const MAX_NARROWED_IDS = 1000;

/**
 * The longest substring of `term` whose trigrams are all uncommon (at least 3 characters, within
 * one run of letters and digits, lower case), when the term itself has a common trigram; else
 * null: the term is rare throughout (the plain plan is fast), or common throughout (no part of
 * it narrows anything). Pure, for tests.
 */
export function rarePart(term: string, isCommon: (trigram: string) => boolean): string | null {
  let hasCommon = false;
  let best = "";
  for (const word of term.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    let runStart = -1;
    for (let i = 0; i + 3 <= word.length; i++) {
      if (isCommon(word.slice(i, i + 3))) {
        hasCommon = true;
        runStart = -1;
        continue;
      }
      if (runStart < 0) runStart = i;
      const span = word.slice(runStart, i + 3);
      if (span.length > best.length) best = span;
    }
  }
  return hasCommon && best.length >= 3 ? best : null;
}

interface CommonTrigrams {
  at: number;
  trigrams: Set<string>;
}

const globalForSearch = globalThis as typeof globalThis & { webhookInboxCommonTrigrams?: Promise<CommonTrigrams> };

/** The trigrams common in a sample of deliveries' searchable columns; null below NARROW_FROM_ROWS. */
async function commonTrigrams(): Promise<Set<string> | null> {
  const cached = await globalForSearch.webhookInboxCommonTrigrams?.catch(() => null);
  if (cached && Date.now() - cached.at < KEPT_MS) return cached.trigrams.size === 0 ? null : cached.trigrams;
  const sampling = sampleCommonTrigrams();
  globalForSearch.webhookInboxCommonTrigrams = sampling;
  const fresh = await sampling;
  return fresh.trigrams.size === 0 ? null : fresh.trigrams;
}

/** Exported for tests, which pass a smaller `fromRows` than an installation needs. */
export async function sampleCommonTrigrams(fromRows = NARROW_FROM_ROWS): Promise<CommonTrigrams> {
  const pool = getPool();
  const {
    rows: [{ estimate }],
  } = await pool.query<{ estimate: number }>("SELECT greatest(reltuples, 0)::float8 AS estimate FROM pg_class WHERE oid = 'deliveries'::regclass");
  if (estimate < fromRows) return { at: Date.now(), trigrams: new Set() };
  // SYSTEM sampling reads whole pages, a few hundred of them: milliseconds, once in ten minutes.
  const { rows } = await pool.query<{ trigram: string }>(
    `SELECT t AS trigram FROM (
       SELECT count(*) OVER () AS sampled, d.metadata, d.file_name, d.job_id FROM deliveries d TABLESAMPLE SYSTEM ($1::float4)
     ) s CROSS JOIN LATERAL unnest(show_trgm(coalesce(s.metadata, '')) || show_trgm(coalesce(s.file_name, '')) || show_trgm(coalesce(s.job_id, ''))) AS t
     GROUP BY t, s.sampled HAVING count(*) > s.sampled * $2::float8`,
    [Math.min(100, (100 * SAMPLE_ROWS) / estimate), COMMON_SHARE],
  );
  return { at: Date.now(), trigrams: new Set(rows.map((row) => row.trigram)) };
}

/**
 * The ids of every delivery whose metadata, file name or job id contains `pattern` (already
 * LIKE-escaped, as searchTerm makes it), when a rare part of it makes that cheap and they are at
 * most MAX_NARROWED_IDS; null when the plain search should run instead.
 */
export async function narrowedSearchIds(pattern: string, options: { commonTrigrams?: Set<string> } = {}): Promise<string[] | null> {
  const common = options.commonTrigrams ?? (await commonTrigrams());
  if (!common) return null;
  // Only letters and digits are cut into parts, so an escaped `%`, `_` or `\` is never inside one.
  const part = rarePart(pattern, (trigram) => common.has(trigram));
  if (!part) return null;
  // The whole term's test is wrapped in IS TRUE, which no index can answer, so the planner scans
  // only by the rare part and checks each row it finds against the whole term.
  const { rows } = await getPool().query<{ id: string }>(
    `SELECT d.id::text AS id FROM deliveries d
      WHERE (d.metadata ILIKE $1 OR d.file_name ILIKE $1 OR d.job_id ILIKE $1)
        AND ((d.metadata ILIKE $2) IS TRUE OR (d.file_name ILIKE $2) IS TRUE OR (d.job_id ILIKE $2) IS TRUE)
      LIMIT $3`,
    [`%${part}%`, `%${pattern}%`, MAX_NARROWED_IDS + 1],
  );
  return rows.length > MAX_NARROWED_IDS ? null : rows.map((row) => row.id);
}
