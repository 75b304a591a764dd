// What every dashboard page and its CSV share: reading the range and queue from the query string
// (refusing bad ones with a 400, never a 500), folding what the audit log holds beyond the rollups,
// and calling the page's figures.
import { z } from "zod";
import { currentTime } from "~/modules/clock/clock.ts";
import { apiError, errorBody, notFound, zodIssues, type ErrorBody } from "~/modules/http/errors.server.ts";
import { csvLine } from "~/modules/reports/csv.ts";
import { chartRows } from "./dashboard-charts.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { DASHBOARDS, queueNames, type DashboardData } from "./dashboards.server.ts";
import type { DashboardPageKey } from "./dashboard-pages.ts";
import { DashboardRange, resolveRange, type DayRange } from "./days.ts";
import { dayOf } from "./metrics.ts";
import { foldPending } from "./rollups.server.ts";

/** What the form shows: the choices and the values as they were sent, so a refused form can be corrected. */
export type DashboardForm = {
  queues: { id: string; name: string }[];
  days: string;
  from: string;
  to: string;
  queue: string;
};

export type DashboardAnswer =
  { ok: true; form: DashboardForm; range: DayRange; queueId: string | null; data: DashboardData } | ({ ok: false; form: DashboardForm } & ErrorBody);

const QueueParam = z.string().trim().max(64, "queue is not a queue id.").optional();

/**
 * The range and queue of a dashboard request. A preset (`days`) wins over dates, so the form's preset
 * buttons work while its date fields still hold the range on show. Empty fields count as not sent.
 */
export async function readDashboardQuery(url: URL) {
  const sent = Object.fromEntries([...url.searchParams].filter(([, v]) => v.trim() !== ""));
  const queueNamesById = await queueNames();
  const queues = [...queueNamesById].filter(([id]) => id !== "").map(([id, name]) => ({ id, name }));
  const form: DashboardForm = { queues, days: sent.days ?? "", from: sent.from ?? "", to: sent.to ?? "", queue: sent.queue ?? "" };
  const rangeInput = sent.days !== undefined ? { days: sent.days } : { from: sent.from, to: sent.to };
  const range = DashboardRange.safeParse(rangeInput);
  const queue = QueueParam.safeParse(sent.queue);
  const issues = [...(range.success ? [] : zodIssues(range.error)), ...(queue.success ? [] : zodIssues(queue.error, "queue"))];
  const queueId = queue.success ? (queue.data ?? null) : null;
  if (queueId !== null && !queueNamesById.has(queueId)) issues.push({ path: "queue", message: "There is no such queue; choose one from the list." });
  if (!range.success || issues.length > 0) {
    return { ok: false as const, form, ...errorBody("invalid_range", "The range or queue is not valid; correct the fields and show again.", issues) };
  }
  const resolved = resolveRange(range.data, dayOf(currentTime()));
  return { ok: true as const, form: { ...form, from: resolved.from, to: resolved.to }, range: resolved, queueId };
}

/** A dashboard's figures for a request, current as of the audit log's end. */
export async function dashboardAnswer(key: DashboardPageKey, url: URL, viewer: { id: string; role: Role }): Promise<DashboardAnswer> {
  const query = await readDashboardQuery(url);
  if (!query.ok) return query;
  await foldPending(20_000);
  const data = await DASHBOARDS[key]({ range: query.range, queueId: query.queueId, viewer });
  return { ...query, data };
}

/** One chart of a dashboard as CSV, for the same range, queue and viewer as the page. */
export async function dashboardCsv(key: DashboardPageKey, url: URL, viewer: { id: string; role: Role }): Promise<Response> {
  const chartId = url.searchParams.get("chart")?.trim() ?? "";
  if (!chartId)
    return apiError(400, "invalid_request", "Say which chart to download: chart is the id in the page's Download CSV link.", [
      { path: "chart", message: "Required." },
    ]);
  const answer = await dashboardAnswer(key, url, viewer);
  if (!answer.ok) return apiError(400, answer.error.code, answer.error.message, answer.error.issues);
  const chart = answer.data.charts.find((c) => c.id === chartId);
  if (!chart) return notFound(`This dashboard has no chart "${chartId.slice(0, 40)}"; its charts are ${answer.data.charts.map((c) => c.id).join(", ")}.`);
  const scope = answer.queueId === null ? "" : `-queue-${answer.queueId.slice(0, 8)}`;
  return new Response(chartRows(chart).map(csvLine).join(""), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="docket-${key}-${chart.id}-${answer.range.from}-to-${answer.range.to}${scope}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
