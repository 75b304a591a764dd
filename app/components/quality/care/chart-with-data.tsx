import { BarChart, type Bar } from "~/components/ui/charts.tsx";

/** A bar chart with the numbers it draws in a table beside it, for everyone to read. */
export function ChartWithData({ title, bars, rowHeader, valueHeader }: { title: string; bars: Bar[]; rowHeader: string; valueHeader: string }) {
  return (
    <div className="grid gap-4 md:grid-cols-[2fr_1fr]">
      <BarChart title={title} bars={bars} />
      <table className="h-fit w-full rounded border border-slate-200 bg-white text-sm">
        <caption className="p-2 text-left font-medium">{title}: the figures</caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            <th scope="col" className="px-3 py-1.5">
              {rowHeader}
            </th>
            <th scope="col" className="px-3 py-1.5 text-right">
              {valueHeader}
            </th>
          </tr>
        </thead>
        <tbody>
          {bars.map((b) => (
            <tr key={b.label} className="border-t border-slate-100">
              <th scope="row" className="px-3 py-1.5 text-left font-normal">
                {b.label}
              </th>
              <td className="px-3 py-1.5 text-right tabular-nums">{b.value.toLocaleString("en")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
