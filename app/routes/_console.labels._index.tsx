import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import { formatTime, StatusBadge } from "~/components/labels/label-details.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { listLabelSets } from "~/modules/labels/sets.server.ts";

export const access: Access = { kind: "user", capability: "labels:read" };
export const meta: MetaFunction = () => [{ title: "Label sets · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "labels:read");
  return json({ sets: await listLabelSets(), canEdit: can(user.role, "labels:edit") });
}

export default function LabelSets() {
  const { sets, canEdit } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Label sets"
        description="The policies moderators apply. Each set has one live version; a lead changes it in a draft and publishes a new version, and every decision keeps the version it was made under."
        actions={
          canEdit ? (
            <Link to="/labels/import" className={secondaryButtonClass}>
              Import a set
            </Link>
          ) : null
        }
      />
      {sets.length === 0 ? (
        <p className="rounded border border-slate-200 bg-white p-4">No label sets yet.{canEdit ? " Import one as JSON to start." : ""}</p>
      ) : (
        <div className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Label sets</caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Set
                </th>
                <th scope="col" className="px-3 py-2">
                  Flag reasons
                </th>
                <th scope="col" className="px-3 py-2">
                  Live version
                </th>
                <th scope="col" className="px-3 py-2">
                  Published
                </th>
                <th scope="col" className="px-3 py-2">
                  Draft
                </th>
              </tr>
            </thead>
            <tbody>
              {sets.map((s) => (
                <tr key={s.id} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2">
                    <Link to={`/labels/${s.id}`} className="font-medium text-blue-800 hover:underline">
                      {s.name}
                    </Link>
                    <div className="font-mono text-xs text-slate-600">{s.key}</div>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{s.reasons.join(", ") || "—"}</td>
                  <td className="px-3 py-2">
                    {s.live ? (
                      <Link to={`/labels/${s.id}/versions/${s.live.id}`} className="text-blue-800 hover:underline">
                        Version {s.live.number} ({s.live._count.labels} labels)
                      </Link>
                    ) : (
                      <span className="text-slate-600">None yet</span>
                    )}
                  </td>
                  <td className="px-3 py-2">{formatTime(s.live?.publishedAt)}</td>
                  <td className="px-3 py-2">
                    {s.draft ? (
                      canEdit ? (
                        <Link to={`/labels/${s.id}/draft`} className="text-blue-800 hover:underline">
                          <StatusBadge status="draft" /> Version {s.draft.number}
                        </Link>
                      ) : (
                        <StatusBadge status="draft" />
                      )
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
