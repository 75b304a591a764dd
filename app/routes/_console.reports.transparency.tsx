import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/ui/data-table.tsx";
import { FieldError, inputClass, buttonClass, PageHeader } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { currentTime } from "~/modules/clock/clock.ts";
import { foldPending } from "~/modules/reporting/rollups.server.ts";
import { dayOf } from "~/modules/reporting/metrics.ts";
import { transparencyReport } from "~/modules/reporting/transparency.server.ts";
import { parseTransparencyQuery, periodPresets, platformsWithItems } from "~/modules/reporting/transparency-query.server.ts";
import { figureTables, formatFigure } from "~/modules/reporting/transparency.ts";

export const access: Access = { kind: "user", capability: "transparency:read" };
export const meta: MetaFunction = () => [{ title: "Transparency report · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "transparency:read");
  // Re-count links open the audit search, which only auditors and admins may use; leads see the rule alone.
  const canRecount = can(user.role, "audit:read");
  const params = new URL(request.url).searchParams;
  const platforms = await platformsWithItems();
  const parsed = parseTransparencyQuery(params, dayOf(currentTime()));
  if (!parsed.success) {
    const errors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "from"), i.message]));
    return json(
      { report: null, platforms, errors, query: { from: params.get("from") ?? "", to: params.get("to") ?? "", platform: params.get("platform") ?? "" } },
      { status: 400 },
    );
  }
  const { period, platform } = parsed.data;
  await foldPending(20_000);
  const report = await transparencyReport(period, platform);
  return json({
    report,
    platforms,
    canRecount,
    presets: periodPresets(dayOf(currentTime())),
    errors: {} as Record<string, string>,
    query: { from: period.from, to: period.to, platform: platform ?? "" },
  });
}

export default function TransparencyReportPage() {
  const data = useLoaderData<typeof loader>();
  const { report, platforms, errors, query } = data;
  const presets = "presets" in data ? data.presets : [];
  const canRecount = "canRecount" in data && data.canRecount;
  const exportQuery = new URLSearchParams({ from: query.from, to: query.to, ...(query.platform ? { platform: query.platform } : {}) }).toString();
  return (
    <>
      <PageHeader
        title="Transparency report"
        description="DSA Articles 15 and 24 and TCO Regulation Article 7, for a period of whole UTC days. Each figure links the audit search that re-counts it."
      />
      <Form method="get" className="mb-6 grid gap-4 rounded border border-slate-200 bg-white p-4 sm:grid-cols-4" aria-label="Period and platform">
        <div>
          <label htmlFor="t-from" className="block text-sm font-medium">
            From (first day, UTC)
          </label>
          <input
            id="t-from"
            name="from"
            type="date"
            defaultValue={query.from}
            className={inputClass}
            aria-describedby={errors.from ? "t-from-error" : undefined}
          />
          <FieldError id="t-from-error" message={errors.from} />
        </div>
        <div>
          <label htmlFor="t-to" className="block text-sm font-medium">
            To (last day, UTC)
          </label>
          <input id="t-to" name="to" type="date" defaultValue={query.to} className={inputClass} aria-describedby={errors.to ? "t-to-error" : undefined} />
          <FieldError id="t-to-error" message={errors.to} />
        </div>
        <div>
          <label htmlFor="t-platform" className="block text-sm font-medium">
            Platform
          </label>
          <select id="t-platform" name="platform" defaultValue={query.platform} className={inputClass}>
            <option value="">Every platform</option>
            {platforms.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <div className="flex items-end">
          <button type="submit" className={buttonClass}>
            Show report
          </button>
        </div>
      </Form>
      {presets.length ? (
        <nav aria-label="Periods" className="-mt-3 mb-6 flex flex-wrap gap-2 text-sm">
          {presets.map(({ label, period }) => (
            <Link
              key={label}
              className="rounded border border-slate-300 bg-white px-3 py-1 underline-offset-2 hover:underline"
              aria-current={period.from === query.from && period.to === query.to ? "true" : undefined}
              to={`?${new URLSearchParams({ from: period.from, to: period.to, ...(query.platform ? { platform: query.platform } : {}) })}`}
            >
              {label}
            </Link>
          ))}
        </nav>
      ) : null}
      {report ? (
        <>
          <p className="mb-4 text-sm">
            {report.period.from} to {report.period.to} (UTC, both days included), {report.platform ?? "every platform"}. Download as{" "}
            <a className="underline" href={`/reports/transparency/export?format=csv&${exportQuery}`}>
              CSV
            </a>{" "}
            or{" "}
            <a className="underline" href={`/reports/transparency/export?format=json&${exportQuery}`}>
              JSON
            </a>
            .
          </p>
          <p className="mb-6 rounded border border-slate-200 bg-white p-4 text-sm">{report.dsa.automatedMeans.statement}</p>
          {figureTables(report).map((table) => (
            <section key={table.title} className="mb-8" aria-labelledby={`h-${table.rows[0].section}`}>
              <h2 id={`h-${table.rows[0].section}`} className="mb-2 text-lg font-semibold">
                {table.title}
              </h2>
              <DataTable caption={table.title} columns={["Figure", { label: "Value", align: "right" }, "What is counted", "Re-count"]}>
                {table.rows.map((row) => (
                  <tr key={row.path} className="border-t border-slate-200 align-top">
                    <th scope="row" className="px-3 py-2 text-left font-normal">
                      {row.label}
                    </th>
                    <td className="px-3 py-2 text-right tabular-nums">{formatFigure(row)}</td>
                    <td className="px-3 py-2 text-sm text-slate-700">{row.rule}</td>
                    <td className="px-3 py-2 text-sm">
                      {row.recount && canRecount ? (
                        <Link className="underline" to={row.recount} aria-label={`Re-count: ${row.label}`}>
                          Audit search
                        </Link>
                      ) : row.recount ? (
                        <span className="text-slate-600">In the audit search (auditors)</span>
                      ) : (
                        <span className="text-slate-600">Not re-countable by search</span>
                      )}
                    </td>
                  </tr>
                ))}
              </DataTable>
            </section>
          ))}
        </>
      ) : null}
    </>
  );
}
