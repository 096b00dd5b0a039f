import { requireApiOperator } from "@/lib/auth/require-operator.ts";
import { withErrors } from "@/lib/http/errors.ts";
import { serveImage } from "@/lib/images/serve-image.ts";

export const dynamic = "force-dynamic";

export const GET = withErrors(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireApiOperator(request);
  return serveImage(request, (await params).id);
});
