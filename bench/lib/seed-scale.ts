import type pg from "pg";

// Seeds an installation at size, set-based (generate_series, one statement per table), for
// bench/dashboard-scale.ts: 20 sources (16 MaskIt, 4 Eden AI), `count` deliveries two a second
// going back from now (so the last 24 hours always hold 172,800 of them, a few a second as the
// issue describes, whatever the total), 90% verified with an image, 7% failed (their bodies in
// quarantine), 3% rejected. MaskIt deliveries carry batch-id metadata and a file name, Eden AI
// ones a job id. Five consecutive deliveries share an image (duplicates in the gallery), and
// images age with their deliveries, so a retention purge of the oldest 10% has work to do.
//
// Image bytes live in the blob store, one row per image in `blobs` as the app writes them; the
// rows share a few small stored byte strings (`sharedBlobs`, put in the store by the caller)
// rather than hold a million distinct images, which the dashboard's queries never read.

export const SCALE_SOURCES = 20;
const EDENAI_FROM = 16; // sources 16..19 are Eden AI
const SECONDS_APART = 0.5;

export interface SeedScaleOptions {
  count: number;
  /** SHA-256 of byte strings already in the blob store: images' blob rows take turns naming them. */
  sharedImageBlobs: string[];
  sharedQuarantineBlob: string;
}

export async function seedScale(client: pg.ClientBase, options: SeedScaleOptions): Promise<void> {
  const { count, sharedImageBlobs, sharedQuarantineBlob } = options;
  await client.query(
    `INSERT INTO sources (id, slug, name, kind)
     SELECT gen_random_uuid(), 'scale-' || lpad(i::text, 2, '0'), 'Scale ' || i, CASE WHEN i >= $1 THEN 'edenai' ELSE 'maskit' END::"SourceKind"
       FROM generate_series(0, $2 - 1) AS i`,
    [EDENAI_FROM, SCALE_SOURCES],
  );
  // Which delivery is what, decided once: g is the delivery's number, 1 the newest.
  await client.query(
    `CREATE UNLOGGED TABLE seed_plan AS
     SELECT g, gen_random_uuid() AS id, s.id AS source_id, (g % $2) >= $3 AS is_edenai,
            now() - make_interval(secs => g * $4::float8) AS received_at,
            CASE WHEN (g / $2) % 100 < 7 THEN 'failed' WHEN (g / $2) % 100 < 10 THEN 'rejected' ELSE 'verified' END::"DeliveryStatus" AS status,
            g / 5 AS image_number
       FROM generate_series(1, $1) AS g
       JOIN sources s ON s.slug = 'scale-' || lpad((g % $2)::text, 2, '0')`,
    [count, SCALE_SOURCES, EDENAI_FROM, SECONDS_APART],
  );
  await client.query(
    `CREATE UNLOGGED TABLE seed_images AS
     SELECT image_number, gen_random_uuid() AS image_id, gen_random_uuid() AS blob_id, max(received_at) AS created_at
       FROM seed_plan WHERE status = 'verified' GROUP BY image_number`,
  );
  await client.query(
    `INSERT INTO blobs (id, sha256, byte_size, created_at)
     SELECT blob_id, ($1::text[])[1 + image_number % array_length($1::text[], 1)], 170000, created_at FROM seed_images`,
    [sharedImageBlobs],
  );
  // An image's own sha256 stays unique (the images table is content-addressed); its blob row
  // names one of the shared byte strings.
  await client.query(
    `INSERT INTO images (id, sha256, mime_type, width, height, byte_size, blob_id, created_at)
     SELECT image_id, encode(sha256(image_id::text::bytea), 'hex'), 'image/jpeg', 1920, 1080, 170000, blob_id, created_at FROM seed_images`,
  );
  await client.query(
    `INSERT INTO deliveries (id, source_id, received_at, status, http_status, reason, metadata, file_name, content_type, body_sha256, body_size,
                             headers, image_id, matched_credential, job_id, job_status, provider, feature, subfeature, signature_form, duration_ms)
     SELECT p.id, p.source_id, p.received_at, p.status,
            CASE p.status WHEN 'verified' THEN 200 WHEN 'failed' THEN 401 ELSE 415 END,
            CASE p.status WHEN 'verified' THEN NULL WHEN 'failed' THEN 'X-Signature matches none of the 1 active secret(s)' ELSE 'not a JPEG or PNG' END,
            CASE WHEN p.status = 'verified' AND NOT p.is_edenai THEN 'batch-' || left(md5((p.g / 50)::text), 12) || '/frame-' || p.g END,
            CASE WHEN NOT p.is_edenai THEN 'frame-' || p.g || '.jpg' END,
            CASE WHEN p.is_edenai THEN 'application/json' ELSE 'multipart/form-data; boundary=x' END,
            md5(p.g::text) || md5(p.id::text), 170400, '{}'::jsonb,
            CASE WHEN p.status = 'verified' THEN i.image_id END,
            CASE WHEN p.status = 'verified' THEN 'initial secret (seed)' END,
            CASE WHEN p.is_edenai THEN md5('job' || p.g)::uuid::text END,
            CASE WHEN p.is_edenai THEN 'finished' END,
            CASE WHEN p.is_edenai THEN 'amazon' END,
            CASE WHEN p.is_edenai THEN 'image' END,
            CASE WHEN p.is_edenai THEN 'face_detection' END,
            CASE WHEN p.is_edenai AND p.status = 'verified' THEN 'sorted-keys' END,
            4.5
       FROM seed_plan p LEFT JOIN seed_images i ON i.image_number = p.image_number AND p.status = 'verified'
      ORDER BY p.g DESC`,
  );
  await client.query(
    `INSERT INTO delivery_images (delivery_id, position, image_id, origin)
     SELECT p.id, 0, i.image_id, CASE WHEN p.is_edenai THEN '$.items[0].image' ELSE 'maskedImage' END
       FROM seed_plan p JOIN seed_images i ON i.image_number = p.image_number WHERE p.status = 'verified'`,
  );
  await client.query(
    `INSERT INTO dedupe_keys (source_id, key, delivery_id)
     SELECT source_id, CASE WHEN is_edenai THEN md5('job' || g)::uuid::text ELSE md5(g::text) || md5(id::text) END, id FROM seed_plan WHERE status = 'verified'`,
  );
  await client.query(
    `CREATE UNLOGGED TABLE seed_quarantine AS SELECT id AS delivery_id, gen_random_uuid() AS blob_id, received_at FROM seed_plan WHERE status = 'failed'`,
  );
  await client.query(`INSERT INTO blobs (id, sha256, byte_size, created_at) SELECT blob_id, $1, 170400, received_at FROM seed_quarantine`, [
    sharedQuarantineBlob,
  ]);
  await client.query(`INSERT INTO quarantined_bodies (delivery_id, blob_id) SELECT delivery_id, blob_id FROM seed_quarantine`);
  await client.query("DROP TABLE seed_plan, seed_images, seed_quarantine");
  // What autovacuum would have done by the time an installation holds this much: statistics,
  // and the visibility map that lets index-only scans skip the heap.
  await client.query("VACUUM (ANALYZE)");
}
