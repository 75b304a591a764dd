import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { PageHeader, buttonClass, inputClass } from "~/components/ui/page.tsx";
import { StatusBadge } from "~/components/labels/label-details.tsx";
import { VersionDiff } from "~/components/labels/version-diff.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { diffSummary } from "~/modules/labels/diff.ts";
import { diffVersions, getLabelSet } from "~/modules/labels/sets.server.ts";
import { SetBreadcrumb } from "~/components/labels/set-breadcrumb.tsx";

export const access: Access = { kind: "user", capability: "labels:read" };
export const meta: MetaFunction = () => [{ title: "Compare versions · Docket" }];

const Query = z.object({ from: z.string().optional(), to: z.string().optional() });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "labels:read");
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const set = await getLabelSet(params.setId ?? "");
  if (!set) throw notFound("That label set does not exist.");
  const versions = can(user.role, "labels:edit") ? set.versions : set.versions.filter((v) => v.status !== "draft");
  // By default: what the newest version changed compared with the one before it.
  const to = versions.find((v) => v.id === query.to) ?? versions[0];
  const from = versions.find((v) => v.id === query.from) ?? versions.find((v) => to && v.number < to.number) ?? to;
  if ((query.to && to?.id !== query.to) || (query.from && from?.id !== query.from)) {
    throw notFound("One of those versions does not exist in this label set.");
  }
  const result = from && to ? await diffVersions(from.id, to.id) : null;
  return json({
    set: { id: set.id, name: set.name },
    versions: versions.map((v) => ({ id: v.id, number: v.number, status: v.status, changeNote: v.changeNote })),
    from: from ?? null,
    to: to ?? null,
    diff: result?.diff ?? [],
  });
}

export default function DiffPage() {
  const { set, versions, from, to, diff } = useLoaderData<typeof loader>();
  const summary = diffSummary(diff);
  const name = (v: { number: number; status: string } | null) =>
    v ? `version ${v.number}${v.status === "draft" ? " (draft)" : v.status === "published" ? " (live)" : ""}` : "";
  return (
    <>
      <SetBreadcrumb set={set} />
      <PageHeader title={`Compare ${set.name}: ${name(from)} → ${name(to)}`} />
      <Form method="get" className="mb-6 grid max-w-2xl gap-4 rounded border border-slate-200 bg-white p-4 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <div>
          <label htmlFor="from" className="block text-sm font-medium">
            From
          </label>
          <select id="from" name="from" defaultValue={from?.id} className={inputClass}>
            {versions.map((v) => (
              <option key={v.id} value={v.id}>
                Version {v.number} ({v.status === "published" ? "live" : v.status})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="to" className="block text-sm font-medium">
            To
          </label>
          <select id="to" name="to" defaultValue={to?.id} className={inputClass}>
            {versions.map((v) => (
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
      {to ? (
        <div className="mb-4 text-sm">
          <p>
            <StatusBadge status={to.status} /> Version {to.number}: {to.changeNote || "no change note yet"}
          </p>
          <p className="mt-1" role="status">
            {`${summary.added} added · ${summary.removed} removed · ${summary.changed} changed · ${summary.unchanged} unchanged`}
          </p>
        </div>
      ) : null}
      <VersionDiff diff={diff} fromLabel={from ? `v${from.number}` : ""} toLabel={to ? `v${to.number}` : ""} />
    </>
  );
}
