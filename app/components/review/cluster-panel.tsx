import { Form, Link } from "@remix-run/react";
import { MemberChanges, MemberFacts, MemberPager, sourcesText } from "~/components/clusters/member-diff.tsx";
import { Deadline } from "~/components/queue/deadline.tsx";
import { inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { ReviewScreenData } from "./review-screen.tsx";

type Cluster = NonNullable<ReviewScreenData["cluster"]>;

/**
 * The served item's cluster: its figures, and one page of members with their differences from the
 * representative. The member checkboxes belong to the decide form (by its id), so a selection is sent
 * with the decision; each member can be split out with a reason while the item is held.
 */
export function ClusterPanel({
  cluster,
  decideFormId,
  claimId,
  canDecide,
  now,
  search,
  onPick,
}: {
  cluster: Cluster | null;
  decideFormId: string;
  claimId: string | null;
  canDecide: boolean;
  now: string;
  search: string;
  onPick: () => void;
}) {
  if (!cluster || cluster.cluster.size <= 1) {
    return (
      <section aria-labelledby="cluster-heading" className="rounded border border-slate-200 bg-white p-4">
        <h2 id="cluster-heading" className="text-base font-semibold">
          Cluster
        </h2>
        <p className="text-sm text-slate-600">No other item is a near-duplicate of this one.</p>
      </section>
    );
  }
  const { cluster: c, members, page } = cluster;
  return (
    <section aria-labelledby="cluster-heading" className="rounded border border-slate-200 bg-white p-4">
      <h2 id="cluster-heading" className="text-base font-semibold">
        Cluster of {c.size.toLocaleString("en")} members, {c.openCount.toLocaleString("en")} open
      </h2>
      <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-700">
        <span>Open by source: {sourcesText(c.sources)}</span>
        {c.earliestDueAt ? (
          <span>
            earliest open deadline <Deadline dueAt={c.earliestDueAt} now={now} />
          </span>
        ) : null}
        <Link to={`/clusters/${c.id}`} className="text-blue-800 underline">
          Cluster page
        </Link>
      </p>
      <p className="mt-1 text-xs text-slate-600">
        Members {page.from}–{page.to}. Added words are underlined, removed words struck through.
      </p>
      <ul className="mt-3 space-y-3">
        {members.map((m) => (
          <li key={m.id} className="rounded border border-slate-100 p-3" aria-label={`Member ${m.externalId}`}>
            <div className="flex flex-wrap items-center gap-2 text-sm">
              {canDecide && m.decidable ? (
                <input
                  type="checkbox"
                  id={`member-${m.id}`}
                  name="memberIds"
                  value={m.id}
                  form={decideFormId}
                  onChange={(e) => e.currentTarget.checked && onPick()}
                />
              ) : null}
              {canDecide && m.decidable ? (
                <label htmlFor={`member-${m.id}`} className="font-mono">
                  {m.externalId}
                </label>
              ) : (
                <span className="font-mono">{m.externalId}</span>
              )}
              {m.served ? <span className="rounded bg-slate-100 px-1 text-xs">this item</span> : null}
              {m.representative ? <span className="rounded bg-slate-100 px-1 text-xs">representative</span> : null}
              {!m.served && !m.blind ? (
                <Link to={`/review/${m.id}`} className="text-blue-800 underline" aria-label={`Open ${m.externalId}`}>
                  open
                </Link>
              ) : null}
              <MemberFacts m={m} />
            </div>
            <MemberChanges m={m} />
            {canDecide && claimId ? <SplitForm memberId={m.id} externalId={m.externalId} hidden={{ intent: "split", claimId }} /> : null}
          </li>
        ))}
      </ul>
      <MemberPager page={page.number} pages={page.pages} search={search} />
    </section>
  );
}

/** Splitting a member out of its cluster: a reason is required, since the member then stands alone. */
export function SplitForm({ memberId, externalId, hidden, action }: { memberId: string; externalId: string; hidden: Record<string, string>; action?: string }) {
  const reasonId = `split-reason-${memberId}`;
  return (
    <details className="mt-2 text-sm">
      <summary className="cursor-pointer text-blue-800 underline">Split {externalId} out of the cluster</summary>
      <Form method="post" action={action} className="mt-2 flex flex-wrap items-end gap-2">
        {Object.entries(hidden).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="itemId" value={memberId} />
        <div className="min-w-64 flex-1">
          <label htmlFor={reasonId} className="block font-medium">
            Why it does not belong
          </label>
          <input id={reasonId} name="reason" required maxLength={500} className={inputClass} />
        </div>
        <button type="submit" className={secondaryButtonClass}>
          Split out
        </button>
      </Form>
    </details>
  );
}
