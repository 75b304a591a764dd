// What a dashboard chart is, as plain data: the categories along one axis (days, weeks, bins, queues)
// and one or more named series of figures. The chart, its data table, its text summary and its CSV
// are all drawn from this one value, so the picture, the table and the download cannot disagree.
import type { CsvValue } from "~/modules/reports/csv.ts";
import { type DayRange, daysOf, daysBetween, WEEKS_FROM_DAYS, weekStart } from "./days.ts";

export type ChartKind = "line" | "stacked" | "histogram" | "bars";

export type ChartSeries = {
  key: string;
  name: string;
  /** One figure per category; null where there is nothing to state (a share of no decisions). */
  values: (number | null)[];
  /** Drawn in the chart; series that are not drawn are still columns of the table and the CSV. */
  plotted?: boolean;
  /** When it differs from the chart's (a count of met deadlines beside the share met). */
  unit?: Unit;
};

export type Unit = "count" | "percent" | "kappa";

export type Chart = {
  /** Unique on its dashboard; names the CSV. */
  id: string;
  kind: ChartKind;
  title: string;
  /** The heading of the category column ("Day", "Week starting", "Time to decision", "Queue"). */
  categoryName: string;
  categories: string[];
  series: ChartSeries[];
  /** What the drawn figures are: counts, or percentages (0–100), or a statistic between -1 and 1. */
  unit: Unit;
};

export const plottedSeries = (chart: Chart) => chart.series.filter((s) => s.plotted !== false);

/** A figure as the table and the CSV write it: whole counts, percentages and kappas to one and three decimals. */
export function figure(value: number | null, unit: Unit): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  if (unit === "kappa") return Math.round(value * 1000) / 1000;
  return Math.round(value * 10) / 10;
}

export const figureText = (value: number | null) => (value === null ? "—" : value.toLocaleString("en", { maximumFractionDigits: 3 }));

/** A share in percent, or null when there is nothing to share out. */
export const percent = (part: number, whole: number): number | null => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);

const UNIT_WORDS: Record<Unit, string> = { count: "", percent: "%", kappa: "" };

/**
 * One sentence a screen reader reads for the picture: the total or the range of each drawn series,
 * and where it peaks.
 */
export function chartSummary(chart: Chart): string {
  const drawn = plottedSeries(chart);
  if (chart.categories.length === 0 || drawn.every((s) => s.values.every((v) => v === null || v === 0)))
    return `${chart.title}: nothing was counted in this range.`;
  const unit = UNIT_WORDS[chart.unit];
  const parts = drawn.map((s) => {
    let hi = -1;
    let lo = -1;
    let total = 0;
    s.values.forEach((v, i) => {
      if (v === null) return;
      total += v;
      if (hi < 0 || v > (s.values[hi] ?? 0)) hi = i;
      if (lo < 0 || v < (s.values[lo] ?? 0)) lo = i;
    });
    if (hi < 0) return `${s.name}: no figures`;
    const high = `highest ${figureText(figure(s.values[hi], chart.unit))}${unit} (${chart.categories[hi]})`;
    const low = `lowest ${figureText(figure(s.values[lo], chart.unit))}${unit} (${chart.categories[lo]})`;
    return chart.unit === "count" ? `${s.name}: total ${figureText(total)}, ${high}, ${low}` : `${s.name}: ${high}, ${low}`;
  });
  return `${chart.title}, ${chart.categories.length} ${chart.categoryName.toLowerCase()} rows. ${parts.join("; ")}.`;
}

/** The chart's figures as rows of cells, headings first: what the table shows and the CSV holds. */
export function chartRows(chart: Chart): CsvValue[][] {
  return [
    [chart.categoryName, ...chart.series.map((s) => s.name)],
    ...chart.categories.map((c, i) => [c, ...chart.series.map((s) => figure(s.values[i] ?? null, s.unit ?? chart.unit))]),
  ];
}

/**
 * Days for ranges up to a quarter, weeks beyond (a year of daily columns reads as noise). A week
 * starts on Monday; the first and last may be cut by the range.
 */
export type Buckets = { size: "day" | "week"; labels: string[]; of: (day: string) => number };

export function bucketsOf(range: DayRange, size: "day" | "week" = daysBetween(range.from, range.to) + 1 > WEEKS_FROM_DAYS ? "week" : "day"): Buckets {
  const days = daysOf(range);
  if (size === "day") {
    const index = new Map(days.map((d, i) => [d, i]));
    return { size, labels: days, of: (d) => index.get(d) ?? -1 };
  }
  const labels: string[] = [];
  const index = new Map<string, number>();
  for (const d of days) {
    const monday = weekStart(d);
    if (labels[labels.length - 1] !== monday) labels.push(monday);
    index.set(d, labels.length - 1);
  }
  return { size, labels, of: (d) => index.get(d) ?? -1 };
}

export const bucketName = (b: Buckets) => (b.size === "day" ? "Day" : "Week starting");
