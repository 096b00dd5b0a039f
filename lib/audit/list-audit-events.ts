import { z } from "zod";
import { getPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";

// The audit log, newest first, with keyset pagination on (at, id): a deep page costs the same
// as the first, and entries written while someone reads do not shift the pages. Dates are
// whole days in UTC, both ends included. Empty parameters (a GET form sends them) mean "any".

const emptyToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema.optional());
const day = z.iso.date("use a date like 2026-01-31");

export const listAuditEventsQuery = z
  .object({
    /** A prefix of the dotted action: `user.` for every user change, or a whole action name. */
    action: optional(
      z
        .string()
        .trim()
        .max(64)
        .regex(/^[a-z_.]+$/, "an action looks like user. or user.create"),
    ),
    /** Part of the actor's email or token name, any case. */
    actor: optional(z.string().trim().max(200)),
    from: optional(day),
    to: optional(day),
    cursor: optional(z.string().max(200)),
    limit: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(200).default(50)),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, { message: "the start date is after the end date", path: ["from"] });

export type ListAuditEventsQuery = z.input<typeof listAuditEventsQuery>;

const auditEventSelect = {
  id: true,
  at: true,
  actorKind: true,
  actorName: true,
  action: true,
  targetType: true,
  targetId: true,
  targetName: true,
  detail: true,
  ip: true,
} satisfies Prisma.AuditEventSelect;

export type AuditEventSummary = Prisma.AuditEventGetPayload<{ select: typeof auditEventSelect }>;

/** Throws a ZodError for a query it cannot use (bad date, foreign cursor). */
export async function listAuditEvents(input: ListAuditEventsQuery): Promise<{ items: AuditEventSummary[]; nextCursor: string | null }> {
  const query = listAuditEventsQuery.parse(input);
  const filters: Prisma.AuditEventWhereInput[] = [];
  if (query.action) filters.push({ action: { startsWith: query.action } });
  if (query.actor) filters.push({ actorName: { contains: query.actor, mode: "insensitive" } });
  if (query.from) filters.push({ at: { gte: new Date(`${query.from}T00:00:00.000Z`) } });
  if (query.to) filters.push({ at: { lt: nextDay(query.to) } });
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    filters.push({ OR: [{ at: { lt: after.at } }, { at: after.at, id: { lt: after.id } }] });
  }
  const rows = await getPrisma().auditEvent.findMany({
    where: { AND: filters },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: auditEventSelect,
  });
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

function nextDay(date: string): Date {
  const day = new Date(`${date}T00:00:00.000Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day;
}

function encodeCursor(row: { at: Date; id: string }): string {
  return Buffer.from(`${row.at.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [time, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const at = new Date(time);
  if (Number.isNaN(at.getTime()) || !z.uuid().safeParse(id).success) {
    throw new z.ZodError([{ code: "custom", path: ["cursor"], message: "this link to older entries is not valid: start from the newest", input: cursor }]);
  }
  return { at, id };
}
