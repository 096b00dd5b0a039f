import type pg from "pg";

// Seeds `count` deliveries straight into PostgreSQL (generate_series, one statement each), for
// measuring the dashboard's queries at size: 90% verified with one of `imageCount` images
// (so the gallery sees duplicates), 7% failed, 3% rejected, one per second going back in time.

export async function seedDeliveries(client: pg.ClientBase, options: { sourceId: string; count: number; imageCount: number }): Promise<void> {
  const { sourceId, count, imageCount } = options;
  await client.query("BEGIN");
  await client.query(
    `CREATE TEMP TABLE seed_images ON COMMIT DROP AS
    SELECT i, gen_random_uuid() AS image_id, gen_random_uuid() AS blob_id FROM generate_series(1, $1) AS i`,
    [imageCount],
  );
  // Rows only: the dashboard's queries never read the bytes (and the sweep is not run here).
  await client.query("INSERT INTO blobs (id, sha256, byte_size) SELECT blob_id, encode(sha256(image_id::text::bytea), 'hex'), 170000 FROM seed_images");
  await client.query(`INSERT INTO images (id, sha256, mime_type, width, height, byte_size, blob_id)
    SELECT image_id, encode(sha256(image_id::text::bytea), 'hex'), 'image/jpeg', 1920, 1080, 170000, blob_id FROM seed_images`);
  await client.query(
    `INSERT INTO deliveries (id, source_id, received_at, status, http_status, reason, metadata, body_sha256, body_size, headers, image_id, matched_credential)
     SELECT gen_random_uuid(), $1, now() - make_interval(secs => g), s.status::"DeliveryStatus", s.http, s.reason,
            'seed batch-' || (g / 100) || '/frame-' || g, md5(g::text) || md5(g::text), 170400, '{}'::jsonb,
            CASE WHEN s.status = 'verified' THEN ids.image_ids[1 + g % $3] END,
            CASE WHEN s.status = 'verified' THEN 'initial secret (seed)' END
       FROM generate_series(1, $2) AS g
       CROSS JOIN (SELECT array_agg(image_id ORDER BY i) AS image_ids FROM seed_images) AS ids
       CROSS JOIN LATERAL (SELECT CASE WHEN g % 100 < 7 THEN 'failed' WHEN g % 100 < 10 THEN 'rejected' ELSE 'verified' END AS status) AS k
       CROSS JOIN LATERAL (SELECT k.status, CASE k.status WHEN 'verified' THEN 200 WHEN 'failed' THEN 401 ELSE 415 END AS http,
                                  CASE k.status WHEN 'verified' THEN NULL WHEN 'failed' THEN 'X-Signature matches none of the 1 active secret(s)' ELSE 'not multipart' END AS reason) AS s`,
    [sourceId, count, imageCount],
  );
  await client.query(
    `INSERT INTO delivery_images (delivery_id, position, image_id, origin)
    SELECT id, 0, image_id, 'maskedImage' FROM deliveries WHERE image_id IS NOT NULL AND source_id = $1
    ON CONFLICT DO NOTHING`,
    [sourceId],
  );
  await client.query("COMMIT");
  await client.query("ANALYZE");
}
