import { requireApiOperator } from "@/lib/auth/require-operator.ts";
import { deliveryFilters } from "@/lib/deliveries/delivery-filters.ts";
import { exportDeliveriesCsv } from "@/lib/deliveries/export-deliveries-csv.ts";
import { withErrors } from "@/lib/http/errors.ts";

// GET /api/deliveries/export?source=&status=&q=&from=&to=: every delivery the log shows for
// these filters, as a CSV download streamed from the database page by page.

export const dynamic = "force-dynamic";

export const GET = withErrors(async (request: Request) => {
  await requireApiOperator(request);
  const filters = deliveryFilters.parse(Object.fromEntries(new URL(request.url).searchParams));
  const csv = await exportDeliveriesCsv(filters);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="deliveries-${new Date().toISOString().slice(0, 10)}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
