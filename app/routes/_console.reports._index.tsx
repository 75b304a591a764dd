import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DashboardNav } from "~/components/reports/dashboard-view.tsx";
import { PageHeader } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { DASHBOARD_PAGES, dashboardLinks } from "~/modules/reporting/dashboard-pages.ts";

export const access: Access = { kind: "user", capability: "reports:dashboards" };
export const meta: MetaFunction = () => [{ title: "Reports · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "reports:dashboards");
  return json({
    pages: dashboardLinks(user.role),
    dashboards: DASHBOARD_PAGES.filter((p) => can(user.role, p.capability)).map(({ key, title, description }) => ({ key, title, description })),
  });
}

export default function Reports() {
  const { pages, dashboards } = useLoaderData<typeof loader>();
  return (
    <>
      <DashboardNav pages={pages} current="index" />
      <PageHeader
        title="Reports"
        description="Dashboards of the team's work over a range of days, read from daily figures kept as the audit log grows. Each chart has its figures in a table and as CSV."
      />
      <ul className="grid gap-4 sm:grid-cols-2">
        {dashboards.map((d) => (
          <li key={d.key} className="rounded border border-slate-200 bg-white p-4">
            <h2 className="text-lg font-semibold">
              <a href={`/reports/${d.key}`} className="text-blue-800 underline hover:text-blue-950">
                {d.title}
              </a>
            </h2>
            <p className="mt-1 text-sm text-slate-600">{d.description}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
