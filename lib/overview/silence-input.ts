import { z } from "zod";

// The silence threshold as the form sends it: off, or an amount of minutes or hours. Stored in
// minutes; at most 30 days (a sender silent longer than that is better noticed by other means).

export const MAX_SILENCE_MINUTES = 30 * 24 * 60;

export const silenceAlertSchema = z
  .discriminatedUnion(
    "unit",
    [
      z.object({ unit: z.literal("off") }),
      z.object({ unit: z.enum(["minutes", "hours"]), amount: z.coerce.number("Enter a number.").int("Enter a whole number.").min(1, "Enter at least 1.") }),
    ],
    { error: "Choose minutes, hours or off." },
  )
  .transform((input) => (input.unit === "off" ? null : input.unit === "hours" ? input.amount * 60 : input.amount))
  .refine((minutes) => minutes === null || minutes <= MAX_SILENCE_MINUTES, "At most 30 days (720 hours).");
