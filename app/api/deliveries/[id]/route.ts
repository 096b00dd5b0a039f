import { z } from "zod";
import { requireApiOperator } from "@/lib/auth/require-operator.ts";
import { getDelivery } from "@/lib/deliveries/get-delivery.ts";
import { getDeliveryForwarding } from "@/lib/forwarding/get-delivery-forwarding.ts";
import { HttpError, jsonResponse, withErrors } from "@/lib/http/errors.ts";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireApiOperator(request);
  const id = z.uuid().safeParse((await params).id);
  const delivery = id.success ? await getDelivery(id.data) : null;
  if (!delivery) throw new HttpError(404, "no such delivery");
  return jsonResponse(200, { ...delivery, forwarding: await getDeliveryForwarding(delivery.id) });
});
