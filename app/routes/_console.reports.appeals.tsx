import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DashboardView } from "~/components/reports/dashboard-view.tsx";

import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { dashboardAnswer } from "~/modules/reporting/dashboard-frame.server.ts";
import { dashboardLinks, dashboardPage } from "~/modules/reporting/dashboard-pages.ts";

export const access: Access = { kind: "user", capability: "reports:dashboards" };
export const meta: MetaFunction = () => [{ title: `${dashboardPage("appeals").title} · Reports · Docket` }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "reports:dashboards");
  const answer = await dashboardAnswer("appeals", new URL(request.url), user);
  return json({ ...answer, pages: dashboardLinks(user.role) }, { status: answer.ok ? 200 : 400 });
}

export default function AppealsDashboard() {
  const d = useLoaderData<typeof loader>();
  return (
    <DashboardView
      page={dashboardPage("appeals")}
      pages={d.pages}
      form={d.form}
      error={d.ok ? undefined : d.error}
      facts={d.ok ? d.data.facts : []}
      charts={d.ok ? d.data.charts : []}
    />
  );
}
