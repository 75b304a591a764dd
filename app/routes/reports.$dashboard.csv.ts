import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { dashboardCsv } from "~/modules/reporting/dashboard-frame.server.ts";

export const access: Access = { kind: "user", capability: "reports:dashboards" };

// The moderators' dashboard has its own route (reports.moderators.csv.ts): a moderator may download their own figures.
const TeamDashboard = z.enum(["queues", "deadlines", "speed", "labels", "appeals"]);

/** One chart of a team dashboard as CSV: ?chart=<id> with the page's range and queue. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "reports:dashboards");
  const dashboard = TeamDashboard.safeParse(params.dashboard);
  if (!dashboard.success) return notFound("There is no such dashboard; the dashboards are queues, deadlines, speed, labels, appeals and moderators.");
  return dashboardCsv(dashboard.data, new URL(request.url), user);
}
