import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Deadline } from "~/components/queue/deadline.tsx";
import { NextButton } from "~/components/queue/next-button.tsx";
import { Notice, PageHeader } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { INITIAL_STATE } from "~/modules/items/lifecycle.ts";
import { claimNext, currentClaim } from "~/modules/queue/claims.server.ts";
import { queueSummary } from "~/modules/queue/list.server.ts";

export const access: Access = { kind: "user", capability: "queue:review" };
export const meta: MetaFunction = () => [{ title: "Review queue · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "queue:review");
  const [summary, current] = await Promise.all([queueSummary(user.id), currentClaim(user.id)]);
  return json({ summary, current, now: new Date().toISOString(), notice: new URL(request.url).searchParams.get("notice") });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "queue:review");
  // A moderator who already holds an item gets it back rather than a second one: the claim decides that.
  const next = await claimNext(user, INITIAL_STATE);
  if (!next) return redirect("/queue?notice=empty");
  return redirect(`/review/${next.itemId}`);
}

const NOTICES: Record<string, [string, "success" | "info"]> = {
  empty: ["Nothing is waiting for review right now.", "info"],
  released: ["Released: the item is back in the queue.", "success"],
  "saved-empty": ["Decision saved. Nothing else is waiting right now.", "success"],
  "skipped-empty": ["Skipped. Nothing else is waiting right now.", "info"],
};

export default function QueueHome() {
  const { summary, current, now, notice } = useLoaderData<typeof loader>();
  const message = notice
    ? (NOTICES[notice] ?? (notice.startsWith("saved-copies-") ? ["Decision saved for the item and its copies. Nothing else is waiting.", "success"] : null))
    : null;
  return (
    <>
      <PageHeader title="Review" description="Take the next item: overdue items first, then by priority and age." />
      {message ? <Notice tone={message[1] as "success" | "info"}>{message[0]}</Notice> : null}
      <dl className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Waiting" value={summary.pending} />
        <Stat label="Overdue" value={summary.pendingOverdue} tone={summary.pendingOverdue > 0 ? "alert" : undefined} />
        <Stat label="Free to claim" value={summary.available} />
        <Stat label="Escalated" value={summary.escalated} />
        <Stat label="Decided by you (24 h)" value={summary.decidedByMeToday} />
      </dl>
      {summary.nextDueAt ? (
        <p className="mb-4 text-sm">
          Earliest deadline: <Deadline dueAt={summary.nextDueAt} now={now} />
        </p>
      ) : null}
      <div className="flex flex-wrap items-center gap-4">
        <NextButton label={current ? "Continue with the item you hold" : "Next item"} disabled={!current && summary.available === 0} />
        <Link to="/queue/list" className="text-blue-800 underline">
          See what is coming
        </Link>
      </div>
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
