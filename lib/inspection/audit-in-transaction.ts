import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { AuditEntry } from "../audit/record-audit.ts";

// recordAudit (lib/audit/record-audit.ts) writes through Prisma. A re-verification commits on
// a plain pg connection, because it stores image bytes the way the receiver does (binary
// parameters, lib/storage/blobs.ts); this writes the same row on that connection, so that the
// change and its audit entry commit together.

export async function recordAuditOn(client: pg.ClientBase, entry: AuditEntry): Promise<void> {
  await client.query(
    `INSERT INTO audit_events (id, actor_kind, actor_id, actor_name, action, target_type, target_id, target_name, detail, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      randomUUID(),
      entry.actor.kind,
      entry.actor.id ?? null,
      entry.actor.name,
      entry.action,
      entry.target?.type ?? null,
      entry.target?.id ?? null,
      entry.target?.name ?? null,
      entry.detail === undefined ? null : JSON.stringify(entry.detail),
      entry.ip ?? null,
    ],
  );
}
