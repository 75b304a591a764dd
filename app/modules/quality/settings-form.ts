import { z } from "zod";

/** The settings form (leads): every field bounded, so a setting cannot switch a safeguard off by accident. */
export const QualitySettingsForm = z.object({
  calibrationPercent: z.coerce.number().min(0, "At least 0%.").max(50, "At most 50%: calibration must stay a sample of the work."),
  showExplanation: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
  shiftHours: z.coerce.number().int("Whole hours.").min(1, "At least 1 hour.").max(24, "At most 24 hours."),
  // Empty means no cap.
  highSeverityCap: z.preprocess(
    (v) => (v === "" || v === undefined || v === null ? null : v),
    z.coerce.number().int("A whole number.").min(0).max(1000).nullable(),
  ),
  highSeverityFrom: z.coerce.number().int().min(1, "Severity 1 or higher.").max(4, "Severity 4 is the highest."),
});
