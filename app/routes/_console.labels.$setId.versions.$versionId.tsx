import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Notice, PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import { formatTime, groupLabels, LabelDetails, StatusBadge } from "~/components/labels/label-details.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { getVersion, labelsAppliedTogether, previousVersionId, usageForVersion } from "~/modules/labels/sets.server.ts";
import { SetBreadcrumb } from "~/components/labels/set-breadcrumb.tsx";

export const access: Access = { kind: "user", capability: "labels:read" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.version.setName} v${data.version.number} · Docket` : "Version · Docket" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "labels:read");
  const version = await getVersion(params.versionId ?? "");
  if (!version || version.setId !== params.setId || (version.status === "draft" && !can(user.role, "labels:edit"))) {
    throw notFound("That version does not exist in this label set.");
  }
  const [usage, previousId, together] = await Promise.all([
    usageForVersion(version.id),
    previousVersionId(version.setId, version.number),
    labelsAppliedTogether(version.id),
  ]);
  return json({ version, usage, previousId, together });
}

export default function VersionPage() {
  const { version, usage, previousId, together } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  const nameOf = new Map(version.labels.map((l) => [l.id, l.name]));
  const total = Object.values(usage).reduce((a, b) => a + b, 0);
  const unused = version.labels.filter((l) => !l.retired && !usage[l.id]).length;
  return (
    <>
      <SetBreadcrumb set={{ id: version.setId, name: version.setName }} />
      <PageHeader
        title={`${version.setName}: version ${version.number}`}
        description={version.changeNote || undefined}
        actions={
          <div className="flex flex-wrap gap-2">
            {previousId ? (
              <Link to={`/labels/${version.setId}/diff?from=${previousId}&to=${version.id}`} className={secondaryButtonClass}>
                Changes from the previous version
              </Link>
            ) : null}
            <a href={`/labels/${version.setId}/export?version=${version.id}`} className={secondaryButtonClass} download>
              Export this version (JSON)
            </a>
          </div>
        }
      />
      {search.get("published") && version.status === "published" ? (
        <Notice tone="success">
          Published version {version.number}. Moderators see it from their next item; decisions made earlier keep their own version.
        </Notice>
      ) : null}
      <dl className="mb-6 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="font-medium text-slate-600">Status</dt>
        <dd>
          <StatusBadge status={version.status} />
        </dd>
        <dt className="font-medium text-slate-600">Published</dt>
        <dd>{version.publishedAt ? `${formatTime(version.publishedAt)} by ${version.publishedBy ?? "the system"}` : "Not published"}</dd>
        {version.retiredAt ? (
          <>
            <dt className="font-medium text-slate-600">Replaced</dt>
            <dd>{formatTime(version.retiredAt)}</dd>
          </>
        ) : null}
        <dt className="font-medium text-slate-600">Usage</dt>
        <dd>
          {total} label {total === 1 ? "application" : "applications"} in decisions made under this version
          {unused > 0 ? `; ${unused} label${unused === 1 ? "" : "s"} never applied` : ""}
        </dd>
        {together.length > 0 ? (
          <>
            <dt className="font-medium text-slate-600">Often applied together</dt>
            <dd>
              <ul>
                {together.map((p) => (
                  <li key={p.labelIds.join()}>
                    {`${p.labelIds
                      .map((id) => nameOf.get(id) ?? id)
                      .sort()
                      .join(" + ")}: ${p.count} ${p.count === 1 ? "decision" : "decisions"}`}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
      </dl>
      <section aria-labelledby="usage" className="mb-8 max-w-3xl">
        <h2 id="usage" className="mb-2 text-lg font-semibold">
          Usage by label
        </h2>
        <div className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">How often each label of version {version.number} was applied</caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Label
                </th>
                <th scope="col" className="px-3 py-2">
                  Group
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Applied
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Share
                </th>
              </tr>
            </thead>
            <tbody>
              {groupLabels(version.labels).flatMap((g) =>
                g.labels.map((l) => {
                  const n = usage[l.id] ?? 0;
                  return (
                    <tr key={l.id} className="border-t border-slate-100">
                      <th scope="row" className="px-3 py-1.5 text-left font-normal">
                        <a href={`#label-${l.key}`} className="text-blue-800 hover:underline">
                          {l.name}
                        </a>
                        {l.retired ? <span className="ml-2 text-xs text-slate-600">(retired)</span> : null}
                      </th>
                      <td className="px-3 py-1.5">{g.title}</td>
                      <td className="px-3 py-1.5 text-right tabular-nums">{n}</td>
                      <td className="px-3 py-1.5 text-right tabular-nums">{total ? `${Math.round((n / total) * 100)}%` : "—"}</td>
                    </tr>
                  );
                }),
              )}
            </tbody>
          </table>
        </div>
      </section>
      {groupLabels(version.labels).map((g) =>
        g.labels.length ? (
          <section key={g.group} aria-labelledby={`group-${g.group}`} className="mb-8">
            <h2 id={`group-${g.group}`} className="text-lg font-semibold">
              {g.title}
            </h2>
            <p className="mb-3 text-sm text-slate-600">{g.help}</p>
            <div className="space-y-3">
              {g.labels.map((l) => (
                <LabelDetails key={l.id} label={l} usage={usage[l.id] ?? 0} />
              ))}
            </div>
          </section>
        ) : null,
      )}
    </>
  );
}
