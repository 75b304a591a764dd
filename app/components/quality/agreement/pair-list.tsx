import { day } from "./format.ts";

type PairRow = {
  itemExternalId: string;
  firstDecisionId: string;
  firstDecidedAt: string;
  secondReviewedAt: string;
  first: { action: string; labelKeys: string[] };
  second: { action: string; labelKeys: string[] };
  agreed: boolean;
  state: string;
};

const STATE_WORDS: Record<string, string> = { agreed: "Agreed", disagreed: "Disagreed, awaiting a ruling", adjudicated: "Disagreed, ruled on" };

/** The pairs behind the figures: what each review chose, without who made it. */
export function PairList({ pairs, total }: { pairs: PairRow[]; total: number }) {
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="px-3 py-2 text-left text-slate-600">
          {pairs.length < total
            ? `The newest ${pairs.length.toLocaleString("en")} of ${total.toLocaleString("en")} pairs; the CSV holds them all.`
            : `${total.toLocaleString("en")} pair${total === 1 ? "" : "s"}, newest second review first.`}
        </caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            {["Item", "First decided", "Second reviewed", "First action", "First labels", "Second action", "Second labels", "Agreed", "State"].map((h) => (
              <th key={h} scope="col" className="px-3 py-2">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {pairs.map((p) => (
            <tr key={p.firstDecisionId} className="border-t border-slate-100">
              <th scope="row" className="px-3 py-2 text-left font-normal">
                <code className="text-xs">{p.itemExternalId}</code>
              </th>
              <td className="px-3 py-2 tabular-nums">{day(p.firstDecidedAt)}</td>
              <td className="px-3 py-2 tabular-nums">{day(p.secondReviewedAt)}</td>
              <td className="px-3 py-2">{p.first.action}</td>
              <td className="px-3 py-2">
                <code className="text-xs">{p.first.labelKeys.join(", ") || "—"}</code>
              </td>
              <td className="px-3 py-2">{p.second.action}</td>
              <td className="px-3 py-2">
                <code className="text-xs">{p.second.labelKeys.join(", ") || "—"}</code>
              </td>
              <td className="px-3 py-2">{p.agreed ? "Yes" : "No"}</td>
              <td className="px-3 py-2">{STATE_WORDS[p.state] ?? p.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
