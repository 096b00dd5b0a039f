import { createHmac, randomUUID } from "node:crypto";
import { DELIVERY_HEADER, SIGNATURE_HEADER, SIGNATURE_PREFIX } from "./verify.ts";

// A GitHub sender, for `npm run send`: the headers GitHub puts on a delivery.

export function signGithubDelivery(body: Buffer, secret: string | Buffer, event = "ping", deliveryId: string = randomUUID()): Record<string, string> {
  return {
    [SIGNATURE_HEADER]: SIGNATURE_PREFIX + createHmac("sha256", secret).update(body).digest("hex"),
    [DELIVERY_HEADER]: deliveryId,
    "x-github-event": event,
  };
}
