import { UnroutedNotice } from "~/components/queue/unrouted-notice.tsx";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BarChart, StackedColumns } from "~/components/ui/charts.tsx";
import { PageHeader } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { ACTIONS } from "~/modules/decisions/actions.ts";
import { ESCALATED_STATE, INITIAL_STATE } from "~/modules/items/lifecycle.ts";
import { SOURCE_NAMES, SOURCES } from "~/modules/items/sources.ts";
import { overview } from "~/modules/reports/overview.server.ts";

export const access: Access = { kind: "user", capability: "reports:view" };
export const meta: MetaFunction = () => [{ title: "Overview · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "reports:view");
  return json(await overview());
}

export default function Overview() {
  const data = useLoaderData<typeof loader>();
  const { met, total } = data.removalOrders;
  return (
    <>
      <PageHeader title="Overview" description="What is waiting, what is late, and what was decided in the last two weeks." />
      {data.unrouted > 0 ? <UnroutedNotice count={data.unrouted} /> : null}
      <dl className="mb-6 grid gap-4 sm:grid-cols-5">
        {[
          ["Waiting for review", data.byState[INITIAL_STATE] ?? 0],
          ["Escalated", data.byState[ESCALATED_STATE] ?? 0],
          ["Past their deadline", data.overdue],
          ["Unrouted (in no queue)", data.unrouted],
          ["Removal orders actioned within the hour", total ? `${met} of ${total}` : "none yet"],
        ].map(([label, value]) => (
          <div key={label} className="rounded border border-slate-200 bg-white p-4">
            <dt className="text-sm text-slate-600">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold">{value}</dd>
          </div>
        ))}
      </dl>
      <div className="grid gap-6 lg:grid-cols-2">
        <BarChart
          title="Open items by strongest source"
          bars={SOURCES.map((source) => ({ label: SOURCE_NAMES[source], value: data.openBySource[source] ?? 0 }))}
        />
        <StackedColumns
          title="Decisions per day (UTC) by action"
          series={[...ACTIONS]}
          columns={data.perDay.map((d) => ({ label: d.day.slice(5), parts: d.counts }))}
        />
      </div>
    </>
  );
}
