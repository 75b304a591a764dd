import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AppealFiguresTables } from "~/components/appeals/figures-tables.tsx";
import { AppealList } from "~/components/appeals/appeal-list.tsx";
import { NextAppealButton } from "~/components/appeals/next-appeal-button.tsx";
import { Deadline } from "~/components/queue/deadline.tsx";
import { Notice, PageHeader, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { appealFigures } from "~/modules/appeals/figures.server.ts";
import {
  appealList,
  appealQueueChoices,
  memberQueueIds,
  myAppealQueues,
  unroutedAppealCount,
  type AppealFilter,
  type AppealQueueFigures,
} from "~/modules/appeals/list.server.ts";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";

export const access: Access = { kind: "user", capability: "appeals:view" };
export const meta: MetaFunction = () => [{ title: "Appeals · Docket" }];

const DAY = 86_400_000;
const FILTERS = ["open", "overdue", "unrouted", "decided", "all"] as const;
type FilterName = (typeof FILTERS)[number];

/** A day from the period picker, or the fallback when it is missing or not a date. */
function dayOf(value: string | null, fallback: Date): Date {
  if (value && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const d = new Date(`${value}T00:00:00.000Z`);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return fallback;
}

function filterOf(name: FilterName, queue: string | null): AppealFilter {
  const byQueue = queue ? { queueId: queue } : {};
  switch (name) {
    case "open":
      return { state: "open", ...byQueue };
    case "overdue":
      return { overdue: true, ...byQueue };
    case "unrouted":
      return { queueId: "unrouted" };
    case "decided":
      return { state: "decided", ...byQueue };
    case "all":
      return byQueue;
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "appeals:view");
  const url = new URL(request.url);
  const now = new Date();
  const reader = can(user.role, "appeals:read");
  const reviewer = can(user.role, "appeals:review");
  const name = (FILTERS as readonly string[]).includes(url.searchParams.get("show") ?? "") ? (url.searchParams.get("show") as FilterName) : "open";
  const queue = url.searchParams.get("queue")?.slice(0, 64) || null;
  // A reviewer who reads no other appeals sees the ones waiting in their own queues and the ones they answered.
  const filter: AppealFilter = {
    ...filterOf(name, queue),
    ...(reader ? {} : { visibleTo: { userId: user.id, queueIds: await memberQueueIds(user.id) } }),
  };
  const to = dayOf(url.searchParams.get("to"), new Date(Math.floor(now.getTime() / DAY) * DAY));
  const from = dayOf(url.searchParams.get("from"), new Date(to.getTime() - 90 * DAY));
  const [appeals, queues, mine, unrouted, figures] = await Promise.all([
    appealList(filter, now),
    appealQueueChoices(),
    reviewer ? myAppealQueues(user.id, now) : ([] as AppealQueueFigures[]),
    reader ? unroutedAppealCount() : 0,
    reader ? appealFigures({ from, to: new Date(to.getTime() + DAY) }, { byModerator: can(user.role, "appeals:by_moderator") }) : null,
  ]);
  return json({
    appeals,
    queues,
    mine,
    unrouted,
    figures,
    show: name,
    queue,
    period: { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) },
    reader,
    reviewer,
    manager: can(user.role, "appeals:manage"),
    notice: url.searchParams.get("notice"),
    now: now.toISOString(),
  });
}

const FILTER_WORDS: Record<FilterName, string> = { open: "Open", overdue: "Overdue", unrouted: "Unrouted", decided: "Decided", all: "All" };

export default function Appeals() {
  const { appeals, queues, mine, unrouted, figures, show, queue, period, reader, reviewer, manager, notice, now } = useLoaderData<typeof loader>();
  const shown = reader ? FILTERS : FILTERS.filter((f) => f !== "unrouted");
  const periodWords = `${period.from} to ${period.to}`;
  return (
    <>
      <PageHeader
        title="Appeals"
        description="Complaints against decisions (DSA Art. 20): each is reviewed by someone who took no part in the decision, and answered with reasons."
        actions={
          <div className="flex flex-wrap items-center gap-3">
            {reviewer ? <NextAppealButton /> : null}
            {manager ? (
              <>
                <Link to="/appeals/new" className={secondaryButtonClass}>
                  Record an appeal
                </Link>
                <Link to="/appeals/templates" className={secondaryButtonClass}>
                  Answer templates
                </Link>
              </>
            ) : null}
          </div>
        }
      />
      {notice === "none-waiting" ? <Notice tone="info">No appeal is waiting for you right now.</Notice> : null}
      {reviewer && mine.length > 0 ? (
        <section aria-labelledby="mine-heading" className="mb-6">
          <h2 id="mine-heading" className="mb-2 text-lg font-semibold">
            Your appeal queues
          </h2>
          <ul className="divide-y divide-slate-100 rounded border border-slate-200 bg-white text-sm">
            {mine.map((q) => (
              <li key={q.queueId} className="flex flex-wrap items-center gap-4 px-3 py-2">
                <span className="font-medium">{q.name}</span>
                <span>{q.waiting.toLocaleString("en")} waiting</span>
                <span className={q.overdue > 0 ? "font-semibold text-red-800" : ""}>{q.overdue.toLocaleString("en")} overdue</span>
                {q.earliestDueAt ? <Deadline dueAt={q.earliestDueAt} now={now} /> : null}
                <NextAppealButton label="Work this queue" queue={{ id: q.queueId, name: q.name }} secondary />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {reader && unrouted > 0 ? (
        <Notice tone="error">
          {unrouted.toLocaleString("en")} open appeal(s) wait unrouted: no appeal rule sends them to an open queue.{" "}
          <Link to="/appeals?show=unrouted" className="underline">
            See them
          </Link>
        </Notice>
      ) : null}
      <section aria-labelledby="list-heading" className="mb-8">
        <h2 id="list-heading" className="mb-2 text-lg font-semibold">
          {reader ? "Appeals" : "Appeals in your queues"}
        </h2>
        <nav aria-label="Appeal filters" className="mb-3 flex flex-wrap items-center gap-3 text-sm">
          {shown.map((f) => (
            <Link
              key={f}
              to={`/appeals?show=${f}${queue && f !== "unrouted" ? `&queue=${encodeURIComponent(queue)}` : ""}`}
              aria-current={f === show ? "page" : undefined}
              className={f === show ? "rounded bg-blue-800 px-2 py-1 text-white" : "text-blue-800 underline"}
            >
              {FILTER_WORDS[f]}
            </Link>
          ))}
          <Form method="get" className="flex items-center gap-2">
            <input type="hidden" name="show" value={show === "unrouted" ? "open" : show} />
            <label htmlFor="queue-filter">Queue</label>
            <select id="queue-filter" name="queue" defaultValue={queue ?? ""} className="rounded border border-slate-300 px-2 py-1">
              <option value="">Every queue</option>
              {queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
            <button type="submit" className={secondaryButtonClass}>
              Show
            </button>
          </Form>
        </nav>
        <AppealList appeals={appeals} queues={queues} now={now} canMove={manager} />
      </section>
      {figures ? (
        <section aria-labelledby="figures-heading">
          <h2 id="figures-heading" className="mb-2 text-lg font-semibold">
            Counts, {periodWords}
          </h2>
          <Form method="get" className="mb-4 flex flex-wrap items-end gap-3 text-sm">
            <input type="hidden" name="show" value={show} />
            {queue ? <input type="hidden" name="queue" value={queue} /> : null}
            <div>
              <label htmlFor="period-from" className="block font-medium">
                Received from
              </label>
              <input id="period-from" type="date" name="from" defaultValue={period.from} className={inputClass} />
            </div>
            <div>
              <label htmlFor="period-to" className="block font-medium">
                to (inclusive)
              </label>
              <input id="period-to" type="date" name="to" defaultValue={period.to} className={inputClass} />
            </div>
            <button type="submit" className={secondaryButtonClass}>
              Count
            </button>
          </Form>
          <AppealFiguresTables figures={figures} period={periodWords} />
        </section>
      ) : null}
    </>
  );
}
