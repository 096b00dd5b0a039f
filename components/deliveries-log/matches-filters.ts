import type { DeliveryFilters } from "@/lib/deliveries/delivery-filters.ts";
import type { DeliveryLogRow } from "./delivery-log-row.ts";

// The log's filters evaluated in the browser, for deliveries that arrive live: the same rules
// as the database query (delivery-filters.ts), so a live row is one a reload would show.

/** z.guid's shape: any 8-4-4-4-12 hex string. */
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the live event alone can decide, before the row is fetched. */
export function mayMatchFilters(event: { source: string; status: string }, filters: DeliveryFilters): boolean {
  // A forward's state moves on after the delivery arrives, and the event does not carry it: a
  // view filtered by forwarding state shows what it held when rendered (reload for more).
  if (filters.forwarding) return false;
  return (!filters.source || event.source === filters.source) && (!filters.status || event.status === filters.status);
}

export function matchesFilters(row: DeliveryLogRow, filters: DeliveryFilters): boolean {
  if (!mayMatchFilters(row, filters)) return false;
  if (filters.q) {
    const term = filters.q.trim();
    // A UUID is a whole delivery id or job id, as searchTerm in delivery-filters.ts says (not
    // imported: that module reads the database, and this one runs in the browser).
    if (UUID_SHAPE.test(term)) {
      if (row.id !== term.toLowerCase() && row.jobId !== term && row.jobId !== term.toLowerCase()) return false;
    } else {
      const needle = filters.q.toLowerCase();
      if (![row.metadata, row.jobId].some((text) => text?.toLowerCase().includes(needle))) return false;
    }
  }
  const day = row.receivedAt.toISOString().slice(0, 10);
  return (!filters.from || day >= filters.from) && (!filters.to || day <= filters.to);
}
