import type { Exposure } from "~/modules/quality/care/exposure.server.ts";
import { severityName } from "./words.ts";

export type OwnExposure = Pick<Exposure, "bySeverity" | "reviewed" | "highSeverity" | "highSeverityFrom" | "cap" | "atCap" | "mediaRevealed"> & {
  window: Pick<Exposure["window"], "shiftHours">;
};

/** A reviewer's own exposure in the shift window, on their home page: for them to pace themselves, not a score. */
export function OwnExposurePanel({ exposure }: { exposure: OwnExposure }) {
  const { window, bySeverity, highSeverity, highSeverityFrom, cap, mediaRevealed, reviewed } = exposure;
  return (
    <section aria-labelledby="exposure-heading" className="mb-6 rounded border border-slate-200 bg-white p-4" data-testid="own-exposure">
      <h2 id="exposure-heading" className="text-lg font-semibold">
        What you have seen this shift
      </h2>
      <p className="mb-3 text-sm text-slate-600">
        The last {window.shiftHours} hours, each item counted by the most severe label you applied to it. Only you see these counts (leads see team totals,
        never a person&apos;s): they say what you have been exposed to, not how you work.
      </p>
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4 lg:grid-cols-7">
        {bySeverity.map((n, severity) => (
          <div key={severity} className="rounded border border-slate-200 p-2">
            <dt className="text-slate-600">{severityName(severity)}</dt>
            <dd className="text-xl font-semibold tabular-nums" data-testid={`exposure-severity-${severity}`}>
              {n}
            </dd>
          </div>
        ))}
        <div className="rounded border border-slate-200 p-2">
          <dt className="text-slate-600">Items with media revealed</dt>
          <dd className="text-xl font-semibold tabular-nums" data-testid="exposure-media">
            {mediaRevealed}
          </dd>
        </div>
        <div className={`rounded border p-2 ${exposure.atCap ? "border-amber-400 bg-amber-50" : "border-slate-200"}`}>
          <dt className="text-slate-600">High severity ({highSeverityFrom} and above)</dt>
          <dd className="text-xl font-semibold tabular-nums" data-testid="exposure-high">
            {cap === null ? highSeverity : `${highSeverity} of ${cap}`}
          </dd>
          <dd className="text-xs text-slate-600">{cap === null ? "No limit set for a shift" : "Limit for a shift"}</dd>
        </div>
      </dl>
      <p className="sr-only">{reviewed} items reviewed in this window.</p>
    </section>
  );
}
