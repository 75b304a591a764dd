import type { ReactNode } from "react";
import { chartRows, chartSummary, figureText, plottedSeries, type Chart } from "~/modules/reporting/dashboard-charts.ts";
import { dashOf, strokeOf, swatchOf } from "./palette.ts";

export const chartIds = (chart: Chart) => ({ title: `chart-${chart.id}-title`, desc: `chart-${chart.id}-desc`, caption: `chart-${chart.id}-caption` });

/**
 * A chart as a figure: a visible caption, the picture (an SVG named by its title and described by a
 * one-sentence summary), a legend naming each drawn series, the figures as a table, and their CSV.
 * Everything renders on the server; nothing needs JavaScript.
 */
export function ChartFigure({
  chart,
  csvHref,
  width,
  height,
  children,
}: {
  chart: Chart;
  csvHref: string;
  width: number;
  height: number;
  children: ReactNode;
}) {
  const ids = chartIds(chart);
  const drawn = plottedSeries(chart);
  return (
    <figure aria-labelledby={ids.caption} className="rounded border border-slate-200 bg-white p-4">
      <figcaption id={ids.caption} className="mb-2 font-medium">
        {chart.title}
      </figcaption>
      {drawn.length > 1 ? <Legend chart={chart} /> : null}
      <svg viewBox={`0 0 ${width} ${height}`} className="h-auto w-full" role="img" aria-labelledby={ids.title} aria-describedby={ids.desc}>
        <title id={ids.title}>{chart.title}</title>
        <desc id={ids.desc}>{chartSummary(chart)}</desc>
        {children}
      </svg>
      <details open className="mt-3 text-sm">
        <summary className="cursor-pointer text-slate-700">Figures</summary>
        <ChartTable chart={chart} />
      </details>
      <p className="mt-2 text-sm">
        <a href={csvHref} download className="text-blue-800 underline hover:text-blue-950">
          Download CSV<span className="sr-only"> of {chart.title}</span>
        </a>
      </p>
    </figure>
  );
}

function Legend({ chart }: { chart: Chart }) {
  return (
    <ul className="mb-2 flex flex-wrap gap-x-4 gap-y-1 text-sm" aria-label={`Legend: ${chart.title}`}>
      {plottedSeries(chart).map((s, i) => (
        <li key={s.key} className="flex items-center gap-1.5">
          {chart.kind === "line" ? (
            <svg width="22" height="10" aria-hidden="true" className="overflow-visible">
              <line x1="1" x2="21" y1="5" y2="5" strokeWidth="2.5" strokeDasharray={dashOf(i)} className={strokeOf(i)} />
            </svg>
          ) : (
            <span aria-hidden="true" className={`inline-block h-3 w-3 rounded-sm ${swatchOf(i)}`} />
          )}
          {s.name}
        </li>
      ))}
    </ul>
  );
}

/** The chart's figures as a table: the same rows the CSV holds. */
export function ChartTable({ chart }: { chart: Chart }) {
  const [head, ...rows] = chartRows(chart);
  return (
    // Long ranges scroll inside the figure; the region takes focus so a keyboard can scroll it too.
    <div className="mt-2 max-h-96 overflow-auto rounded border border-slate-200" role="region" aria-label={`${chart.title}: figures`} tabIndex={0}>
      <table className="min-w-full text-sm">
        <caption className="sr-only">{chart.title}: figures</caption>
        <thead className="sticky top-0 bg-slate-50 text-left">
          <tr>
            {head.map((h, i) => (
              <th key={String(h)} scope="col" className={`px-3 py-1.5${i > 0 ? " text-right" : ""}`}>
                {String(h)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={head.length} className="px-3 py-1.5 text-slate-600">
                Nothing was counted in this range.
              </td>
            </tr>
          ) : (
            rows.map(([category, ...cells]) => (
              <tr key={String(category)} className="border-t border-slate-100">
                <th scope="row" className="px-3 py-1.5 text-left font-normal">
                  {String(category)}
                </th>
                {cells.map((c, i) => (
                  <td key={i} className="px-3 py-1.5 text-right tabular-nums">
                    {figureText(c as number | null)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
