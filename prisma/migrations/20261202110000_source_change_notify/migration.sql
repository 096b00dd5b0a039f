-- Every change to what the receiver reads of a source (lib/ingest/source-cache.ts) is announced
-- on the channel source_changes, from whichever instance or CLI makes it, so that each instance
-- can keep its sources and credentials in memory. Statement-level: one notification per
-- statement, however many rows it touches. Credentials' last_matched_at, which the receiver
-- itself updates on every commit, is not among the columns that fire it.
CREATE FUNCTION notify_source_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('source_changes', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

CREATE TRIGGER sources_changed AFTER INSERT OR DELETE OR UPDATE OF slug, kind, enabled ON sources
  FOR EACH STATEMENT EXECUTE FUNCTION notify_source_change();
CREATE TRIGGER sources_truncated AFTER TRUNCATE ON sources
  FOR EACH STATEMENT EXECUTE FUNCTION notify_source_change();
CREATE TRIGGER credentials_changed AFTER INSERT OR DELETE OR UPDATE OF source_id, kind, label, fingerprint, secret_ciphertext, public_key_pem, expires_at, revoked_at ON credentials
  FOR EACH STATEMENT EXECUTE FUNCTION notify_source_change();
CREATE TRIGGER credentials_truncated AFTER TRUNCATE ON credentials
  FOR EACH STATEMENT EXECUTE FUNCTION notify_source_change();
