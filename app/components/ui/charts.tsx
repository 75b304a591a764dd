import { useId } from "react";

export type Bar = { label: string; value: number };

// Fill classes, not colours in attributes: the CSP allows no inline styles, and Tailwind's fill-* utilities are stylesheet rules.
const FILLS = ["fill-blue-700", "fill-red-700", "fill-amber-600", "fill-purple-700", "fill-slate-500", "fill-green-700"];
const SWATCHES = ["bg-blue-700", "bg-red-700", "bg-amber-600", "bg-purple-700", "bg-slate-500", "bg-green-700"];

/** Horizontal bars, drawn as SVG, with the same numbers in a table for screen readers. */
export function BarChart({ title, bars, unit = "" }: { title: string; bars: Bar[]; unit?: string }) {
  const id = useId();
  const max = Math.max(1, ...bars.map((b) => b.value));
  const row = 28;
  const labelWidth = 170;
  const width = 520;
  return (
    <figure className="rounded border border-slate-200 bg-white p-4">
      <figcaption id={`${id}-title`} className="mb-2 font-medium">
        {title}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${bars.length * row + 4}`} className="w-full max-w-xl" role="img" aria-labelledby={`${id}-title`}>
        {bars.map((b, i) => {
          const w = Math.round(((width - labelWidth - 60) * b.value) / max);
          return (
            <g key={b.label} transform={`translate(0, ${i * row + 2})`}>
              <text x={labelWidth - 8} y={18} textAnchor="end" className="fill-slate-700 text-[13px]">
                {b.label}
              </text>
              <rect x={labelWidth} y={4} width={Math.max(w, b.value > 0 ? 2 : 0)} height={18} rx={2} className={FILLS[0]} />
              <text x={labelWidth + w + 6} y={18} className="fill-slate-900 text-[13px]">
                {b.value}
                {unit}
              </text>
            </g>
          );
        })}
      </svg>
      <table className="sr-only">
        <caption>{title}</caption>
        <tbody>
          {bars.map((b) => (
            <tr key={b.label}>
              <th scope="row">{b.label}</th>
              <td>
                {b.value}
                {unit}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export type StackedColumn = { label: string; parts: Record<string, number> };

/** Columns stacked by series (for example decisions per day by action), with a legend and a data table. */
export function StackedColumns({ title, series, columns }: { title: string; series: string[]; columns: StackedColumn[] }) {
  const id = useId();
  const totals = columns.map((c) => series.reduce((sum, s) => sum + (c.parts[s] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const height = 180;
  const top = 16; // room for the tallest column's total
  const colWidth = 32;
  const gap = 10;
  const width = columns.length * (colWidth + gap) + 30;
  return (
    <figure className="rounded border border-slate-200 bg-white p-4">
      <figcaption id={`${id}-title`} className="mb-2 font-medium">
        {title}
      </figcaption>
      <ul className="mb-2 flex flex-wrap gap-4 text-sm" aria-hidden="true">
        {series.map((s, i) => (
          <li key={s} className="flex items-center gap-1">
            <span className={`inline-block h-3 w-3 rounded-sm ${SWATCHES[i % SWATCHES.length]}`} />
            {s}
          </li>
        ))}
      </ul>
      <svg viewBox={`0 ${-top} ${width} ${height + 40 + top}`} className="w-full" role="img" aria-labelledby={`${id}-title`}>
        {columns.map((c, ci) => {
          let y = height;
          const x = 20 + ci * (colWidth + gap);
          return (
            <g key={c.label}>
              {series.map((s, si) => {
                const h = Math.round((height * (c.parts[s] ?? 0)) / max);
                y -= h;
                return h > 0 ? <rect key={s} x={x} y={y} width={colWidth} height={h} className={FILLS[si % FILLS.length]} /> : null;
              })}
              <text x={x + colWidth / 2} y={height - (height * totals[ci]) / max - 4} textAnchor="middle" className="fill-slate-900 text-[11px]">
                {totals[ci] || ""}
              </text>
              <text x={x + colWidth / 2} y={height + 16} textAnchor="middle" className="fill-slate-600 text-[11px]">
                {c.label}
              </text>
            </g>
          );
        })}
        <line x1={15} x2={width} y1={height} y2={height} className="stroke-slate-300" />
      </svg>
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {series.map((s) => (
              <th key={s} scope="col">
                {s}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {columns.map((c) => (
            <tr key={c.label}>
              <th scope="row">{c.label}</th>
              {series.map((s) => (
                <td key={s}>{c.parts[s] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
