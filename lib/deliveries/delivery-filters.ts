import { z } from "zod";
import { getPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { narrowedSearchIds } from "./narrow-search.ts";

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
  /** Part of the metadata, the file name or the Eden AI job id, any case; a UUID: a delivery id or an Eden AI job id, whole (searchTerm). */
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

/**
 * `narrowedIds`: what narrowedSearchIds (narrow-search.ts) found for `filters.q`, when it did;
 * exactly the rows the search matches, by a cheaper plan. The paths that read (the log, the
 * export) pass it; the others search the plain way, for the same rows.
 */
export function deliveryFilterConditions(filters: DeliveryFilters, narrowedIds: string[] | null = null): Prisma.DeliveryWhereInput[] {
  const conditions: Prisma.DeliveryWhereInput[] = [];
  if (filters.source) conditions.push({ source: { slug: filters.source } });
  if (filters.status) conditions.push({ status: filters.status });
  if (filters.q) conditions.push(narrowedIds ? { id: { in: narrowedIds } } : searchCondition(searchTerm(filters.q)));
  if (filters.from) conditions.push({ receivedAt: { gte: startOfDay(filters.from) } });
  if (filters.to) conditions.push({ receivedAt: { lt: nextDay(filters.to) } });
  if (filters.forwarding) conditions.push({ forwards: { some: { state: filters.forwarding } } });
  return conditions;
}

/** The ids narrowedSearchIds finds for `q`, or null: the plain search then runs. */
export async function narrowSearch(q: string | undefined): Promise<string[] | null> {
  const term = q ? searchTerm(q) : null;
  return term?.kind === "text" ? narrowedSearchIds(term.pattern) : null;
}

export type SearchTerm = { kind: "id"; ids: string[] } | { kind: "text"; pattern: string };

/**
 * What the log's search looks for. A UUID is an id someone pasted: the delivery with that id,
 * or the deliveries of that Eden AI job, found by equality down the primary key and the job id's
 * index in well under a millisecond. As a substring it cost a trigram scan of every index
 * (about 100 ms at 1,000,000 deliveries: a UUID's hex trigrams are in every job id and batch
 * id), for a match no one looks for. Anything else is a part of the metadata, the file name or
 * the job id, in any case, through their trigram indexes; `%` and `_` match only themselves.
 * "A UUID" is any 8-4-4-4-12 hex string (z.guid): job ids need not carry RFC version bits.
 */
export function searchTerm(q: string): SearchTerm {
  const term = q.trim();
  if (z.guid().safeParse(term).success) return { kind: "id", ids: [...new Set([term.toLowerCase(), term])] };
  return { kind: "text", pattern: escapeLike(q) };
}

function searchCondition(term: SearchTerm): Prisma.DeliveryWhereInput {
  // Prisma puts `contains` between LIKE's wildcards as it is (already escaped by searchTerm).
  if (term.kind === "id") return { OR: [{ id: term.ids[0] }, { jobId: { in: term.ids } }] };
  const contains = { contains: term.pattern, mode: "insensitive" } as const;
  return { OR: [{ metadata: contains }, { fileName: contains }, { jobId: contains }] };
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
