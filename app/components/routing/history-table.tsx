import { Link } from "@remix-run/react";
import { formatTime, StatusBadge } from "~/components/labels/label-details.tsx";

export type HistoryRow = {
  id: string;
  number: number;
  status: string;
  changeNote: string;
  publishedAt: string | null;
  publishedBy: string | null;
  ruleCount: number;
  previousNumber: number | null;
};

/** Every routing version, newest first: who published it, when, why, and links to read and compare it. */
export function HistoryTable({ versions }: { versions: HistoryRow[] }) {
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">Routing versions, newest first</caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            <th scope="col" className="px-3 py-2">
              Version
            </th>
            <th scope="col" className="px-3 py-2">
              Status
            </th>
            <th scope="col" className="px-3 py-2">
              Published
            </th>
            <th scope="col" className="px-3 py-2">
              Change note
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Rules
            </th>
            <th scope="col" className="px-3 py-2">
              Compare
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} className="border-t border-slate-100 align-top">
              <th scope="row" className="px-3 py-2 text-left font-normal">
                <Link to={v.status === "draft" ? "/routing/draft" : `/routing/versions/${v.number}`} className="text-blue-800 hover:underline">
                  {`Version ${v.number}`}
                </Link>
              </th>
              <td className="px-3 py-2">
                <StatusBadge status={v.status} />
              </td>
              <td className="px-3 py-2">{v.publishedAt ? `${formatTime(v.publishedAt)} by ${v.publishedBy ?? "Docket (installed)"}` : "Not published"}</td>
              <td className="px-3 py-2">{v.changeNote || "—"}</td>
              <td className="px-3 py-2 text-right tabular-nums">{v.ruleCount}</td>
              <td className="px-3 py-2">
                {v.previousNumber !== null ? (
                  <Link to={`/routing/diff?from=${v.previousNumber}&to=${v.number}`} className="text-blue-800 hover:underline">
                    {`Compare with version ${v.previousNumber}`}
                    <span className="sr-only"> (changes in version {v.number})</span>
                  </Link>
                ) : (
                  "First version"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
