import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { utc } from "~/components/audit/format.tsx";
import { DataTable } from "~/components/ui/data-table.tsx";
import { Notice, PageHeader } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { deletedEndpointUrl, endpointOverview } from "~/modules/webhooks/admin.server.ts";

export const access: Access = { kind: "user", capability: "webhooks:manage" };
export const meta: MetaFunction = () => [{ title: "Webhooks · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "webhooks:manage");
  // The notice names a deleted endpoint's stored URL, never text from the address bar.
  const deletedId = new URL(request.url).searchParams.get("deleted");
  const [endpoints, deleted] = await Promise.all([endpointOverview(), deletedId ? deletedEndpointUrl(deletedId) : null]);
  return json({ endpoints, deleted });
}

export default function Webhooks() {
  const { endpoints, deleted } = useLoaderData<typeof loader>();
  const disabled = endpoints.filter((e) => e.state === "disabled");
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Endpoints platforms registered with their API keys. Docket signs each delivery and retries for about three days; an endpoint failing for a day is disabled."
      />
      {deleted ? <Notice tone="success">Deleted the endpoint {deleted}. Its waiting deliveries will not be sent.</Notice> : null}
      {disabled.map((e) => (
        <Notice key={e.id} tone="error">
          The endpoint {e.url} of platform {e.platform} is disabled since {utc(e.disabledAt)}: {e.disabledReason ?? "no reason was recorded"}. Its deliveries
          wait until it is enabled again.{" "}
          <Link to={`/admin/webhooks/${e.id}`} className="underline">
            Open {e.url}
          </Link>
        </Notice>
      ))}
      {endpoints.length === 0 ? (
        <p className="text-slate-600">No platform has registered a webhook endpoint. Platforms register one with POST /api/v1/webhooks.</p>
      ) : (
        <DataTable
          caption="Webhook endpoints of every platform"
          columns={[
            "Endpoint",
            "Platform",
            "Events",
            "State",
            { label: "Pending", align: "right" },
            { label: "Failed", align: "right" },
            { label: "Delivered", align: "right" },
            "Last attempt",
          ]}
        >
          {endpoints.map((e) => (
            <tr key={e.id} className="border-t border-slate-100 align-top">
              <th scope="row" className="px-3 py-2 text-left font-normal">
                <Link to={`/admin/webhooks/${e.id}`} className="break-all text-blue-800 underline">
                  {e.url}
                </Link>
                {e.description ? <p className="text-xs text-slate-600">{e.description}</p> : null}
              </th>
              <td className="px-3 py-2">{e.platform}</td>
              <td className="px-3 py-2">
                <ul>
                  {e.events.map((type) => (
                    <li key={type}>
                      <code className="text-xs">{type}</code>
                    </li>
                  ))}
                </ul>
              </td>
              <td className="px-3 py-2">
                {e.state === "disabled" ? <span className="text-red-700">Disabled</span> : "Enabled"}
                {e.failingSince ? <p className="text-xs text-red-700">Failing since {utc(e.failingSince)}</p> : null}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{e.counts.pending}</td>
              <td className="px-3 py-2 text-right tabular-nums">{e.counts.failed}</td>
              <td className="px-3 py-2 text-right tabular-nums">{e.counts.delivered}</td>
              <td className="px-3 py-2">
                {e.lastAttempt ? (
                  <>
                    {utc(e.lastAttempt.startedAt)}: {e.lastAttempt.outcome}
                    {e.lastAttempt.statusCode !== null ? ` (${e.lastAttempt.statusCode})` : ""}
                  </>
                ) : (
                  "None yet"
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
