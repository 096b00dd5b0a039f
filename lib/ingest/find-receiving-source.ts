import type pg from "pg";
import { getEncryptionKey } from "../crypto/encryption-key.ts";
import { decryptSecret } from "../crypto/secret-box.ts";
import type { MaskitSecret } from "../signatures/maskit.ts";
import type { CredentialRef } from "../signatures/types.ts";

// The receiver's view of a source: enabled or not, and its active credentials, secrets
// decrypted for this request only. One query, because it runs on every delivery.

export interface ReceivingSource {
  id: string;
  slug: string;
  kind: "maskit" | "edenai";
  enabled: boolean;
  secrets: MaskitSecret[];
  publicKeys: Array<CredentialRef & { pem: string }>;
}

interface Row {
  id: string;
  kind: "maskit" | "edenai";
  enabled: boolean;
  credential_id: string | null;
  credential_kind: "hmac_secret" | "rsa_public_key" | null;
  label: string | null;
  fingerprint: string | null;
  secret_ciphertext: Buffer | null;
  public_key_pem: string | null;
}

export async function findReceivingSource(pool: pg.Pool, slug: string): Promise<ReceivingSource | null> {
  const { rows } = await pool.query<Row>(
    `SELECT s.id, s.kind, s.enabled, c.id AS credential_id, c.kind AS credential_kind, c.label, c.fingerprint,
            c.secret_ciphertext, c.public_key_pem
       FROM sources s
       LEFT JOIN credentials c ON c.source_id = s.id AND c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > now())
      WHERE s.slug = $1
      ORDER BY c.created_at DESC`,
    [slug],
  );
  if (rows.length === 0) return null;
  const key = await getEncryptionKey();
  const source: ReceivingSource = { id: rows[0].id, slug, kind: rows[0].kind, enabled: rows[0].enabled, secrets: [], publicKeys: [] };
  for (const row of rows) {
    if (!row.credential_id) continue;
    const credential = { id: row.credential_id, label: row.label!, fingerprint: row.fingerprint! };
    if (row.credential_kind === "hmac_secret" && row.secret_ciphertext) {
      source.secrets.push({ ...credential, secret: decryptSecret(row.secret_ciphertext, key, row.credential_id) });
    } else if (row.credential_kind === "rsa_public_key" && row.public_key_pem) {
      source.publicKeys.push({ ...credential, pem: row.public_key_pem });
    }
  }
  return source;
}
