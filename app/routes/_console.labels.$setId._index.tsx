import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { PageHeader, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { formatTime, StatusBadge } from "~/components/labels/label-details.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { getLabelSet } from "~/modules/labels/sets.server.ts";

export const access: Access = { kind: "user", capability: "labels:read" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.set.name ?? "Label set"} · Docket` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "labels:read");
  const set = await getLabelSet(params.setId ?? "");
  if (!set) throw notFound("That label set does not exist.");
  const canEdit = can(user.role, "labels:edit");
  // Drafts are work in progress; only the leads who can edit them see them.
  const versions = canEdit ? set.versions : set.versions.filter((v) => v.status !== "draft");
  return json({ set: { ...set, versions }, canEdit });
}

export default function LabelSetPage() {
  const { set, canEdit } = useLoaderData<typeof loader>();
  const live = set.versions.find((v) => v.status === "published");
  const draft = set.versions.find((v) => v.status === "draft");
  const previous = set.versions.find((v) => v.status === "retired");
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/labels" className="text-blue-800 hover:underline">
          Label sets
        </Link>{" "}
        /
      </p>
      <PageHeader
        title={set.name}
        description={set.description}
        actions={
          <div className="flex flex-wrap gap-2">
            {live ? (
              <a href={`/labels/${set.id}/export?version=${live.id}`} className={secondaryButtonClass} download>
                Export live version (JSON)
              </a>
            ) : null}
            {canEdit ? (
              draft ? (
                <Link to={`/labels/${set.id}/draft`} className={buttonClass}>
                  Continue the draft (version {draft.number})
                </Link>
              ) : (
                <Form method="post" action={`/labels/${set.id}/draft`}>
                  <input type="hidden" name="intent" value="start" />
                  <button type="submit" className={buttonClass}>
                    Edit: start a new draft
                  </button>
                </Form>
              )
            ) : null}
          </div>
        }
      />
      <p className="mb-4 text-sm text-slate-700">
        Key <code>{set.key}</code> · shown on the review screen for flags with reason{set.reasons.length === 1 ? "" : "s"}{" "}
        <code>{set.reasons.join(", ") || "any"}</code>
      </p>

      <section aria-labelledby="history" className="mb-8">
        <h2 id="history" className="mb-2 text-lg font-semibold">
          Version history
        </h2>
        <div className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Versions of {set.name}, newest first</caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Version
                </th>
                <th scope="col" className="px-3 py-2">
                  Status
                </th>
                <th scope="col" className="px-3 py-2">
                  Change note
                </th>
                <th scope="col" className="px-3 py-2">
                  Published
                </th>
                <th scope="col" className="px-3 py-2">
                  Labels
                </th>
                <th scope="col" className="px-3 py-2">
                  Decisions
                </th>
              </tr>
            </thead>
            <tbody>
              {set.versions.map((v) => (
                <tr key={v.id} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2">
                    <Link
                      to={v.status === "draft" ? `/labels/${set.id}/draft` : `/labels/${set.id}/versions/${v.id}`}
                      className="font-medium text-blue-800 hover:underline"
                    >
                      Version {v.number}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={v.status} />
                  </td>
                  <td className="max-w-md px-3 py-2">{v.changeNote || <span className="text-slate-500">—</span>}</td>
                  <td className="px-3 py-2">
                    {v.publishedAt ? (
                      <>
                        {formatTime(v.publishedAt)}
                        <div className="text-xs text-slate-600">by {v.publishedBy ?? "the system"}</div>
                      </>
                    ) : (
                      <span className="text-slate-600">
                        Started {formatTime(v.createdAt)}
                        {v.createdBy ? ` by ${v.createdBy}` : ""}
                      </span>
                    )}
                  </td>
                  <td className="px-3 py-2">{v.labelCount}</td>
                  <td className="px-3 py-2">{v.decisionCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {set.versions.length > 1 ? (
        <section aria-labelledby="compare" className="max-w-2xl rounded border border-slate-200 bg-white p-4">
          <h2 id="compare" className="text-lg font-semibold">
            Compare two versions
          </h2>
          <Form method="get" action={`/labels/${set.id}/diff`} className="mt-3 grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
            <div>
              <label htmlFor="diff-from" className="block text-sm font-medium">
                From
              </label>
              <select id="diff-from" name="from" defaultValue={previous?.id ?? set.versions[1]?.id} className={inputClass}>
                {set.versions.map((v) => (
                  <option key={v.id} value={v.id}>
                    Version {v.number} ({v.status === "published" ? "live" : v.status})
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="diff-to" className="block text-sm font-medium">
                To
              </label>
              <select id="diff-to" name="to" defaultValue={(draft ?? live ?? set.versions[0])?.id} className={inputClass}>
                {set.versions.map((v) => (
                  <option key={v.id} value={v.id}>
                    Version {v.number} ({v.status === "published" ? "live" : v.status})
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className={buttonClass}>
              Compare
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
