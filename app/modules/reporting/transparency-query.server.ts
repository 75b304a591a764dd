// The console's transparency report request: a period of whole UTC days (from and to both included)
// and a platform or all of them. Without a period, the last full half-year: the harmonised reports
// under Implementing Regulation (EU) 2024/2835 cover calendar half-years, so that is the report a
// reader most likely files, and its figures no longer change.
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

export type TransparencyRequest = { period: DayRange; platform: string | null };

/** Reads the query string; a ZodError for bad dates (both are needed, at most 731 days). */
export function parseTransparencyQuery(params: URLSearchParams, today: string): z.SafeParseReturnType<unknown, TransparencyRequest> {
  const raw = TransparencyQuery.safeParse(Object.fromEntries(params));
  if (!raw.success) return raw as z.SafeParseError<unknown>;
  const { from, to, platform } = raw.data;
  if (!from && !to) return { success: true, data: { period: lastFullHalfYear(today), platform } };
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
