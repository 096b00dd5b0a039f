import type pg from "pg";
import { getEncryptionKey } from "../crypto/encryption-key.ts";
import { decryptSecret } from "../crypto/secret-box.ts";
import type { MaskitSecret } from "../signatures/maskit.ts";
import type { CredentialRef } from "../signatures/types.ts";

// The receiver's view of a source: enabled or not, and its credentials, secrets decrypted for
// this request only. One query, because it runs on every delivery. Retired credentials (revoked
// or expired) never verify anything; they are checked only after a failure, to tell the
// operator that the sender still signs with one of them.

export interface ReceivingSource {
  id: string;
  slug: string;
  kind: "maskit" | "edenai";
  enabled: boolean;
  secrets: MaskitSecret[];
  publicKeys: PublicKeyRef[];
  retired: { secrets: Array<MaskitSecret & RetiredState>; publicKeys: Array<PublicKeyRef & RetiredState> };
}

type PublicKeyRef = CredentialRef & { pem: string };
export interface RetiredState {
  revokedAt: Date | null;
  expiresAt: Date | null;
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
  revoked_at: Date | null;
  expires_at: Date | null;
  is_active: boolean | null;
}

export async function findReceivingSource(pool: pg.Pool, slug: string): Promise<ReceivingSource | null> {
  const { rows } = await pool.query<Row>({
    name: "find-receiving-source",
    text: `SELECT s.id, s.kind, s.enabled, c.id AS credential_id, c.kind AS credential_kind, c.label, c.fingerprint,
            c.secret_ciphertext, c.public_key_pem, c.revoked_at, c.expires_at,
            (c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > now())) AS is_active
       FROM sources s
       LEFT JOIN credentials c ON c.source_id = s.id
      WHERE s.slug = $1
      ORDER BY c.created_at DESC`,
    values: [slug],
  });
  if (rows.length === 0) return null;
  const key = await getEncryptionKey();
  const source: ReceivingSource = {
    id: rows[0].id,
    slug,
    kind: rows[0].kind,
    enabled: rows[0].enabled,
    secrets: [],
    publicKeys: [],
    retired: { secrets: [], publicKeys: [] },
  };
  for (const row of rows) {
    if (!row.credential_id) continue;
    const credential = { id: row.credential_id, label: row.label!, fingerprint: row.fingerprint! };
    const retirement = { revokedAt: row.revoked_at, expiresAt: row.expires_at };
    if (row.credential_kind === "hmac_secret" && row.secret_ciphertext) {
      const secret = { ...credential, secret: decryptSecret(row.secret_ciphertext, key, row.credential_id) };
      if (row.is_active) source.secrets.push(secret);
      else source.retired.secrets.push({ ...secret, ...retirement });
    } else if (row.credential_kind === "rsa_public_key" && row.public_key_pem) {
      const publicKey = { ...credential, pem: row.public_key_pem };
      if (row.is_active) source.publicKeys.push(publicKey);
      else source.retired.publicKeys.push({ ...publicKey, ...retirement });
    }
  }
  return source;
}
