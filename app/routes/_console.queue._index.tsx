import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { NextAppealButton } from "~/components/appeals/next-appeal-button.tsx";
import { BreakPrompt } from "~/components/quality/care/break-prompt.tsx";
import { OwnExposurePanel } from "~/components/quality/care/own-exposure.tsx";
import { Deadline } from "~/components/queue/deadline.tsx";
import { NextButton } from "~/components/queue/next-button.tsx";
import { SourceBadge } from "~/components/queue/source-badge.tsx";
import { Notice, PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import { myAppealQueues } from "~/modules/appeals/list.server.ts";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { careLimits } from "~/modules/quality/care/limits.server.ts";
import { exposureOf } from "~/modules/quality/care/exposure.server.ts";
import { nextWork } from "~/modules/quality/next-work.server.ts";
import { currentClaim } from "~/modules/queue/claims.server.ts";
import { queueSummary } from "~/modules/queue/list.server.ts";
import { assignedTo, myQueues } from "~/modules/queue/placement.server.ts";
import { reviewPath } from "~/modules/review/intents.server.ts";

export const access: Access = { kind: "user", capability: "queue:review" };
export const meta: MetaFunction = () => [{ title: "Review queue · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "queue:review");
  const now = new Date();
  const [summary, current, queues, assigned, appealQueues, exposure] = await Promise.all([
    queueSummary(user.id, now),
    currentClaim(user.id),
    myQueues(user.id, now),
    assignedTo(user.id),
    can(user.role, "appeals:review") ? myAppealQueues(user.id, now) : Promise.resolve([]),
    exposureOf(user.id, now),
  ]);
  return json({
    summary,
    current,
    queues,
    assigned,
    appealQueues,
    exposure,
    now: now.toISOString(),
    notice: new URL(request.url).searchParams.get("notice"),
  });
}

// "Next item" from every queue of the user's, or from the one queue they chose to work.
const Next = z.object({ intent: z.literal("next").optional(), queueId: z.string().min(1).max(64).optional() });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "queue:review");
  const submission = await parseSubmission(request, Next);
  if (submission.status !== "success") return refuseForm(submission, { status: 400, code: "invalid_form", message: "Choose a queue to work." });
  // A moderator who already holds an item gets it back rather than a second one: the claim decides that.
  const limits = await careLimits(user.id);
  const next = await nextWork(user, { queueId: submission.value.queueId }, limits);
  // At the care limit, "nothing" means nothing of lower severity: the page shows the break prompt instead.
  if (!next) return redirect(limits.atCap ? "/queue?notice=at-limit" : "/queue?notice=empty");
  return redirect(reviewPath(next.itemId, submission.value.queueId ?? null));
}

const NOTICES: Record<string, [string, "success" | "info"]> = {
  empty: ["Nothing is waiting for you right now.", "info"],
  released: ["Released: the item is back in its queue.", "success"],
  "saved-empty": ["Decision saved. Nothing else is waiting for you right now.", "success"],
  "skipped-empty": ["Skipped. Nothing else is waiting for you right now.", "info"],
};

// At the care limit the break prompt says what Next item offers, so these notices say only what happened.
const AT_LIMIT_NOTICES: Record<string, [string, "success" | "info"] | null> = {
  empty: null,
  "at-limit": null,
  "saved-empty": ["Decision saved.", "success"],
  "skipped-empty": ["Skipped.", "info"],
};

function noticeOf(notice: string | null, atCap: boolean): [string, "success" | "info"] | null {
  if (!notice) return null;
  if (atCap && notice in AT_LIMIT_NOTICES) return AT_LIMIT_NOTICES[notice];
  if (atCap && notice.startsWith("saved-cluster-")) return ["Decision saved for the item and its cluster.", "success"];
  return NOTICES[notice] ?? (notice.startsWith("saved-cluster-") ? ["Decision saved for the item and its cluster. Nothing else is waiting.", "success"] : null);
}

export default function QueueHome() {
  const { summary, current, queues, assigned, appealQueues, exposure, now, notice } = useLoaderData<typeof loader>();
  const message = noticeOf(notice, exposure.atCap);
  const open = queues.filter((q) => q.open);
  const waiting = open.reduce((n, q) => n + q.waiting, 0);
  const overdue = open.reduce((n, q) => n + q.overdue, 0);
  return (
    <>
      <PageHeader
        title="Review"
        description="Next item draws from your queues: an item assigned to you first, then overdue items across your queues, then by priority and age."
      />
      {message ? <Notice tone={message[1]}>{message[0]}</Notice> : null}
      {exposure.atCap && exposure.cap !== null ? (
        <BreakPrompt highSeverity={exposure.highSeverity} cap={exposure.cap} shiftHours={exposure.window.shiftHours} resetsAt={exposure.resetsAt} now={now} />
      ) : null}
      <dl className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Waiting in your queues" value={waiting} />
        <Stat label="Overdue in your queues" value={overdue} tone={overdue > 0 ? "alert" : undefined} />
        <Stat label="Assigned to you" value={assigned.length} />
        <Stat label="Decided by you (24 h)" value={summary.decidedByMeToday} />
      </dl>
      <div className="mb-6 flex flex-wrap items-center gap-4">
        <NextButton label={current ? "Continue with the item you hold" : "Next item"} disabled={!current && waiting === 0 && assigned.length === 0} />
        <Link to="/queue/list" className="text-blue-800 underline">
          See what is coming
        </Link>
      </div>
      {assigned.length > 0 ? (
        <section aria-labelledby="assigned-heading" className="mb-6">
          <h2 id="assigned-heading" className="mb-2 text-lg font-semibold">
            Assigned to you
          </h2>
          <ul className="divide-y divide-slate-100 rounded border border-slate-200 bg-white text-sm">
            {assigned.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center gap-3 px-3 py-2">
                <Link to={`/review/${i.id}`} className="font-medium text-blue-800 underline">
                  {i.title || i.externalId}
                </Link>
                <SourceBadge source={i.strongestSource} />
                <Deadline dueAt={i.dueAt} now={now} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="queues-heading">
        <h2 id="queues-heading" className="mb-2 text-lg font-semibold">
          Your queues
        </h2>
        {queues.length === 0 ? (
          <p className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
            You are not a member of any queue yet, so Next item has nothing to give you. Ask a policy lead to add you to a queue.
          </p>
        ) : (
          <div className="overflow-x-auto rounded border border-slate-200 bg-white">
            <table className="min-w-full text-sm">
              <caption className="sr-only">Your queues with waiting and overdue items and the earliest deadline</caption>
              <thead className="bg-slate-50 text-left">
                <tr>
                  <th scope="col" className="px-3 py-2">
                    Queue
                  </th>
                  <th scope="col" className="px-3 py-2 text-right">
                    Waiting
                  </th>
                  <th scope="col" className="px-3 py-2 text-right">
                    Overdue
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Earliest deadline
                  </th>
                  <th scope="col" className="px-3 py-2">
                    <span className="sr-only">Work this queue</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {queues.map((q) => (
                  <tr key={q.id} className="border-t border-slate-100">
                    <th scope="row" className="px-3 py-2 text-left font-medium">
                      <Link to={`/queue/list?queue=${encodeURIComponent(q.id)}`} className="text-blue-800 underline">
                        {q.name}
                      </Link>
                      {!q.open ? <span className="ml-2 rounded bg-slate-200 px-1.5 text-xs">closed</span> : null}
                      {q.description ? <span className="block text-xs font-normal text-slate-600">{q.description}</span> : null}
                    </th>
                    <td className="px-3 py-2 text-right tabular-nums">{q.waiting.toLocaleString("en")}</td>
                    <td className={`px-3 py-2 text-right tabular-nums ${q.overdue > 0 ? "font-semibold text-red-800" : ""}`}>
                      {q.overdue.toLocaleString("en")}
                    </td>
                    <td className="px-3 py-2">
                      {q.earliestDueAt ? <Deadline dueAt={q.earliestDueAt} now={now} /> : <span className="text-slate-500">none</span>}
                    </td>
                    <td className="px-3 py-2">
                      {q.open ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="next" />
                          <input type="hidden" name="queueId" value={q.id} />
                          <button type="submit" className={secondaryButtonClass} disabled={!current && q.waiting === 0}>
                            Work this queue<span className="sr-only">: {q.name}</span>
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <div className="mt-6">
        <OwnExposurePanel exposure={exposure} />
      </div>
      {appealQueues.length > 0 ? (
        <section aria-labelledby="appeal-queues-heading" className="mt-6">
          <h2 id="appeal-queues-heading" className="mb-2 text-lg font-semibold">
            Appeals waiting in your queues
          </h2>
          <ul className="mb-3 divide-y divide-slate-100 rounded border border-slate-200 bg-white text-sm">
            {appealQueues.map((q) => (
              <li key={q.queueId} className="flex flex-wrap items-center gap-4 px-3 py-2">
                <span className="font-medium">{q.name}</span>
                <span>{q.waiting.toLocaleString("en")} waiting</span>
                <span className={q.overdue > 0 ? "font-semibold text-red-800" : ""}>{q.overdue.toLocaleString("en")} overdue</span>
                {q.earliestDueAt ? <Deadline dueAt={q.earliestDueAt} now={now} /> : null}
              </li>
            ))}
          </ul>
          <NextAppealButton secondary />
        </section>
      ) : null}
      <p className="mt-6 text-sm text-slate-600">
        On the review screen, press <kbd>?</kbd> for keyboard shortcuts.
      </p>
    </>
  );
}

function Stat({ label, value, tone }: { label: string; value: number; tone?: "alert" }) {
  return (
    <div className={`rounded border p-3 ${tone === "alert" ? "border-red-300 bg-red-50" : "border-slate-200 bg-white"}`}>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className={`text-2xl font-semibold ${tone === "alert" ? "text-red-800" : ""}`}>{value.toLocaleString("en")}</dd>
    </div>
  );
}
