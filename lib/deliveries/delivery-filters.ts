import { z } from "zod";
import { getPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";

// The filters of the delivery log, shared by the JSON API, the log page and the CSV export, so
// that a filtered page and its export always hold the same rows. Dates are whole UTC days,
// both ends included. Empty parameters (a GET form sends them) mean "any".

const emptyToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema.optional());
// PostgreSQL text cannot hold NUL, and its timestamps cannot hold every date an ISO string can
// name (year 0000): both are refused here (400), not left to fail in the query (500).
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes("\u0000"), "must not contain a NUL character");
const day = z.iso
  .date("use a date like 2026-01-31")
  .refine((value) => value >= "1970-01-01" && value <= "9999-12-30", "use a date between 1970-01-01 and 9999-12-30");

export const deliveryStatuses = ["verified", "failed", "rejected"] as const;

export const deliveryFilterShape = {
  source: optional(text(64)),
  status: optional(z.enum(deliveryStatuses)),
  /** Part of the metadata, the file name or the Eden AI job id, any case; or a delivery id. */
  q: optional(text(200)),
  from: optional(day),
  to: optional(day),
  /** Deliveries with a forward in this state to any destination (lib/forwarding). */
  forwarding: optional(z.enum(["waiting", "delivered", "failed"])),
};

export const isDateRangeInOrder = (query: { from?: string; to?: string }) => !query.from || !query.to || query.from <= query.to;
export const dateRangeIssue = { message: "the start date is after the end date", path: ["from"] };

export const deliveryFilters = z.object(deliveryFilterShape).refine(isDateRangeInOrder, dateRangeIssue);

export type DeliveryFilters = z.infer<typeof deliveryFilters>;

export function deliveryFilterConditions(filters: DeliveryFilters): Prisma.DeliveryWhereInput[] {
  const conditions: Prisma.DeliveryWhereInput[] = [];
  if (filters.source) conditions.push({ source: { slug: filters.source } });
  if (filters.status) conditions.push({ status: filters.status });
  // Each arm has its own index (trigram indexes for the substrings, the primary key for an id),
  // so a search reads only the matching rows: see the README, "At scale".
  if (filters.q) {
    // Prisma puts `contains` between LIKE's wildcards as it is: its own `%` and `_` are escaped here.
    const contains = { contains: escapeLike(filters.q), mode: "insensitive" } as const;
    const isDeliveryId = z.uuid().safeParse(filters.q.trim()).success;
    conditions.push({
      OR: [{ metadata: contains }, { fileName: contains }, { jobId: contains }, ...(isDeliveryId ? [{ id: filters.q.trim().toLowerCase() }] : [])],
    });
  }
  if (filters.from) conditions.push({ receivedAt: { gte: startOfDay(filters.from) } });
  if (filters.to) conditions.push({ receivedAt: { lt: nextDay(filters.to) } });
  if (filters.forwarding) conditions.push({ forwards: { some: { state: filters.forwarding } } });
  return conditions;
}

/** `text` with LIKE's wildcards and escape character escaped (PostgreSQL's default escape, `\`), so that it matches only itself. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** The query string of a filtered view (no empty parameters), for links and the export. */
export function deliveryFilterQuery(filters: Partial<Record<keyof DeliveryFilters | "cursor" | "limit", string | undefined>>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
  return query.toString();
}

/** What the log's source filter offers: every source, enabled or not (old deliveries stay searchable). */
export async function listSourceOptions(): Promise<Array<{ slug: string; name: string }>> {
  return getPrisma().source.findMany({ select: { slug: true, name: true }, orderBy: [{ slug: "asc" }] });
}

/** `\`, `%` and `_` escaped for LIKE/ILIKE (PostgreSQL's default escape character is `\`). */
/** The first instant of a UTC day (YYYY-MM-DD); the gallery's SQL uses these bounds too. */
export function startOfDay(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

export function nextDay(date: string): Date {
  const day = startOfDay(date);
  day.setUTCDate(day.getUTCDate() + 1);
  return day;
}
