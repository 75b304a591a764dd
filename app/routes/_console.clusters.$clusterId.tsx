import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { authorOf, MemberDiff, MemberPager, Similarity, sourcesText } from "~/components/clusters/member-diff.tsx";
import { Deadline } from "~/components/queue/deadline.tsx";
import { SourceBadge } from "~/components/queue/source-badge.tsx";
import { PageHeader } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { clusterView, memberPageOf } from "~/modules/clusters/view.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { blindTo } from "~/modules/quality/reviews/claims.server.ts";

export const access: Access = { kind: "user", capability: "clusters:view" };
export const meta: MetaFunction = () => [{ title: "Cluster · Docket" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "clusters:view");
  const url = new URL(request.url);
  const clusterId = params.clusterId ?? "";
  const view = await clusterView(user, clusterId, { page: memberPageOf(url), blind: await blindTo(user.id) });
  if (!view) throw notFound("That cluster does not exist.");
  // A cluster merged into another lives on as that one.
  if (view.cluster.mergedIntoId) throw redirect(`/clusters/${view.cluster.mergedIntoId}`);
  return json({ ...view, now: new Date().toISOString(), canOpen: can(user.role, "queue:review") });
}

/** A cluster: its figures and its members, page by page, each with its differences from the representative. */
export default function ClusterPage() {
  const data = useLoaderData<typeof loader>();
  const location = useLocation();
  const { cluster: c, representative: rep, members, page } = data;
  return (
    <>
      <PageHeader
        title="Cluster"
        description={
          <span className="flex flex-wrap items-center gap-2">
            <span>
              {c.size.toLocaleString("en")} members, {c.openCount.toLocaleString("en")} open
            </span>
            <SourceBadge source={c.strongestSource} />
            <span>open by source: {sourcesText(c.sources)}</span>
            {c.earliestDueAt ? (
              <span>
                earliest open deadline <Deadline dueAt={c.earliestDueAt} now={data.now} />
              </span>
            ) : null}
          </span>
        }
      />
      <section aria-labelledby="representative-heading" className="mb-6 rounded border border-slate-200 bg-white p-4">
        <h2 id="representative-heading" className="text-base font-semibold">
          Representative {rep ? <span className="font-mono">{rep.externalId}</span> : null}
        </h2>
        {rep ? (
          <>
            {rep.title ? <p className="mt-2 font-medium break-words">{rep.title}</p> : null}
            {rep.body ? <p className="mt-1 text-sm break-words whitespace-pre-wrap">{rep.body}</p> : null}
          </>
        ) : (
          <p className="text-sm text-slate-600">The representative item is missing.</p>
        )}
      </section>
      <section aria-labelledby="members-heading" className="rounded border border-slate-200 bg-white p-4">
        <h2 id="members-heading" className="text-base font-semibold">
          Members {page.from}–{page.to} of {c.size.toLocaleString("en")}
        </h2>
        <p className="text-xs text-slate-600">Added words are underlined, removed words struck through.</p>
        <ul className="mt-3 space-y-3">
          {members.map((m) => (
            <li key={m.id} className="rounded border border-slate-100 p-3" aria-label={`Member ${m.externalId}`}>
              <div className="flex flex-wrap items-center gap-2 text-sm">
                {data.canOpen && !m.blind ? (
                  <Link to={`/review/${m.id}`} className="font-mono text-blue-800 underline">
                    {m.externalId}
                  </Link>
                ) : (
                  <span className="font-mono">{m.externalId}</span>
                )}
                {m.representative ? <span className="rounded bg-slate-100 px-1 text-xs">representative</span> : null}
                <span className="text-slate-600">
                  {m.blind ? "state hidden until your blind quality review" : m.decidedAs ? `${m.state}: ${m.decidedAs}` : m.state}
                </span>
                <SourceBadge source={m.strongestSource} />
                <span className="text-slate-600">{authorOf(m)}</span>
                <Similarity value={m.similarity} />
              </div>
              <div className="mt-2">
                <MemberDiff segments={m.diff} label={`Differences of ${m.externalId} from the representative`} />
              </div>
            </li>
          ))}
        </ul>
        <MemberPager page={page.number} pages={page.pages} search={location.search} />
      </section>
    </>
  );
}
