import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { badRequest } from "~/modules/http/errors.server.ts";
import { ReportPeriod } from "~/modules/reporting/days.ts";
import { foldPending } from "~/modules/reporting/rollups.server.ts";
import { transparencyReport } from "~/modules/reporting/transparency.server.ts";

export const access = { kind: "api", scope: "reports:read" } satisfies Access;

/** The key's own platform's transparency report for [from, to): whole UTC days. */
export async function loader({ request }: LoaderFunctionArgs) {
  const client = await requireApiKey(request, access.scope);
  const params = new URL(request.url).searchParams;
  const parsed = ReportPeriod.safeParse({ from: params.get("from") ?? undefined, to: params.get("to") ?? undefined });
  if (!parsed.success) return badRequest(parsed.error, "The period is invalid: from and to are UTC midnights (or dates), to after from; see issues.");
  await foldPending(20_000);
  return json(await transparencyReport(parsed.data, client.platform), { headers: { "Cache-Control": "no-store" } });
}
