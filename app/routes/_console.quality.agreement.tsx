import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ConfusionTable } from "~/components/quality/agreement/confusion-table.tsx";
import { ciText, gapText, kappaText } from "~/components/quality/agreement/format.ts";
import { KappaByMonth } from "~/components/quality/agreement/kappa-by-month.tsx";
import { LabelAgreementTable } from "~/components/quality/agreement/label-table.tsx";
import { PairList } from "~/components/quality/agreement/pair-list.tsx";
import { VersionPicker } from "~/components/quality/agreement/version-picker.tsx";
import { PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { agreementReport, agreementVersions, chooseVersion } from "~/modules/quality/agreement.server.ts";

export const access: Access = { kind: "user", capability: "quality:read" };
export const meta: MetaFunction = () => [{ title: "Agreement · Docket" }];

// The page lists the newest pairs; the CSV carries every one.
const PAIRS_ON_PAGE = 200;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "quality:read");
  const versions = await agreementVersions();
  const version = chooseVersion(versions, new URL(request.url).searchParams.get("version"));
  if (version === undefined) throw notFound("No completed second reviews under that label set version; choose one from the list.");
  const report = version ? await agreementReport(version) : null;
  return json({
    versions,
    canEditLabels: can(user.role, "labels:edit"),
    report: report && {
      ...report,
      pairs: report.pairs.slice(0, PAIRS_ON_PAGE),
      pairCount: report.pairs.length,
      months: report.months.map(({ labels: _perLabel, ...m }) => m),
    },
  });
}

export default function Agreement() {
  const { versions, report, canEditLabels } = useLoaderData<typeof loader>();
  const exportHref = (kind: string) => `/quality/agreement/export?kind=${kind}&version=${encodeURIComponent(report?.version.id ?? "")}`;
  return (
    <>
      <PageHeader
        title="Agreement"
        description="How far two reviewers who decided the same item blind agree beyond chance (Cohen's kappa with its 95% interval), per label and for the action. The figures speak about the guidance, not the people: no reviewer is named."
      />
      {!report ? (
        <p className="rounded border border-slate-200 bg-white p-4 text-sm text-slate-600">
          No second review has been completed yet. Figures appear here once sampled decisions are reviewed a second time.
        </p>
      ) : (
        <>
          <VersionPicker versions={versions} chosen={report.version.id} />
          <section aria-labelledby="summary-heading" className="mb-8">
            <h2 id="summary-heading" className="mb-2 text-lg font-semibold">
              {report.version.setName}, version {report.version.number}
            </h2>
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              {(
                [
                  ["Pairs", report.pairCount.toLocaleString("en")],
                  ["Kappa for the action", kappaText(report.action)],
                  ["95% interval", report.action.gap ? gapText(report.action) : ciText(report.action)],
                  ["Agreed on the action", report.action.observed === null ? "—" : `${(report.action.observed * 100).toFixed(1)}%`],
                ] as const
              ).map(([label, value]) => (
                <div key={label} className="rounded border border-slate-200 bg-white p-3">
                  <dt className="text-sm text-slate-600">{label}</dt>
                  <dd className="text-xl font-semibold tabular-nums">{value}</dd>
                </div>
              ))}
            </dl>
            <p className="mt-3 flex flex-wrap gap-3 text-sm">
              <a href={exportHref("figures")} className={secondaryButtonClass} download>
                Download the figures (CSV)
              </a>
              <a href={exportHref("confusion")} className={secondaryButtonClass} download>
                Download the confusion matrix (CSV)
              </a>
              <a href={exportHref("pairs")} className={secondaryButtonClass} download>
                Download the pairs (CSV)
              </a>
            </p>
          </section>
          <section aria-labelledby="labels-heading" className="mb-8">
            <h2 id="labels-heading" className="mb-2 text-lg font-semibold">
              Per label
            </h2>
            <LabelAgreementTable labels={report.labels} canEditLabels={canEditLabels} />
          </section>
          <section aria-labelledby="months-heading" className="mb-8">
            <h2 id="months-heading" className="mb-2 text-lg font-semibold">
              Over time
            </h2>
            <KappaByMonth months={report.months} />
          </section>
          <section aria-labelledby="confusion-heading" className="mb-8">
            <h2 id="confusion-heading" className="mb-2 text-lg font-semibold">
              Confusion between labels
            </h2>
            <ConfusionTable keys={report.confusion.keys} cells={report.confusion.cells} names={Object.fromEntries(report.labels.map((l) => [l.key, l.name]))} />
          </section>
          <section aria-labelledby="pairs-heading">
            <h2 id="pairs-heading" className="mb-2 text-lg font-semibold">
              Pairs
            </h2>
            <PairList pairs={report.pairs} total={report.pairCount} />
          </section>
        </>
      )}
    </>
  );
}
