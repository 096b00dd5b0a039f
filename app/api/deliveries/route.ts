import { requireApiOperator } from "@/lib/auth/require-operator.ts";
import { listDeliveries, listDeliveriesQuery } from "@/lib/deliveries/list-deliveries.ts";
import { jsonResponse, withErrors } from "@/lib/http/errors.ts";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (request: Request) => {
  await requireApiOperator(request);
  const query = listDeliveriesQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return jsonResponse(200, await listDeliveries(query));
});
