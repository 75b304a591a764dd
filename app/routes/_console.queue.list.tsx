import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { ItemTable } from "~/components/queue/item-table.tsx";
import { Pager } from "~/components/queue/pager.tsx";
import { PageHeader, buttonClass, inputClass } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { listQueue, parseListFilters } from "~/modules/queue/list.server.ts";
import { UNROUTED } from "~/modules/queue/unrouted.ts";
import { liveQueues } from "~/modules/queue/placement.server.ts";
import { OPEN_STATES, STATE_NAMES } from "~/modules/items/lifecycle.ts";
import { SOURCE_NAMES, SOURCES } from "~/modules/items/sources.ts";

export const access: Access = { kind: "user", capability: "queue:view" };
export const meta: MetaFunction = () => [{ title: "Queue · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "queue:view");
  const filters = parseListFilters(new URL(request.url));
  const started = performance.now();
  const [list, queues] = await Promise.all([listQueue(filters), liveQueues()]);
  const serverMs = Math.round((performance.now() - started) * 10) / 10;
  return json(
    {
      filters,
      ...list,
      queues,
      now: new Date().toISOString(),
      canOpen: can(user.role, "queue:review"),
      canViewClusters: can(user.role, "clusters:view"),
      serverMs,
    },
    { headers: { "Server-Timing": `queue;dur=${serverMs}` } },
  );
}

export default function QueueList() {
  const data = useLoaderData<typeof loader>();
  const { filters, counts, optionCounts, queueTotals } = data;
  const count = (n: number | undefined) => (optionCounts ? (n ?? 0) : undefined);
  const pageLink = (cursor?: { after: string } | { before: string }) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v !== undefined && k !== "after" && k !== "before") p.set(k, String(v));
    for (const [k, v] of Object.entries(cursor ?? {})) p.set(k, v);
    return `?${p}`;
  };
  const { page } = data;
  const reasons = Object.keys(counts.reason).sort();
  const languages = Object.keys(counts.language).sort();
  return (
    <>
      <PageHeader title="Queue" description={`${data.total.toLocaleString("en")} items match; ${data.overdueTotal.toLocaleString("en")} overdue.`} />
      <Form method="get" className="mb-4 grid gap-3 rounded border border-slate-200 bg-white p-3 sm:grid-cols-7">
        <CountSelect
          id="f-queue"
          name="queue"
          label="Queue"
          value={filters.queue ?? ""}
          any
          options={[
            ...data.queues.map((q) => ({ value: q.id, label: q.open ? q.name : `${q.name} (closed)`, count: queueTotals[q.id] ?? 0 })),
            { value: UNROUTED, label: "Unrouted", count: queueTotals[UNROUTED] ?? 0 },
          ]}
        />
        <CountSelect
          id="f-state"
          name="state"
          label="State"
          value={filters.state}
          options={OPEN_STATES.map((s) => ({ value: s, label: STATE_NAMES[s], count: count(counts.state[s]) }))}
        />
        <CountSelect
          id="f-source"
          name="source"
          label="Source"
          value={filters.source ?? ""}
          any
          options={SOURCES.map((s) => ({ value: s, label: SOURCE_NAMES[s], count: count(counts.source[s]) }))}
        />
        <CountSelect
          id="f-reason"
          name="reason"
          label="Reason"
          value={filters.reason ?? ""}
          any
          options={reasons.map((r) => ({ value: r, label: r, count: count(counts.reason[r]) }))}
        />
        <CountSelect
          id="f-language"
          name="language"
          label="Language"
          value={filters.language ?? ""}
          any
          options={languages.filter((l) => l !== "unknown").map((l) => ({ value: l, label: l, count: count(counts.language[l]) }))}
        />
        <div className="flex items-end gap-2 pb-2">
          <input type="checkbox" id="f-overdue" name="overdue" value="1" defaultChecked={filters.overdue === "1"} />
          <label htmlFor="f-overdue" className="text-sm font-medium">{`Overdue only (${data.overdueTotal.toLocaleString("en")})`}</label>
        </div>
        <div className="flex items-end">
          <button type="submit" className={buttonClass}>
            Apply filters
          </button>
        </div>
      </Form>
      <ItemTable items={data.items} now={data.now} canOpen={data.canOpen} canViewClusters={data.canViewClusters} caption="Items in queue order" />
      <Pager
        first={page.isFirst ? null : pageLink()}
        previous={page.previous ? pageLink({ before: page.previous }) : null}
        next={page.next ? pageLink({ after: page.next }) : null}
        from={page.from}
        to={page.to}
        total={data.total}
      >
        <span className="ml-auto text-slate-500">Server time {data.serverMs} ms</span>
      </Pager>
    </>
  );
}

/** A filter whose options say how many items each would show. */
function CountSelect(props: {
  id: string;
  name: string;
  label: string;
  value: string;
  any?: boolean;
  options: { value: string; label: string; count?: number }[];
}) {
  return (
    <div>
      <label htmlFor={props.id} className="block text-sm font-medium">
        {props.label}
      </label>
      <select id={props.id} name={props.name} defaultValue={props.value} className={inputClass}>
        {props.any ? <option value="">Any</option> : null}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.count === undefined ? o.label : `${o.label} (${o.count.toLocaleString("en")})`}
          </option>
        ))}
      </select>
    </div>
  );
}
