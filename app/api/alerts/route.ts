import { listOpenAlerts } from "@/lib/alerts/list-alerts.ts";
import { requireApiOperator } from "@/lib/auth/require-operator.ts";
import { jsonResponse, withErrors } from "@/lib/http/errors.ts";

// GET /api/alerts: the alerts open now, newest first, for monitoring systems that poll.

export const dynamic = "force-dynamic";

export const GET = withErrors(async (request: Request) => {
  await requireApiOperator(request);
  return jsonResponse(200, { items: await listOpenAlerts() });
});
