import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { utc } from "~/components/audit/format.tsx";
import { ProgressBar } from "~/components/campaigns/progress-bar.tsx";
import { PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { CampaignKey, campaignPath } from "~/modules/campaigns/campaign.ts";
import { campaignPage, resolveCampaign } from "~/modules/campaigns/campaigns.server.ts";
import { badRequest, notFound } from "~/modules/http/errors.server.ts";
import { SOURCE_NAMES } from "~/modules/items/sources.ts";

export const access: Access = { kind: "user", capability: "campaigns:read" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data && "page" in data && data.page ? data.page.key.reference : "Campaign"} · Campaigns · Docket` },
];

/** How many clusters the page lists; the outcome report has every item. */
const CLUSTER_ROWS = 200;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "campaigns:read");
  const parsed = CampaignKey.safeParse({ reference: params.reference, platform: new URL(request.url).searchParams.get("platform") ?? undefined });
  if (!parsed.success) throw badRequest(parsed.error, "That is not a campaign reference.");
  const found = await resolveCampaign(parsed.data.reference, parsed.data.platform);
  if (!found) throw notFound("No referral or removal order carries that reference.");
  if ("choices" in found) return json({ page: null, reference: parsed.data.reference, choices: found.choices, canAudit: false, more: 0 });
  const page = await campaignPage(found.key);
  return json({
    page: { ...page, clusters: page.clusters.slice(0, CLUSTER_ROWS) },
    reference: found.key.reference,
    choices: [] as string[],
    canAudit: can(user.role, "audit:read"),
    more: Math.max(0, page.clusters.length - CLUSTER_ROWS),
  });
}

export default function Campaign() {
  const { page, reference, choices, canAudit, more } = useLoaderData<typeof loader>();
  if (!page) {
    return (
      <>
        <PageHeader title={reference} description="Several platforms have a campaign under this reference. Choose one." />
        <ul className="list-disc pl-6">
          {choices.map((p) => (
            <li key={p}>
              <Link to={campaignPath(reference, p)} className="text-blue-800 hover:underline">
                {p}
              </Link>
            </li>
          ))}
        </ul>
      </>
    );
  }
  const { key, totals, figures, clusters, sources } = page;
  const report = (format: "csv" | "json") => `${campaignPath(key.reference, key.platform, "/report")}&format=${format}`;
  return (
    <>
      <PageHeader
        title={key.reference}
        description={`${sources.map((s) => SOURCE_NAMES[s]).join(" and ")} on ${key.platform}: ${totals.itemsReferred} items referred in ${totals.flags} flags, first received ${utc(totals.firstReceivedAt)}.`}
        actions={
          <div className="flex gap-2">
            <a href={report("csv")} className={secondaryButtonClass} download>
              Outcome report (CSV)
            </a>
            <a href={report("json")} className={secondaryButtonClass} download>
              Outcome report (JSON)
            </a>
          </div>
        }
      />
      <section aria-labelledby="totals" className="mb-8">
        <h2 id="totals" className="mb-2 text-lg font-semibold">
          Totals
        </h2>
        <div className="mb-3 flex flex-wrap items-center gap-6">
          <ProgressBar decided={totals.decided} open={totals.open} label="The whole campaign" />
          <p>
            <span className="font-medium">Deadline:</span> {totals.deadline ? `${utc(totals.deadline)} (earliest open item)` : "none open"}
            {totals.overdue > 0 ? <span className="ml-2 font-medium text-red-800">{totals.overdue} overdue</span> : null}
          </p>
        </div>
        <div className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Campaign totals and how each re-counts from the audit log</caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Figure
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Count
                </th>
                <th scope="col" className="px-3 py-2">
                  Re-counts from
                </th>
              </tr>
            </thead>
            <tbody>
              {figures.map((f) => (
                <tr key={f.name} className="border-t border-slate-100 align-top">
                  <th scope="row" className="px-3 py-2 text-left font-medium">
                    {f.name}
                  </th>
                  <td className="px-3 py-2 text-right tabular-nums" data-figure={f.name}>
                    {f.value}
                  </td>
                  <td className="px-3 py-2 text-slate-700">
                    {f.recount}
                    {f.audit && canAudit ? (
                      <>
                        {" · "}
                        <Link to={f.audit} className="text-blue-800 hover:underline">
                          audit search
                        </Link>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="by-cluster">
        <h2 id="by-cluster" className="mb-2 text-lg font-semibold">
          Progress by cluster
        </h2>
        <div className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Referred members of each cluster, decided and open, largest cluster first</caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Cluster (representative)
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Referred
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Decided
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Open
                </th>
                <th scope="col" className="px-3 py-2">
                  Progress
                </th>
              </tr>
            </thead>
            <tbody>
              {clusters.map((c) => {
                const name = c.representative ? c.representative.title || c.representative.externalId : c.clusterId;
                return (
                  <tr key={c.clusterId} className="border-t border-slate-100 align-top">
                    <td className="px-3 py-2">
                      {c.clusterId.startsWith("item:") ? (
                        name
                      ) : (
                        <Link to={`/clusters/${encodeURIComponent(c.clusterId)}`} className="text-blue-800 hover:underline">
                          {name}
                        </Link>
                      )}
                      {c.representative ? <div className="text-slate-600">{c.representative.externalId}</div> : null}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{c.referred}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{c.decided}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{c.open}</td>
                    <td className="px-3 py-2">
                      <ProgressBar decided={c.decided} open={c.open} label={name} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {more > 0 ? <p className="mt-2 text-sm text-slate-600">And {more} smaller clusters; the outcome report lists every item.</p> : null}
      </section>
    </>
  );
}
