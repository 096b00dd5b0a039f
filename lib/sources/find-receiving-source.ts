import { createPublicKey, type KeyObject } from "node:crypto";
import type pg from "pg";
import { getEncryptionKey } from "../crypto/encryption-key.ts";
import { decryptSecret } from "../crypto/secret-box.ts";
import { schemeFor } from "../schemes/index.ts";
import { SOURCE_STAMP_SQL } from "./source-stamp.ts";
import type { SchemeCredential, SchemeOptions } from "../schemes/scheme.ts";

// The receiver's view of a source: enabled or not, and its credentials as its scheme takes them
// (lib/schemes/scheme.ts), secrets decrypted, newest first, with the stamp that says whether it
// is still current (source-stamp.ts). One query. The receiver keeps what this returns in memory
// for up to a minute (receiving-source-cache.ts), decrypted secrets included: the process that
// verifies signatures holds them anyway, and they never leave it. Retired credentials (revoked or expired) never verify
// anything (schemes use only active ones); they are checked after a failure, to tell the
// operator that the sender still signs with one of them, and by the inspector.

export interface ReceivingSource {
  id: string;
  slug: string;
  kind: string;
  enabled: boolean;
  credentials: SchemeCredential[];
  /** The source's settings for its scheme (timestamp tolerance, the generic HMAC's header, ...), checked by the scheme. */
  options: SchemeOptions;
  /** What the rows above were when read (source-stamp.ts): a remembered source is used only while it is still this. */
  stamp: string;
}

interface Row {
  id: string;
  kind: string;
  enabled: boolean;
  scheme_options: unknown;
  stamp: string;
  credential_id: string | null;
  credential_kind: "hmac_secret" | "rsa_public_key" | "ed25519_public_key" | null;
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
    text: `SELECT s.id, s.kind, s.enabled, s.scheme_options, ${SOURCE_STAMP_SQL} AS stamp, c.id AS credential_id, c.kind AS credential_kind, c.label, c.fingerprint,
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
  const { id, kind, enabled, scheme_options, stamp } = rows[0];
  // Options are checked when they are stored; a row that no longer parses is a bug, said as such.
  const source: ReceivingSource = { id, slug, kind, enabled, credentials: [], options: schemeFor(kind).parseOptions(scheme_options), stamp };
  for (const row of rows) {
    if (!row.credential_id) continue;
    const state = row.is_active ? "active" : row.revoked_at ? "revoked" : "expired";
    const credential: SchemeCredential = {
      id: row.credential_id,
      label: row.label!,
      fingerprint: row.fingerprint!,
      state,
      retiredAt: state === "active" ? null : (row.revoked_at ?? row.expires_at),
    };
    if (row.credential_kind === "hmac_secret" && row.secret_ciphertext) credential.secret = decryptSecret(row.secret_ciphertext, key, row.credential_id);
    else if (row.public_key_pem) credential.publicKey = readPublicKey(row.public_key_pem); // RSA (Eden AI) or ed25519 (Standard Webhooks), as SPKI PEM
    source.credentials.push(credential);
  }
  return source;
}

/** A stored key that no longer loads is left without its key: it verifies nothing, and the inspector says so. */
function readPublicKey(pem: string): KeyObject | undefined {
  try {
    return createPublicKey(pem);
  } catch {
    return undefined;
  }
}
