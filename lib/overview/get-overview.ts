import { getPrisma } from "../db.ts";
import { listSources, type SourceSummary } from "../sources/list-sources.ts";
import { findSilence, type Silence } from "./find-silence.ts";
import { listHourlyActivity, type HourBucket } from "./list-hourly-activity.ts";

// The overview page's data: each source as the sources page lists it, with its silence
// threshold, its last 24 hours by the hour, and whether it has been silent too long. The
// 24-hour totals are the sums of the chart's buckets, so the numbers and the chart agree.

export interface OverviewSource
  extends Pick<SourceSummary, "id" | "slug" | "name" | "kind" | "enabled" | "createdAt" | "lastDeliveryAt" | "activeCredentials"> {
  silenceAlertMinutes: number | null;
  silence: Silence | null;
  hours: HourBucket[];
  total: number;
  verified: number;
  /** Failed and rejected. */
  unverified: number;
  /** unverified / total, or null with nothing received. */
  failureRate: number | null;
}

export async function getOverview(options: { now?: Date } = {}): Promise<OverviewSource[]> {
  const now = options.now ?? new Date();
  const [sources, thresholds, activity] = await Promise.all([
    listSources({ now }),
    getPrisma().source.findMany({ select: { id: true, silenceAlertMinutes: true } }),
    listHourlyActivity({ now }),
  ]);
  const thresholdOf = new Map(thresholds.map((source) => [source.id, source.silenceAlertMinutes]));
  return sources.map((source) => {
    const hours = activity.get(source.id) ?? [];
    const verified = sum(hours, (hour) => hour.verified);
    const unverified = sum(hours, (hour) => hour.failed + hour.rejected);
    const total = verified + unverified;
    const silenceAlertMinutes = thresholdOf.get(source.id) ?? null;
    return {
      id: source.id,
      slug: source.slug,
      name: source.name,
      kind: source.kind,
      enabled: source.enabled,
      createdAt: source.createdAt,
      lastDeliveryAt: source.lastDeliveryAt,
      activeCredentials: source.activeCredentials,
      silenceAlertMinutes,
      silence: findSilence({ ...source, silenceAlertMinutes }, now),
      hours,
      total,
      verified,
      unverified,
      failureRate: total === 0 ? null : unverified / total,
    };
  });
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
