import { isSource, SOURCE_NAMES, type Source } from "~/modules/items/sources.ts";

const TONE: Record<Source, string> = {
  removal_order: "bg-red-100 text-red-900",
  trusted_flagger: "bg-blue-100 text-blue-900",
  authority_referral: "bg-purple-100 text-purple-900",
  user_report: "bg-slate-100 text-slate-800",
  automated: "bg-emerald-100 text-emerald-900",
};

export function SourceBadge({ source }: { source: string }) {
  const tone = isSource(source) ? TONE[source] : "bg-slate-100";
  return <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${tone}`}>{isSource(source) ? SOURCE_NAMES[source] : source}</span>;
}
