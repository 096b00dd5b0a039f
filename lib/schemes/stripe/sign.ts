import { createHmac } from "node:crypto";
import { SIGNATURE_HEADER } from "./verify.ts";

// A Stripe sender, for `npm run send`: the Stripe-Signature of one event.

export function signStripeEvent(body: Buffer, secret: string, timestamp: number): Record<string, string> {
  const digest = createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
  return { [SIGNATURE_HEADER]: `t=${timestamp},v1=${digest}` };
}
