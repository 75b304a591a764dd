// The console's transparency report request: a period of whole UTC days (from and to both included)
// and a platform or all of them. Without a period, the current half-year so far: the harmonised reports
// under Implementing Regulation (EU) 2024/2835 cover calendar half-years, and the one under way is the
// one a lead follows; the page offers the last full half-year (the report to file) and the years beside it.
import { z } from "zod";
import { db } from "~/db.server.ts";
import { DashboardRange, type DayRange } from "./days.ts";

export const TransparencyQuery = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  platform: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((v) => (v ? v : null)),
});

/** The last calendar half-year that has ended by `today` (YYYY-MM-DD). */
export function lastFullHalfYear(today: string): DayRange {
  const year = Number(today.slice(0, 4));
  return today.slice(5) >= "07-01" ? { from: `${year}-01-01`, to: `${year}-06-30` } : { from: `${year - 1}-07-01`, to: `${year - 1}-12-31` };
}

/** The calendar half-year `today` falls in, up to `today`. */
export function currentHalfYearSoFar(today: string): DayRange {
  return { from: `${today.slice(0, 4)}-${today.slice(5) >= "07-01" ? "07" : "01"}-01`, to: today };
}

/** The periods the page offers with one click. */
export function periodPresets(today: string): { label: string; period: DayRange }[] {
  const year = Number(today.slice(0, 4));
  return [
    { label: "This half-year so far", period: currentHalfYearSoFar(today) },
    { label: "Last full half-year", period: lastFullHalfYear(today) },
    { label: "This year so far", period: { from: `${year}-01-01`, to: today } },
    { label: `${year - 1}`, period: { from: `${year - 1}-01-01`, to: `${year - 1}-12-31` } },
  ];
}

export type TransparencyRequest = { period: DayRange; platform: string | null };

/** Reads the query string; a ZodError for bad dates (both are needed, at most 731 days). */
export function parseTransparencyQuery(params: URLSearchParams, today: string): z.SafeParseReturnType<unknown, TransparencyRequest> {
  const raw = TransparencyQuery.safeParse(Object.fromEntries(params));
  if (!raw.success) return raw as z.SafeParseError<unknown>;
  const { from, to, platform } = raw.data;
  if (!from && !to) return { success: true, data: { period: currentHalfYearSoFar(today), platform } };
  const range = DashboardRange.safeParse({ from, to });
  if (!range.success) return range as z.SafeParseError<unknown>;
  return { success: true, data: { period: { from: range.data.from!, to: range.data.to! }, platform } };
}

/** The platforms that have items: a skip scan of the (platform, externalId) key, one probe each. */
export async function platformsWithItems(): Promise<string[]> {
  const rows = await db.$queryRaw<{ platform: string | null }[]>`
    WITH RECURSIVE p("platform") AS (
      SELECT MIN("platform") FROM "Item"
      UNION ALL
      SELECT (SELECT MIN(x."platform") FROM "Item" x WHERE x."platform" > p."platform") FROM p WHERE p."platform" IS NOT NULL
    )
    SELECT "platform" FROM p WHERE "platform" IS NOT NULL`;
  return rows.map((r) => r.platform as string);
}
