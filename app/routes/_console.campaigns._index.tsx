import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { utc } from "~/components/audit/format.tsx";
import { ProgressBar } from "~/components/campaigns/progress-bar.tsx";
import { PageHeader } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { campaignPath } from "~/modules/campaigns/campaign.ts";
import { listCampaigns } from "~/modules/campaigns/campaigns.server.ts";
import { SOURCE_NAMES } from "~/modules/items/sources.ts";

export const access: Access = { kind: "user", capability: "campaigns:read" };
export const meta: MetaFunction = () => [{ title: "Campaigns · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "campaigns:read");
  return json({ campaigns: await listCampaigns() });
}

export default function Campaigns() {
  const { campaigns } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Flags that carry the same authority-referral or removal-order reference on one platform: what was referred, how far the decisions have come, and the outcome report for the referring authority."
      />
      {campaigns.length === 0 ? (
        <p className="text-slate-600">No referral or removal order with a reference has arrived yet.</p>
      ) : (
        <div className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Campaigns, newest first</caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Reference
                </th>
                <th scope="col" className="px-3 py-2">
                  Platform
                </th>
                <th scope="col" className="px-3 py-2">
                  Source
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Flags
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Items
                </th>
                <th scope="col" className="px-3 py-2">
                  Decided / open
                </th>
                <th scope="col" className="px-3 py-2">
                  First received (UTC)
                </th>
                <th scope="col" className="px-3 py-2">
                  Earliest open deadline (UTC)
                </th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((c) => (
                <tr key={`${c.platform}\u0000${c.reference}`} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2">
                    <Link to={campaignPath(c.reference, c.platform)} className="font-medium text-blue-800 hover:underline">
                      {c.reference}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{c.platform}</td>
                  <td className="px-3 py-2">{c.sources.map((s) => SOURCE_NAMES[s]).join(", ")}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{c.flags}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{c.items}</td>
                  <td className="px-3 py-2">
                    <ProgressBar decided={c.decided} open={c.open} label={c.reference} />
                  </td>
                  <td className="px-3 py-2">{utc(c.firstReceivedAt)}</td>
                  <td className="px-3 py-2">{c.earliestOpenDueAt ? utc(c.earliestOpenDueAt) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
