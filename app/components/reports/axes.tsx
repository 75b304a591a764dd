import { scaleLinear, type ScaleLinear } from "d3-scale";
import type { Chart } from "~/modules/reporting/dashboard-charts.ts";

/** The plotting area inside a chart's viewBox, with room for the axes' labels. */
export const PLOT = { width: 720, height: 260, left: 48, right: 16, top: 12, bottom: 44 };

/** The value scale: from zero (or the lowest kappa) to a nice top, with its ticks. */
export function valueScale(chart: Chart, max: number, min: number, range: [number, number]): ScaleLinear<number, number> {
  const top = chart.unit === "percent" ? 100 : chart.unit === "kappa" ? 1 : Math.max(1, max);
  const bottom = chart.unit === "kappa" ? Math.min(0, min) : 0;
  const scale = scaleLinear().domain([bottom, top]).range(range);
  return chart.unit === "count" ? scale.nice(5) : scale;
}

export const tickText = (v: number, chart: Chart) => (chart.unit === "percent" ? `${v}%` : chart.unit === "kappa" ? v.toFixed(1) : v.toLocaleString("en"));

/** Horizontal grid lines and the value labels to their left. */
export function ValueGrid({ y, chart, x1, x2 }: { y: ScaleLinear<number, number>; chart: Chart; x1: number; x2: number }) {
  const ticks = chart.unit === "count" ? y.ticks(5).filter(Number.isInteger) : y.ticks(5);
  return (
    <g aria-hidden="true">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x1} x2={x2} y1={y(t)} y2={y(t)} className={t === 0 ? "stroke-slate-400" : "stroke-slate-200"} />
          <text x={x1 - 6} y={y(t) + 4} textAnchor="end" className="fill-slate-600 text-[11px]">
            {tickText(t, chart)}
          </text>
        </g>
      ))}
    </g>
  );
}

/** Which categories get a label under the axis: all of them when they fit, else evenly spaced ones. */
export function labelledIndexes(count: number, room: number): Set<number> {
  if (count <= room) return new Set(Array.from({ length: count }, (_, i) => i));
  const step = Math.ceil(count / room);
  const out = new Set<number>();
  for (let i = 0; i < count; i += step) out.add(i);
  return out;
}

/** A day as the axis shows it: month and day (the table and the CSV carry the full date). */
export const axisLabel = (category: string) => (/^\d{4}-\d{2}-\d{2}$/.test(category) ? category.slice(5) : category);
