-- Keep the visibility map of the big insert-mostly tables current, so that index-only scans
-- (the overview's last delivery per source, the gallery's probes of delivery_images) stay
-- index-only, and statistics follow the newest rows that the dashboard reads most. PostgreSQL's
-- defaults vacuum an insert-only table after 20% new rows: 1,000,000 rows at 5,000,000, about
-- six days at a few deliveries a second, during which every new page needs a heap fetch.
-- 1% is a vacuum every ~50,000 rows there, each one cheap (only the new pages are visited).
ALTER TABLE "deliveries" SET (
  autovacuum_vacuum_insert_scale_factor = 0.01,
  autovacuum_vacuum_scale_factor = 0.02,
  autovacuum_analyze_scale_factor = 0.01
);
ALTER TABLE "delivery_images" SET (
  autovacuum_vacuum_insert_scale_factor = 0.01,
  autovacuum_analyze_scale_factor = 0.01
);
