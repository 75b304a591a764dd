import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { MemberChanges, MemberFacts, MemberPager, sourcesText } from "~/components/clusters/member-diff.tsx";
import { Deadline } from "~/components/queue/deadline.tsx";
import { SourceBadge } from "~/components/queue/source-badge.tsx";
import { SplitForm as SplitMemberForm } from "~/components/review/cluster-panel.tsx";
import { refusalMessage } from "~/components/ui/form.ts";
import { inputClass, Notice, PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { ClusterError } from "~/modules/clusters/errors.ts";
import { MergeForm, SplitForm } from "~/modules/clusters/forms.ts";
import { mergeClusters } from "~/modules/clusters/merge.server.ts";
import { splitMember } from "~/modules/clusters/split.server.ts";
import { clusterView, memberPageOf } from "~/modules/clusters/view.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { invalidForm, parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { z } from "zod";
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
  return json({
    ...view,
    now: new Date().toISOString(),
    canOpen: can(user.role, "queue:review"),
    canSplit: can(user.role, "clusters:decide"),
    canMerge: can(user.role, "clusters:merge"),
    notice: url.searchParams.get("notice"),
  });
}

const ClusterAction = z.discriminatedUnion("intent", [SplitForm, MergeForm]);

/** Splitting a member out (the people who decide clusters) and merging this cluster into another (leads). */
export async function action({ request, params }: ActionFunctionArgs) {
  // Who may split and who may merge is checked by the modules; the page's readers get their refusal there.
  const user = await requireCapability(request, "clusters:view");
  const submission = await parseSubmission(request, ClusterAction);
  if (submission.status !== "success") return invalidForm(submission);
  const data = submission.value;
  try {
    if (data.intent === "split") {
      const { toClusterId } = await splitMember(user, { itemId: data.itemId, reason: data.reason, clusterId: params.clusterId ?? "" });
      return redirect(`/clusters/${params.clusterId}?notice=split&to=${encodeURIComponent(toClusterId)}`);
    }
    await mergeClusters(user, { fromClusterId: data.fromClusterId, intoClusterId: data.intoClusterId, reason: data.reason });
    return redirect(`/clusters/${data.intoClusterId}?notice=merged`);
  } catch (e) {
    if (e instanceof ClusterError) return refuseForm(submission, { status: e.status, code: e.code, message: e.message });
    throw e;
  }
}

const NOTICES: Record<string, string> = {
  split: "The member was split out: it stands alone in a cluster of its own, and the reason is on the record.",
  merged: "The clusters were merged into this one.",
};

/** A cluster: its figures and its members, page by page, each with its differences from the representative. */
export default function ClusterPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
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
      {data.notice && NOTICES[data.notice] ? <Notice tone="success">{NOTICES[data.notice]}</Notice> : null}
      {refusalMessage(result) ? <Notice tone="error">{refusalMessage(result)}</Notice> : null}
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
                <MemberFacts m={m} />
              </div>
              <MemberChanges m={m} />
              {data.canSplit && !m.representative && c.size > 1 ? (
                <SplitMemberForm memberId={m.id} externalId={m.externalId} hidden={{ intent: "split" }} />
              ) : null}
            </li>
          ))}
        </ul>
        <MemberPager page={page.number} pages={page.pages} search={location.search} />
      </section>
      {data.canMerge ? <MergeClusterForm clusterId={c.id} /> : null}
    </>
  );
}

/** A lead merges this cluster into another the intake kept apart (the other cluster's id is in its page's address). */
function MergeClusterForm({ clusterId }: { clusterId: string }) {
  return (
    <section aria-labelledby="merge-heading" className="mt-6 rounded border border-slate-200 bg-white p-4">
      <h2 id="merge-heading" className="text-base font-semibold">
        Merge into another cluster
      </h2>
      <p className="text-sm text-slate-600">Every member moves to the other cluster; this one then points at it. The reason goes on the record.</p>
      <Form method="post" className="mt-3 flex flex-wrap items-end gap-3">
        <input type="hidden" name="intent" value="merge" />
        <input type="hidden" name="fromClusterId" value={clusterId} />
        <div>
          <label htmlFor="intoClusterId" className="block text-sm font-medium">
            Cluster to merge into (its id)
          </label>
          <input id="intoClusterId" name="intoClusterId" required maxLength={100} className={inputClass} />
        </div>
        <div className="min-w-64 flex-1">
          <label htmlFor="merge-reason" className="block text-sm font-medium">
            Why they belong together
          </label>
          <input id="merge-reason" name="reason" required minLength={3} maxLength={500} className={inputClass} />
        </div>
        <button type="submit" className={secondaryButtonClass}>
          Merge
        </button>
      </Form>
    </section>
  );
}
