import { scaleBand } from "d3-scale";
import { stack } from "d3-shape";
import { plottedSeries, type Chart } from "~/modules/reporting/dashboard-charts.ts";
import { axisLabel, labelledIndexes, PLOT, ValueGrid, valueScale } from "./axes.tsx";
import { ChartFigure } from "./chart-frame.tsx";
import { fillOf } from "./palette.ts";

/**
 * Columns with their series stacked: over days for stacked counts, or over duration bins (adjacent
 * columns, every bin named) for a histogram.
 */
export function Columns({ chart, csvHref, adjacent }: { chart: Chart; csvHref: string; adjacent: boolean }) {
  const { width, height, left, right, top, bottom } = PLOT;
  const drawn = plottedSeries(chart);
  const rows = chart.categories.map((_, i) => Object.fromEntries(drawn.map((s) => [s.key, s.values[i] ?? 0])));
  const layers = stack<Record<string, number>>().keys(drawn.map((s) => s.key))(rows);
  const max = Math.max(0, ...rows.map((r) => Object.values(r).reduce((a, b) => a + b, 0)));
  const y = valueScale(chart, max, 0, [height - bottom, top]);
  const x = scaleBand<number>()
    .domain(chart.categories.map((_, i) => i))
    .range([left + 4, width - right])
    .paddingInner(adjacent ? 0.04 : 0.2);
  const labelled = adjacent ? labelledIndexes(chart.categories.length, chart.categories.length) : labelledIndexes(chart.categories.length, 10);
  return (
    <ChartFigure chart={chart} csvHref={csvHref} width={width} height={height}>
      <ValueGrid y={y} chart={chart} x1={left} x2={width - right} />
      {layers.map((layer, si) => (
        <g key={layer.key} className={fillOf(si)}>
          {layer.map(([y0, y1], i) => (y1 > y0 ? <rect key={i} x={x(i)} y={y(y1)} width={x.bandwidth()} height={y(y0) - y(y1)} /> : null))}
        </g>
      ))}
      <g aria-hidden="true">
        {chart.categories.map((c, i) =>
          labelled.has(i) ? (
            <text key={c} x={(x(i) ?? 0) + x.bandwidth() / 2} y={height - bottom + 16} textAnchor="middle" className="fill-slate-600 text-[11px]">
              {axisLabel(c)}
            </text>
          ) : null,
        )}
      </g>
    </ChartFigure>
  );
}

export const StackedColumns = (props: { chart: Chart; csvHref: string }) => <Columns {...props} adjacent={false} />;
export const Histogram = (props: { chart: Chart; csvHref: string }) => <Columns {...props} adjacent />;
