import { requireApiOperator } from "@/lib/auth/require-operator.ts";
import { withErrors } from "@/lib/http/errors.ts";
import { serveDisplayImage } from "@/lib/images/serve-image.ts";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireApiOperator(request);
  return serveDisplayImage(request, (await params).id);
});
