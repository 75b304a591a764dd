import { scaleBand } from "d3-scale";
import { figureText, plottedSeries, type Chart } from "~/modules/reporting/dashboard-charts.ts";
import { valueScale } from "./axes.tsx";
import { ChartFigure } from "./chart-frame.tsx";
import { fillOf } from "./palette.ts";

const ROW = 26;
const LABEL = 200;
const WIDTH = 720;

/** One bar per category (a source, a queue, a label, a moderator) for the first drawn series, its figure at the end. */
export function HorizontalBars({ chart, csvHref }: { chart: Chart; csvHref: string }) {
  const [series] = plottedSeries(chart);
  const values = series?.values ?? [];
  const height = Math.max(1, chart.categories.length) * ROW + 8;
  const x = valueScale(chart, Math.max(0, ...values.map((v) => v ?? 0)), 0, [LABEL, WIDTH - 70]);
  const y = scaleBand<number>()
    .domain(chart.categories.map((_, i) => i))
    .range([4, height - 4])
    .paddingInner(0.25);
  const unit = chart.unit === "percent" ? "%" : "";
  return (
    <ChartFigure chart={chart} csvHref={csvHref} width={WIDTH} height={height}>
      {chart.categories.length === 0 ? (
        <text x={WIDTH / 2} y={ROW / 2 + 6} textAnchor="middle" className="fill-slate-600 text-[13px]">
          Nothing was counted in this range.
        </text>
      ) : null}
      <g aria-hidden="true">
        {chart.categories.map((c, i) => {
          const v = values[i] ?? null;
          const top = y(i) ?? 0;
          const end = v === null ? LABEL : x(v);
          return (
            <g key={`${c}-${i}`}>
              <text x={LABEL - 8} y={top + y.bandwidth() / 2 + 4} textAnchor="end" className="fill-slate-700 text-[12px]">
                {c.length > 30 ? `${c.slice(0, 29)}…` : c}
              </text>
              {v !== null && v > 0 ? <rect x={LABEL} y={top} width={Math.max(2, end - LABEL)} height={y.bandwidth()} rx={2} className={fillOf(0)} /> : null}
              <text x={end + 6} y={top + y.bandwidth() / 2 + 4} className="fill-slate-900 text-[12px]">
                {v === null ? "no figures" : `${figureText(v)}${unit}`}
              </text>
            </g>
          );
        })}
        <line x1={LABEL} x2={LABEL} y1={0} y2={height} className="stroke-slate-400" />
      </g>
    </ChartFigure>
  );
}
