import { getConfig } from "../config.ts";
import { startPeriodicJob } from "../jobs/start-periodic-job.ts";
import { dispatchDueSends } from "./dispatch-sends.ts";
import { evaluateAlerts } from "./evaluate-alerts.ts";

// Started once per app process (instrumentation.ts): evaluate the rules (one instance at a
// time, by advisory lock), then send whatever is due, retries included (claimed per send).
// Nothing here runs on the receiver's path, so a slow channel never delays a delivery.

export function startAlertsJob(intervalMs: number = getConfig().ALERT_INTERVAL_SECONDS * 1000): void {
  startPeriodicJob("alerts", intervalMs, async () => {
    const evaluation = await evaluateAlerts();
    const sends = await dispatchDueSends();
    const parts = [];
    if (evaluation.status === "done" && evaluation.fired + evaluation.resolved + evaluation.repeated > 0)
      parts.push(`${evaluation.fired} fired, ${evaluation.repeated} repeated, ${evaluation.resolved} resolved`);
    if (sends.sent + sends.failed + sends.retrying > 0) parts.push(`${sends.sent} sent, ${sends.retrying} to retry, ${sends.failed} failed`);
    return parts.length ? parts.join("; ") : null;
  });
}
