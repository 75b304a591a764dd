import { z } from "zod";

// The transparency report's shape (DSA Art. 15 and 24, after the harmonised templates of
// Implementing Regulation (EU) 2024/2835; TCO Regulation Art. 7): every figure a named field with
// its value, what it counts, and a link to the audit search that re-counts it. The API answers it
// as JSON, the OpenAPI document describes it from here, and the page and CSV walk it as rows.
// See docs/decisions/048-transparency-report.md.

export const Figure = z
  .object({
    label: z.string().describe("What the figure is, in words."),
    value: z.number().nullable().describe("The count; a duration in seconds for medians; a share between 0 and 1 for shares; null when nothing was counted."),
    unit: z.enum(["count", "seconds", "share"]),
    resolution: z
      .union([z.enum(["minute", "hour", "day"]), z.null()])
      .optional()
      .describe("For medians: durations are counted in whole minutes under 2 hours, whole hours under 7 days, whole days beyond."),
    rule: z.string().describe("One line saying what is counted."),
    recount: z.string().nullable().describe("Path and query of the console's audit search that re-counts the figure; null where no search can."),
  })
  .strict();
export type Figure = z.infer<typeof Figure>;

const figures = <K extends string>(keys: readonly K[]) => z.object(Object.fromEntries(keys.map((k) => [k, Figure])) as Record<K, typeof Figure>).strict();

const byActionType = figures(["no_action", "remove", "restrict"] as const);
const byGround = figures(["order", "terms"] as const);
const medians = figures(["all", "order", "terms"] as const);
const outcomes = figures(["upheld", "overturned", "modified"] as const);

export const TransparencyReport = z
  .object({
    period: z.object({ from: z.string().describe("First day, UTC (included)."), to: z.string().describe("Last day, UTC (included).") }).strict(),
    platform: z.string().nullable().describe("The platform reported on; null for every platform."),
    generatedAt: z.string().describe("When the report was computed (ISO 8601)."),
    dsa: z
      .object({
        notices: z
          .object({
            total: Figure,
            bySource: figures(["user_notice", "trusted_flagger", "authority_referral", "removal_order"] as const),
            ownInitiative: figures(["automated_detection"] as const),
            byCategory: z.record(Figure).describe("Notices by category (the reason given), keyed by reason."),
          })
          .strict(),
        actions: z
          .object({
            total: Figure,
            byType: byActionType,
            byGround,
            byGroundAndType: z.object({ order: byActionType, terms: byActionType }).strict(),
            medianTimeToDecision: medians,
          })
          .strict(),
        automatedMeans: z
          .object({
            statement: z.string(),
            decidedByPerson: Figure,
            appliedToCopies: Figure,
            automatedDetectionNotices: Figure,
            decidedByAutomationAlone: Figure,
          })
          .strict(),
        complaints: z
          .object({
            received: Figure,
            byBasis: figures(["content_author", "notifier"] as const),
            byGround,
            decided: Figure,
            byOutcome: outcomes,
            medianTimeToDecide: medians,
            reversals: figures(["afterComplaint", "qualityCorrections"] as const),
          })
          .strict(),
      })
      .strict(),
    tco: z
      .object({
        removalOrdersReceived: Figure,
        itemsActioned: figures(["total", "removed", "restricted"] as const),
        withinOneHour: figures(["share", "met", "missed"] as const),
        complaints: z.object({ received: Figure, byOutcome: outcomes }).strict(),
      })
      .strict(),
  })
  .strict();
export type TransparencyReport = z.infer<typeof TransparencyReport>;

export type FigureRow = { section: string; figure: string; breakdown: string; path: string } & Figure;

const isFigure = (v: unknown): v is Figure => typeof v === "object" && v !== null && "rule" in v && "value" in v;

/**
 * Every figure of a report as a row, in the report's order: section (e.g. "dsa.notices"), figure
 * (its field) and breakdown (the rest of its path, e.g. "user_notice"). The page and the CSV use these.
 */
export function figureRows(report: TransparencyReport): FigureRow[] {
  const out: FigureRow[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (isFigure(value)) {
      // The TCO figures are one section; the DSA's each have their own.
      const [law, ...rest] = path;
      const section = law === "tco" ? "tco" : `${law}.${rest.shift()}`;
      const [figure, ...breakdown] = rest;
      out.push({ section, figure, breakdown: breakdown.join("."), path: path.join("."), ...value });
      return;
    }
    if (typeof value !== "object" || value === null) return;
    for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(report.dsa, ["dsa"]);
  walk(report.tco, ["tco"]);
  return out;
}

export const SECTION_TITLES: Record<string, string> = {
  "dsa.notices": "Notices received (DSA Art. 15(1)(b))",
  "dsa.actions": "Actions taken (DSA Art. 15(1)(b) and (c))",
  "dsa.automatedMeans": "Use of automated means (DSA Art. 15(1)(c) and (e))",
  "dsa.complaints": "Complaints through the internal complaint-handling system (DSA Art. 15(1)(d))",
  tco: "Removal orders for terrorist content (TCO Regulation Art. 7(3))",
};

/** Rows grouped under their tables' headings, in order. */
export function figureTables(report: TransparencyReport): { title: string; rows: FigureRow[] }[] {
  const tables: { title: string; rows: FigureRow[] }[] = [];
  for (const row of figureRows(report)) {
    const title = SECTION_TITLES[row.section] ?? row.section;
    const last = tables[tables.length - 1];
    if (last && last.title === title) last.rows.push(row);
    else tables.push({ title, rows: [row] });
  }
  return tables;
}

/** A figure's value as people read it. */
export function formatFigure(f: Pick<Figure, "value" | "unit">): string {
  if (f.value === null) return "—";
  if (f.unit === "share") return `${(f.value * 100).toFixed(1)} %`;
  if (f.unit === "seconds") {
    const s = f.value;
    if (s < 7200) return `${Math.round(s / 60)} min`;
    if (s < 604_800) return `${Math.round(s / 3600)} h`;
    return `${Math.round(s / 86_400)} days`;
  }
  return f.value.toLocaleString("en");
}
