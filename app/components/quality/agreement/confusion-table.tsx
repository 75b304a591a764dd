import { NO_LABEL } from "~/modules/quality/agreement.ts";

/** The confusion between labels: rows the first review's labels, columns the second's. */
export function ConfusionTable({ keys, cells, names }: { keys: string[]; cells: number[][]; names: Record<string, string> }) {
  if (keys.length === 0) return <p className="text-sm text-slate-600">No labels were applied in these pairs.</p>;
  const name = (k: string) => (k === NO_LABEL ? "No other label" : (names[k] ?? k));
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="text-sm">
        <caption className="px-3 py-2 text-left text-slate-600">
          Rows: labels of the first decision; columns: labels of the second review. A label both applied counts once on the diagonal; in a pair, each label only
          the first applied meets each label only the second applied, or “No other label” when that side applied none beyond the shared ones.
        </caption>
        <thead className="bg-slate-50">
          <tr>
            <td className="px-2 py-1" />
            {keys.map((k) => (
              <th key={k} scope="col" className="px-2 py-1 text-left align-bottom font-medium">
                {name(k)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {keys.map((a, i) => (
            <tr key={a} className="border-t border-slate-100">
              <th scope="row" className="px-2 py-1 text-left font-medium">
                {name(a)}
              </th>
              {keys.map((b, j) => (
                <td
                  key={b}
                  className={`px-2 py-1 text-right tabular-nums ${i === j ? "bg-blue-50 font-semibold" : cells[i][j] > 0 ? "bg-amber-50" : "text-slate-400"}`}
                >
                  {cells[i][j]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
