import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ItemTable } from "~/components/queue/item-table.tsx";
import { PageHeader, buttonClass, inputClass } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { listQueue, parseListFilters } from "~/modules/queue/list.server.ts";
import { ITEM_STATES, SOURCE_NAMES, SOURCES } from "~/modules/queue/policy.ts";

export const access: Access = { kind: "user", capability: "queue:view" };
export const meta: MetaFunction = () => [{ title: "Queue · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "queue:view");
  const filters = parseListFilters(new URL(request.url));
  const started = performance.now();
  const list = await listQueue(filters);
  const serverMs = Math.round((performance.now() - started) * 10) / 10;
  return json(
    { filters, ...list, now: new Date().toISOString(), canOpen: can(user.role, "queue:review"), serverMs },
    { headers: { "Server-Timing": `queue;dur=${serverMs}` } },
  );
}

export default function QueueList() {
  const data = useLoaderData<typeof loader>();
  const { filters, counts } = data;
  const pageLink = (page: number) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v !== undefined && k !== "page") p.set(k, String(v));
    p.set("page", String(page));
    return `?${p}`;
  };
  const reasons = Object.keys(counts.reason).sort();
  const languages = Object.keys(counts.language).sort();
  return (
    <>
      <PageHeader title="Queue" description={`${data.total.toLocaleString("en")} items match; ${data.overdueTotal.toLocaleString("en")} overdue.`} />
      <Form method="get" className="mb-4 grid gap-3 rounded border border-slate-200 bg-white p-3 sm:grid-cols-6">
        <div>
          <label htmlFor="f-state" className="block text-sm font-medium">State</label>
          <select id="f-state" name="state" defaultValue={filters.state} className={inputClass}>
            {ITEM_STATES.map((s) => (
              <option key={s} value={s}>
                {`${s} (${(counts.state[s] ?? 0).toLocaleString("en")})`}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-source" className="block text-sm font-medium">Source</label>
          <select id="f-source" name="source" defaultValue={filters.source ?? ""} className={inputClass}>
            <option value="">Any</option>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {`${SOURCE_NAMES[s]} (${(counts.source[s] ?? 0).toLocaleString("en")})`}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-reason" className="block text-sm font-medium">Reason</label>
          <select id="f-reason" name="reason" defaultValue={filters.reason ?? ""} className={inputClass}>
            <option value="">Any</option>
            {reasons.map((r) => (
              <option key={r} value={r}>
                {`${r} (${counts.reason[r].toLocaleString("en")})`}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-language" className="block text-sm font-medium">Language</label>
          <select id="f-language" name="language" defaultValue={filters.language ?? ""} className={inputClass}>
            <option value="">Any</option>
            {languages.filter((l) => l !== "unknown").map((l) => (
              <option key={l} value={l}>
                {`${l} (${counts.language[l].toLocaleString("en")})`}
              </option>
            ))}
          </select>
        </div>
        <div className="flex items-end gap-2 pb-2">
          <input type="checkbox" id="f-overdue" name="overdue" value="1" defaultChecked={filters.overdue === "1"} />
          <label htmlFor="f-overdue" className="text-sm font-medium">{`Overdue only (${data.overdueTotal.toLocaleString("en")})`}</label>
        </div>
        <div className="flex items-end">
          <button type="submit" className={buttonClass}>Apply filters</button>
        </div>
      </Form>
      <ItemTable items={data.items} now={data.now} canOpen={data.canOpen} caption="Items in queue order" />
      <nav aria-label="Pages" className="mt-4 flex items-center gap-4 text-sm">
        {filters.page > 1 ? <Link to={pageLink(filters.page - 1)} className="text-blue-800 underline">Previous page</Link> : null}
        <span>
          Page {filters.page} of {data.pages.toLocaleString("en")}
        </span>
        {filters.page < data.pages ? <Link to={pageLink(filters.page + 1)} className="text-blue-800 underline">Next page</Link> : null}
        <span className="ml-auto text-slate-500">Server time {data.serverMs} ms</span>
      </nav>
    </>
  );
}
