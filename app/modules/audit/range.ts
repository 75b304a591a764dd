import { z } from "zod";

const MAX_RANGE_DAYS = 3660;

function instant(name: string) {
  return z
    .string({ required_error: `${name} is required: an ISO 8601 time such as 2025-11-01T00:00:00Z.` })
    .trim()
    .min(1, `${name} is required: an ISO 8601 time such as 2025-11-01T00:00:00Z.`)
    .transform((v, ctx) => {
      // A bare date-time from <input type="datetime-local"> has no zone; Docket reads it as UTC.
      const d = new Date(/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(v) ? `${v}Z` : v);
      if (Number.isNaN(d.getTime())) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${name} is not a valid time; use ISO 8601, e.g. 2025-11-01T00:00:00Z.` });
        return z.NEVER;
      }
      return d;
    })
    .describe(`An ISO 8601 time, e.g. 2025-11-01T00:00:00Z (without a zone, UTC). The range [from, to) spans at most ${MAX_RANGE_DAYS} days.`);
}

/** A half-open time range [from, to) for exports. */
export const TimeRange = z.object({ from: instant("from"), to: instant("to") }).superRefine((r, ctx) => {
  // Zod still runs object checks when a field failed to parse; its own issue already says why.
  if (!(r.from instanceof Date) || !(r.to instanceof Date)) return;
  if (r.from >= r.to) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "from must be before to.", path: ["to"] });
  else if (r.to.getTime() - r.from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `A range spans at most ${MAX_RANGE_DAYS} days.`, path: ["to"] });
  }
});
export type TimeRange = z.infer<typeof TimeRange>;
