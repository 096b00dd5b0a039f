// How long the old secret keeps verifying after a rotation: long enough to update the sender,
// short enough that a leaked secret stops working soon. Shared by the rotate form and action.

export const OLD_SECRET_EXPIRY_PRESETS = [
  { value: "1h", label: "1 hour", ms: 60 * 60 * 1000 },
  { value: "24h", label: "24 hours", ms: 24 * 60 * 60 * 1000 },
  { value: "7d", label: "7 days", ms: 7 * 24 * 60 * 60 * 1000 },
] as const;

export type ExpiryPreset = (typeof OLD_SECRET_EXPIRY_PRESETS)[number]["value"];

export const DEFAULT_EXPIRY_PRESET: ExpiryPreset = "24h";

export function expiryFromPreset(preset: ExpiryPreset, now: Date = new Date()): Date {
  const found = OLD_SECRET_EXPIRY_PRESETS.find((option) => option.value === preset);
  if (!found) throw new Error(`unknown expiry preset ${preset}`);
  return new Date(now.getTime() + found.ms);
}
