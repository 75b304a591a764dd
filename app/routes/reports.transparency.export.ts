import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { currentTime } from "~/modules/clock/clock.ts";
import { badRequest } from "~/modules/http/errors.server.ts";
import { csvLine } from "~/modules/reports/csv.ts";
import { foldPending } from "~/modules/reporting/rollups.server.ts";
import { dayOf } from "~/modules/reporting/metrics.ts";
import { transparencyReport } from "~/modules/reporting/transparency.server.ts";
import { parseTransparencyQuery } from "~/modules/reporting/transparency-query.server.ts";
import { figureRows, type TransparencyReport } from "~/modules/reporting/transparency.ts";

export const access: Access = { kind: "user", capability: "transparency:read" };

const Format = z.object({ format: z.enum(["csv", "json"], { errorMap: () => ({ message: "format is csv or json." }) }) });

/** One row per figure: section, figure, breakdown, value, rule and the re-count link (absolute). */
function reportCsv(report: TransparencyReport, origin: string): string {
  let out = csvLine(["section", "figure", "breakdown", "value", "rule", "recount"]);
  for (const row of figureRows(report)) {
    out += csvLine([row.section, row.figure, row.breakdown, row.value, row.rule, row.recount ? `${origin}${row.recount}` : null]);
  }
  return out;
}

/** The transparency report as CSV or JSON, for the period and platform the page shows. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "transparency:read");
  const url = new URL(request.url);
  const format = Format.safeParse({ format: url.searchParams.get("format") ?? undefined });
  if (!format.success) return badRequest(format.error, "Choose the format: csv or json.");
  const rest = new URLSearchParams(url.searchParams);
  rest.delete("format");
  const parsed = parseTransparencyQuery(rest, dayOf(currentTime()));
  if (!parsed.success) return badRequest(parsed.error as z.ZodError, "The period is invalid; see issues.");
  const { period, platform } = parsed.data;
  await foldPending(20_000);
  const report = await transparencyReport(period, platform);
  const name = `transparency-${platform ?? "all"}-${period.from}-${period.to}`.replace(/[^A-Za-z0-9._-]/g, "_");
  const headers = { "Cache-Control": "no-store", "Content-Disposition": `attachment; filename="${name}.${format.data.format}"` };
  if (format.data.format === "json")
    return new Response(JSON.stringify(report, null, 2), { headers: { ...headers, "Content-Type": "application/json; charset=utf-8" } });
  return new Response(reportCsv(report, url.origin), { headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" } });
}
