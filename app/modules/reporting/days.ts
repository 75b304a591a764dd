import { z } from "zod";

// The reports' time range: whole UTC days, both ends included, as the rollups count them.

export const MAX_REPORT_DAYS = 731;
export const PRESET_DAYS = [7, 30, 90, 365] as const;

export type DayRange = { from: string; to: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
// Years Docket can count in: a range must be able to step a day past its end without leaving four-digit years.
const FIRST_YEAR = 1970;
const LAST_YEAR = 9998;
const isDay = (v: string) => {
  if (!DAY.test(v)) return false;
  const year = Number(v.slice(0, 4));
  const t = Date.parse(`${v}T00:00:00Z`);
  return year >= FIRST_YEAR && year <= LAST_YEAR && !Number.isNaN(t) && new Date(t).toISOString().startsWith(v);
};

export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** Ranges longer than a quarter are read and drawn per week (a year of daily columns reads as noise). */
export const WEEKS_FROM_DAYS = 92;

/** The Monday of a day's week (UTC). */
export function weekStart(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/**
 * A range cut into the whole weeks (Monday to Sunday) inside it and the days before and after them,
 * so a long read takes a week's row where it can and days only at the edges.
 */
export function weekSpans(range: DayRange): { before: DayRange | null; weeks: DayRange | null; after: DayRange | null } {
  const start = range.from === weekStart(range.from) ? range.from : addDays(weekStart(range.from), 7);
  const lastMonday = addDays(weekStart(addDays(range.to, 1)), -7);
  if (lastMonday < start) return { before: range, weeks: null, after: null };
  return {
    before: start > range.from ? { from: range.from, to: addDays(start, -1) } : null,
    weeks: { from: start, to: lastMonday },
    after: addDays(lastMonday, 6) < range.to ? { from: addDays(lastMonday, 7), to: range.to } : null,
  };
}

/** Every day of the range, in order. */
export function daysOf(range: DayRange): string[] {
  const count = daysBetween(range.from, range.to) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(range.from, i));
}

const dayField = (name: string) => z.string().trim().refine(isDay, `${name} must be a date such as 2026-11-01.`);

/**
 * The dashboards' range from a query string: `days` (a preset ending today) or `from` and `to`
 * (dates, both included). Without either, the last 30 days.
 */
export const DashboardRange = z
  .object({
    days: z.coerce.number().int().min(1).max(MAX_REPORT_DAYS).optional(),
    from: dayField("from").optional(),
    to: dayField("to").optional(),
  })
  .superRefine((r, ctx) => {
    if ((r.from === undefined) !== (r.to === undefined))
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "Give both from and to, or neither.", path: ["to"] });
    else if (r.from && r.to) {
      if (r.from > r.to) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "from must not be after to.", path: ["to"] });
      else if (daysBetween(r.from, r.to) + 1 > MAX_REPORT_DAYS)
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `A range spans at most ${MAX_REPORT_DAYS} days.`, path: ["to"] });
    }
  });

export function resolveRange(input: z.infer<typeof DashboardRange>, today: string): DayRange {
  if (input.from && input.to) return { from: input.from, to: input.to };
  const days = input.days ?? 30;
  return { from: addDays(today, -(days - 1)), to: today };
}

/**
 * A transparency report's period from ISO times: [from, to) must fall on UTC midnights, since
 * figures are counted per UTC day. Answers the days, both included.
 */
export const ReportPeriod = z
  .object({
    from: z.string({ required_error: "from is required: a UTC midnight such as 2026-01-01T00:00:00Z, or a date." }).trim(),
    to: z.string({ required_error: "to is required: a UTC midnight such as 2026-07-01T00:00:00Z, or a date." }).trim(),
  })
  .transform((r, ctx): DayRange => {
    // A date, or a time with its zone (Z or an offset) on a UTC midnight; nothing is guessed or rolled over.
    const parse = (name: "from" | "to", v: string): string | null => {
      const zoned = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.exec(v);
      const t = isDay(v) ? Date.parse(`${v}T00:00:00Z`) : zoned && isDay(zoned[1]) ? Date.parse(v) : Number.NaN;
      if (Number.isNaN(t)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [name],
          message: `${name} is not a valid time; use a date (2026-01-01) or an ISO 8601 UTC midnight with its zone (2026-01-01T00:00:00Z).`,
        });
        return null;
      }
      if (t % 86_400_000 !== 0) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: `${name} must be a UTC midnight: figures are counted per UTC day.` });
        return null;
      }
      const day = new Date(t).toISOString().slice(0, 10);
      if (!isDay(day)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: `${name} is outside the years Docket counts in.` });
        return null;
      }
      return day;
    };
    const from = parse("from", r.from);
    const end = parse("to", r.to);
    if (!from || !end) return z.NEVER;
    if (end <= from) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["to"], message: "to must be after from." });
      return z.NEVER;
    }
    if (daysBetween(from, end) > MAX_REPORT_DAYS) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["to"], message: `A period spans at most ${MAX_REPORT_DAYS} days.` });
      return z.NEVER;
    }
    return { from, to: addDays(end, -1) };
  });
