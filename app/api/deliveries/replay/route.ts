import { z } from "zod";
import { requireApiOperator } from "@/lib/auth/require-operator.ts";
import { deliveryFilters } from "@/lib/deliveries/delivery-filters.ts";
import { countReplayable, replayFiltered, ReplayCountChangedError } from "@/lib/forwarding/replay-filtered.ts";
import { HttpError, jsonResponse, withErrors } from "@/lib/http/errors.ts";

export const dynamic = "force-dynamic";

const confirmation = z.object({ expectedCount: z.number().int().min(0) }).strict();

/** How many verified deliveries the log's filters (same query parameters as GET /api/deliveries) would replay. */
export const GET = withErrors(async (request: Request) => {
  await requireApiOperator(request, "admin");
  const filters = deliveryFilters.parse(Object.fromEntries(new URL(request.url).searchParams));
  return jsonResponse(200, { count: await countReplayable(filters) });
});

/** Replays them, once the body confirms the count: `{ "expectedCount": N }` (409 with the new count otherwise). */
export const POST = withErrors(async (request: Request) => {
  const operator = await requireApiOperator(request, "admin");
  const filters = deliveryFilters.parse(Object.fromEntries(new URL(request.url).searchParams));
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new HttpError(400, 'confirm with a JSON body {"expectedCount": N}');
  }
  const input = confirmation.safeParse(body);
  if (!input.success) throw new HttpError(400, 'confirm with a JSON body {"expectedCount": N}');
  try {
    return jsonResponse(202, await replayFiltered({ filters, expectedCount: input.data.expectedCount, actor: operator }));
  } catch (error) {
    if (error instanceof ReplayCountChangedError) return jsonResponse(409, { error: error.message, count: error.count });
    throw error;
  }
});
