import { withErrors } from "@/lib/http/errors.ts";
import { receiveWebhook } from "@/lib/ingest/receive-webhook.ts";

// The receiver. It must stay out of any proxy.ts matcher: Next's proxy buffers bodies and
// silently truncates them at 10 MB.
export const dynamic = "force-dynamic";

export const POST = withErrors(async (request: Request, { params }: { params: Promise<{ slug: string }> }) =>
  receiveWebhook((await params).slug, request),
);
