import { Link } from "@remix-run/react";
import { GUIDANCE_KAPPA, GUIDANCE_MIN_PAIRS } from "~/modules/quality/agreement.ts";
import { ciText, gapText, kappaText, type KappaFigures } from "./format.ts";

type LabelRow = KappaFigures & {
  key: string;
  name: string;
  retired: boolean;
  firstApplied: number;
  secondApplied: number;
  needsWork: boolean;
  draftHref: string;
};

/** Why a label has no kappa, in the label's own words. */
function labelGap(l: LabelRow): string {
  if (l.gap === "one_category" && l.firstApplied === 0) return "Neither reviewer applied it in any pair.";
  if (l.gap === "one_category") return "Both reviewers applied it in every pair.";
  return gapText(l);
}

/** Kappa per label (present or absent in each review), with the mark for guidance that needs work. */
export function LabelAgreementTable({ labels, canEditLabels }: { labels: LabelRow[]; canEditLabels: boolean }) {
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="px-3 py-2 text-left text-slate-600">
          Each label as present or absent in each review of a pair. Marked when kappa is below {GUIDANCE_KAPPA} over at least {GUIDANCE_MIN_PAIRS} pairs.
        </caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            <th scope="col" className="px-3 py-2">
              Label
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Pairs
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Applied first
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Applied second
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Kappa
            </th>
            <th scope="col" className="px-3 py-2">
              95% interval
            </th>
            <th scope="col" className="px-3 py-2">
              Guidance
            </th>
          </tr>
        </thead>
        <tbody>
          {labels.map((l) => (
            <tr key={l.key} id={`agreement-${l.key}`} className={`border-t border-slate-100 ${l.needsWork ? "bg-amber-50" : ""}`}>
              <th scope="row" className="px-3 py-2 text-left font-medium">
                {l.name} <code className="text-xs font-normal text-slate-600">{l.key}</code>
                {l.retired ? <span className="ml-1 text-xs font-normal text-slate-600">(retired)</span> : null}
              </th>
              <td className="px-3 py-2 text-right tabular-nums">{l.n.toLocaleString("en")}</td>
              <td className="px-3 py-2 text-right tabular-nums">{l.firstApplied.toLocaleString("en")}</td>
              <td className="px-3 py-2 text-right tabular-nums">{l.secondApplied.toLocaleString("en")}</td>
              <td className="px-3 py-2 text-right tabular-nums" title={labelGap(l) || undefined}>
                {kappaText(l)}
              </td>
              <td className="px-3 py-2 tabular-nums">{l.gap ? <span className="text-slate-600">{labelGap(l)}</span> : ciText(l)}</td>
              <td className="px-3 py-2">
                {l.needsWork ? (
                  <span className="font-semibold text-amber-900">
                    Guidance needs work
                    {canEditLabels ? (
                      <>
                        {" "}
                        <Link to={l.draftHref} className="font-normal text-blue-800 underline">
                          Edit “{l.name}” in the draft
                        </Link>
                      </>
                    ) : null}
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
