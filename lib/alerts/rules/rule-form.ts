// The Alerts page's rule form speaks minutes and days; rules store seconds. Empty fields are
// left out, so the rule kind's defaults apply.

const MINUTES = (form: FormData, name: string) => number(form, name, 60);

export function ruleParamsFromForm(kind: string, form: FormData): Record<string, unknown> {
  if (kind === "silence") return compact({ thresholdSeconds: MINUTES(form, "silenceMinutes") });
  if (kind === "failure_rate")
    return compact({ percent: number(form, "percent"), minDeliveries: number(form, "minDeliveries"), windowSeconds: MINUTES(form, "windowMinutes") });
  if (kind === "credential")
    return compact({ expiringWithinDays: number(form, "expiringWithinDays"), retiredUseWindowSeconds: MINUTES(form, "retiredWindowMinutes") });
  if (kind === "forwarding_backlog") return compact({ thresholdSeconds: MINUTES(form, "backlogMinutes") });
  return {};
}

function number(form: FormData, name: string, factor = 1): number | undefined {
  const text = String(form.get(name) ?? "").trim();
  if (text === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? Math.round(value * factor) : Number.NaN;
}

function compact(params: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(params).filter((entry): entry is [string, number] => entry[1] !== undefined));
}
