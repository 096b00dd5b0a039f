// A source is silent when nothing (verified or not) has arrived for longer than its threshold:
// the sender is down, misconfigured, or pointed elsewhere. A source that never received a
// delivery counts from its creation. A disabled source answers 404 on purpose: no warning.

export interface Silence {
  /** How long nothing has arrived, in ms. */
  silentForMs: number;
  thresholdMinutes: number;
  since: Date;
}

export function findSilence(
  source: { enabled: boolean; createdAt: Date; lastDeliveryAt: Date | null; silenceAlertMinutes: number | null },
  now: Date,
): Silence | null {
  if (source.silenceAlertMinutes === null) return null;
  const silence = findSilenceLongerThan(source, source.silenceAlertMinutes * 60_000, now);
  return silence && { ...silence, thresholdMinutes: source.silenceAlertMinutes };
}

/** The same rule for any threshold: the overview's per-source minutes, or an alert rule's (lib/alerts/rules/silence.ts). */
export function findSilenceLongerThan(
  source: { enabled: boolean; createdAt: Date; lastDeliveryAt: Date | null },
  thresholdMs: number,
  now: Date,
): { silentForMs: number; since: Date } | null {
  if (!source.enabled) return null;
  const since = source.lastDeliveryAt ?? source.createdAt;
  const silentForMs = now.getTime() - since.getTime();
  return silentForMs > thresholdMs ? { silentForMs, since } : null;
}
