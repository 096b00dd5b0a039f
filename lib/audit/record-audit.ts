import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import type { Operator } from "../auth/operator.ts";

// The audit log is append-only and written in the same transaction as the change it records,
// so a change without its entry (or an entry without its change) cannot happen. `detail` holds
// labels, fingerprints, roles and reasons — never a secret.

export type AuditActor = Operator | { kind: "system" | "anonymous"; id?: undefined; name: string };

export interface AuditEntry {
  actor: AuditActor;
  action: string;
  target?: { type: string; id?: string; name?: string };
  detail?: Prisma.InputJsonValue;
  ip?: string | null;
}

export async function recordAudit(db: Pick<PrismaClient, "auditEvent">, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorKind: entry.actor.kind,
      actorId: entry.actor.id ?? null,
      actorName: entry.actor.name,
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      targetName: entry.target?.name ?? null,
      detail: entry.detail,
      ip: entry.ip ?? null,
    },
  });
}

export const SYSTEM_ACTOR: AuditActor = { kind: "system", name: "webhook-inbox" };
