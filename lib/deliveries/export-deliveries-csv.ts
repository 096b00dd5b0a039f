import { getPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { deliveryFilterConditions, type DeliveryFilters, narrowSearch } from "./delivery-filters.ts";
import { afterCursor } from "./list-deliveries.ts";

// The delivery log as CSV (RFC 4180), newest first, streamed a page at a time: each pull of
// the stream reads the next keyset page, so an export of millions of rows holds one page in
// memory and follows the reader's pace. Cells that a spreadsheet would run as a formula get a
// leading apostrophe: metadata and reasons come from senders, who must not run code on an
// operator's machine.

export const CSV_COLUMNS = [
  "id",
  "received_at",
  "source",
  "status",
  "http_status",
  "reason",
  "metadata",
  "job_id",
  "body_size",
  "matched_credential",
  "image_sha256",
  "reverified_at",
  "reverified_by",
] as const;

const DEFAULT_PAGE_SIZE = 1000;
const encoder = new TextEncoder();

const exportSelect = {
  id: true,
  receivedAt: true,
  status: true,
  httpStatus: true,
  reason: true,
  metadata: true,
  jobId: true,
  bodySize: true,
  matchedCredential: true,
  reverifiedAt: true,
  reverifiedBy: true,
  source: { select: { slug: true } },
  image: { select: { sha256: true } },
} satisfies Prisma.DeliverySelect;

type ExportRow = Prisma.DeliveryGetPayload<{ select: typeof exportSelect }>;

/**
 * Reads the first page before returning, so that a database outage is answered as an error
 * (503) rather than as an empty 200; a failure on a later page aborts the stream, so a
 * download is never silently cut short.
 */
export async function exportDeliveriesCsv(filters: DeliveryFilters, options: { pageSize?: number } = {}): Promise<ReadableStream<Uint8Array>> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const conditions = deliveryFilterConditions(filters, await narrowSearch(filters.q));
  const readPage = (after: ExportRow | null) =>
    getPrisma().delivery.findMany({
      where: { AND: after ? [...conditions, ...afterCursor(after)] : conditions },
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      take: pageSize,
      select: exportSelect,
    });

  let page: ExportRow[] | null = await readPage(null);
  let last: ExportRow | null = null;
  let isFirst = true;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!page) page = await readPage(last);
          const text = (isFirst ? csvLine(CSV_COLUMNS) : "") + page.map((row) => csvLine(toCells(row))).join("");
          isFirst = false;
          if (text) controller.enqueue(encoder.encode(text));
          if (page.length < pageSize) controller.close();
          last = page.at(-1) ?? null;
          page = null;
        } catch (error) {
          console.warn(`CSV export stopped: ${error instanceof Error ? error.message : String(error)}`);
          controller.error(error);
        }
      },
    },
    // One page at a time: the next is read only once the reader has taken this one.
    { highWaterMark: 0 },
  );
}

function toCells(row: ExportRow): Array<string | number | null> {
  return [
    row.id,
    row.receivedAt.toISOString(),
    row.source.slug,
    row.status,
    row.httpStatus,
    row.reason,
    row.metadata,
    row.jobId,
    row.bodySize,
    row.matchedCredential,
    row.image?.sha256 ?? null,
    row.reverifiedAt?.toISOString() ?? null,
    row.reverifiedBy,
  ];
}

export function csvLine(cells: ReadonlyArray<string | number | null>): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** One RFC 4180 field: quoted when it holds a quote, comma or line break; formulas defused. */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
