// Times as operators read them: an absolute UTC minute (the server renders, and operators and
// logs agree on UTC) and a rough distance from now.

export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatDistance(date: Date, now: Date): string {
  const ms = date.getTime() - now.getTime();
  const abs = Math.abs(ms);
  const minutes = Math.round(abs / 60_000);
  let span: string;
  if (abs < 45_000) return "just now";
  if (minutes < 60) span = `${minutes} min`;
  else if (minutes < 36 * 60) span = `${Math.round(minutes / 60)} h`;
  else span = `${Math.round(minutes / (24 * 60))} days`;
  return ms < 0 ? `${span} ago` : `in ${span}`;
}
