import type { z } from "zod";

// A rule kind is one module: the thresholds it takes (a zod schema with defaults) and a function
// that, given the sources it watches, says which problems hold now. The engine
// (../evaluate-alerts.ts) opens an alert when a problem's key first appears, and resolves it
// when the key is gone. The forwarding rules (destination-paused.ts, forwarding-backlog.ts) are
// two such modules.

export interface AlertCondition {
  /** Names the problem, stable while it lasts: `silence:<source id>`, `credential_expiring:<credential id>`. */
  key: string;
  kind: string;
  sourceId: string | null;
  title: string;
  detail: string;
  /** The dashboard page that shows it. */
  linkPath: string;
}

export interface WatchedSource {
  id: string;
  slug: string;
  name: string;
  enabled: boolean;
  createdAt: Date;
  lastDeliveryAt: Date | null;
}

export interface RuleTarget<P> {
  source: WatchedSource;
  params: P;
}

export interface RuleKind<P = unknown> {
  kind: string;
  label: string;
  /** The `kind` of every condition it reports: while it cannot be evaluated, their alerts stay as they are. */
  conditionKinds: string[];
  // biome-ignore lint/suspicious/noExplicitAny: the schema's input type is whatever the form sends; only its output P is used
  paramsSchema: z.ZodType<P, any>;
  /** The thresholds in words, for the Alerts page. */
  describe(params: P): string;
  evaluate(targets: RuleTarget<P>[], now: Date): Promise<AlertCondition[]>;
}

export function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** Targets that share thresholds, so that a rule for all sources costs one query, not one per source. */
export function groupByParams<P>(targets: RuleTarget<P>[]): Array<{ params: P; sources: WatchedSource[] }> {
  const groups = new Map<string, { params: P; sources: WatchedSource[] }>();
  for (const target of targets) {
    const key = JSON.stringify(target.params);
    const group = groups.get(key) ?? { params: target.params, sources: [] };
    group.sources.push(target.source);
    groups.set(key, group);
  }
  return [...groups.values()];
}
