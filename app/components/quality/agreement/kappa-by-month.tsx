import { useId } from "react";
import { GUIDANCE_KAPPA } from "~/modules/quality/agreement.ts";
import { ciText, fixed3, gapText, kappaText, type KappaFigures } from "./format.ts";

type MonthPoint = { month: string; pairs: number; action: KappaFigures };

/**
 * Kappa for the action per month, as points with their 95% intervals, and the same numbers in a
 * table beside the chart (not only for screen readers: the interval is read there).
 */
export function KappaByMonth({ months }: { months: MonthPoint[] }) {
  const id = useId();
  const height = 200;
  const left = 40;
  const step = 56;
  const width = left + Math.max(1, months.length) * step + 10;
  const low = Math.min(0, ...months.map((m) => m.action.ciLow ?? 0));
  const y = (v: number) => Math.round(height - ((v - low) / (1 - low)) * height);
  const ticks = [low, 0, GUIDANCE_KAPPA, 1].filter((t, i, all) => all.indexOf(t) === i);
  return (
    <figure className="grid gap-4 rounded border border-slate-200 bg-white p-4 lg:grid-cols-2">
      <div>
        <figcaption id={`${id}-title`} className="mb-2 font-medium">
          Kappa for the action by month of the second review
        </figcaption>
        <svg viewBox={`0 -10 ${width} ${height + 40}`} className="w-full max-w-xl" role="img" aria-labelledby={`${id}-title`}>
          {ticks.map((t) => (
            <g key={t}>
              <line
                x1={left}
                x2={width}
                y1={y(t)}
                y2={y(t)}
                className={t === GUIDANCE_KAPPA ? "stroke-amber-500" : "stroke-slate-200"}
                strokeDasharray={t === GUIDANCE_KAPPA ? "4 3" : undefined}
              />
              <text x={left - 6} y={y(t) + 4} textAnchor="end" className="fill-slate-600 text-[11px]">
                {t.toFixed(1)}
              </text>
            </g>
          ))}
          {months.map((m, i) => {
            const x = left + i * step + step / 2;
            const k = m.action;
            return (
              <g key={m.month}>
                {k.kappa !== null && k.ciLow !== null && k.ciHigh !== null ? (
                  <>
                    <line x1={x} x2={x} y1={y(k.ciLow)} y2={y(k.ciHigh)} className="stroke-blue-300" strokeWidth={3} />
                    <circle cx={x} cy={y(k.kappa)} r={5} className="fill-blue-800" />
                  </>
                ) : (
                  <text x={x} y={y(0) - 6} textAnchor="middle" className="fill-slate-500 text-[11px]">
                    n/a
                  </text>
                )}
                <text x={x} y={height + 20} textAnchor="middle" className="fill-slate-600 text-[11px]">
                  {m.month}
                </text>
              </g>
            );
          })}
        </svg>
        <p className="mt-1 text-xs text-slate-600">Dots: kappa; bars: 95% interval; dashed line: {fixed3(GUIDANCE_KAPPA)}.</p>
      </div>
      <table className="self-start text-sm">
        <caption className="mb-1 text-left font-medium">The same figures</caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            <th scope="col" className="px-2 py-1">
              Month
            </th>
            <th scope="col" className="px-2 py-1 text-right">
              Pairs
            </th>
            <th scope="col" className="px-2 py-1 text-right">
              Kappa
            </th>
            <th scope="col" className="px-2 py-1">
              95% interval
            </th>
          </tr>
        </thead>
        <tbody>
          {months.map((m) => (
            <tr key={m.month} className="border-t border-slate-100">
              <th scope="row" className="px-2 py-1 text-left font-normal">
                {m.month}
              </th>
              <td className="px-2 py-1 text-right tabular-nums">{m.pairs.toLocaleString("en")}</td>
              <td className="px-2 py-1 text-right tabular-nums">{kappaText(m.action)}</td>
              <td className="px-2 py-1 tabular-nums">{m.action.gap ? gapText(m.action) : ciText(m.action)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
