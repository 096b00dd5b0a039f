import { getConfig } from "../../config.ts";
import { sendForward } from "../../forwarding/send-forward.ts";

// A Slack or webhook channel's POST, sent by forwarding's HTTP client rather than fetch: the
// same address policy as destinations (lib/forwarding/address-policy.ts), applied to the
// address actually connected to, so a channel URL whose name comes to resolve to a link-local
// or metadata address (or, without ALLOW_PRIVATE_DESTINATIONS, a private one) is refused at
// send time too; no redirects followed (one could lead the POST somewhere nobody configured);
// the answer read only so far.

/** POSTs JSON and treats anything but a 2xx as a failure; the body of an error answer is not read past a little. */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const result = await sendForward(
    { url, headers: { "content-type": "application/json", "user-agent": "webhook-inbox-alerts", ...headers }, body: Buffer.from(body) },
    { timeoutMs, allowPrivate: getConfig().ALLOW_PRIVATE_DESTINATIONS },
  );
  const status = result.httpStatus;
  if (status === null) throw new Error(result.error ?? "no answer");
  if (status >= 200 && status < 300) return;
  if (status >= 300 && status < 400) throw new Error(`answered ${status}: redirects are not followed`);
  const text = (result.excerpt ?? "").slice(0, 200).replace(/\s+/g, " ").trim();
  throw new Error(`answered ${status}${text ? `: ${text}` : ""}`);
}
