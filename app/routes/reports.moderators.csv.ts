import type { LoaderFunctionArgs } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { dashboardCsv } from "~/modules/reporting/dashboard-frame.server.ts";

export const access: Access = { kind: "user", capability: "reports:own" };

/** One chart of the moderators' dashboard as CSV; without reports:by_moderator it holds the viewer's own figures only. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "reports:own");
  return dashboardCsv("moderators", new URL(request.url), user);
}
