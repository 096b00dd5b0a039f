import { z } from "zod";
import { requireApiOperator } from "@/lib/auth/require-operator.ts";
import { replayDelivery, ReplayRefusedError } from "@/lib/forwarding/replay-delivery.ts";
import { HttpError, jsonResponse, withErrors } from "@/lib/http/errors.ts";

export const dynamic = "force-dynamic";

const replayInput = z.object({ destinationId: z.uuid().optional() }).strict();

/** Sends a verified delivery again to all its source's destinations, or `{ "destinationId" }` only (admins). */
export const POST = withErrors(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const operator = await requireApiOperator(request, "admin");
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) throw new HttpError(404, "no such delivery");
  const input = replayInput.safeParse(await readJson(request));
  if (!input.success) throw new HttpError(400, "the body may only hold a destinationId (uuid)");
  try {
    const result = await replayDelivery({ deliveryId: id.data, destinationId: input.data.destinationId, actor: operator });
    if (!result) throw new HttpError(404, "no such delivery");
    return jsonResponse(202, { id: id.data, ...result });
  } catch (error) {
    if (error instanceof ReplayRefusedError) throw new HttpError(409, error.message);
    throw error;
  }
});

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "the body is not JSON");
  }
}
