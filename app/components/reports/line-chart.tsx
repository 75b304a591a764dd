import { scalePoint } from "d3-scale";
import { line } from "d3-shape";
import { plottedSeries, type Chart } from "~/modules/reporting/dashboard-charts.ts";
import { axisLabel, labelledIndexes, PLOT, ValueGrid, valueScale } from "./axes.tsx";
import { ChartFigure } from "./chart-frame.tsx";
import { dashOf, fillOf, strokeOf } from "./palette.ts";

/** Several series over days (or weeks) as lines; a gap where a figure is missing (a share of nothing). */
export function LineChart({ chart, csvHref }: { chart: Chart; csvHref: string }) {
  const { width, height, left, right, top, bottom } = PLOT;
  const drawn = plottedSeries(chart);
  const values = drawn.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const y = valueScale(chart, Math.max(0, ...values), Math.min(0, ...values), [height - bottom, top]);
  const x = scalePoint<number>()
    .domain(chart.categories.map((_, i) => i))
    .range([left + 8, width - right - 8])
    .align(0.5);
  const labelled = labelledIndexes(chart.categories.length, 10);
  const dots = chart.categories.length <= 62;
  return (
    <ChartFigure chart={chart} csvHref={csvHref} width={width} height={height}>
      <ValueGrid y={y} chart={chart} x1={left} x2={width - right} />
      <g aria-hidden="true">
        {chart.categories.map((c, i) =>
          labelled.has(i) ? (
            <text key={c} x={x(i)} y={height - bottom + 16} textAnchor="middle" className="fill-slate-600 text-[11px]">
              {axisLabel(c)}
            </text>
          ) : null,
        )}
      </g>
      {drawn.map((s, si) => {
        const path = line<number | null>()
          .defined((v) => v !== null)
          .x((_, i) => x(i) ?? 0)
          .y((v) => y(v ?? 0))(s.values);
        return (
          <g key={s.key}>
            {path ? <path d={path} fill="none" strokeWidth={2.5} strokeDasharray={dashOf(si)} className={strokeOf(si)} /> : null}
            {dots ? s.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={2.5} className={fillOf(si)} />)) : null}
          </g>
        );
      })}
    </ChartFigure>
  );
}
