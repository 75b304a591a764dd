import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Notice, PageHeader, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { countForExport, EXPORT_FORMATS, EXPORT_KINDS } from "~/modules/audit/export.server.ts";
import { TimeRange } from "~/modules/audit/range.ts";

export const access: Access = { kind: "user", capability: "audit:export" };
export const meta: MetaFunction = () => [{ title: "Export the audit log · Docket" }];

const Query = z.intersection(z.object({ kind: z.enum(EXPORT_KINDS), format: z.enum(EXPORT_FORMATS).default("csv") }), TimeRange);

const localInput = (d: Date) => d.toISOString().slice(0, 19);

/** Step one of an export: say what and when, see how many rows it holds, then download the stream. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "audit:export");
  const params = new URL(request.url).searchParams;
  const now = new Date();
  const defaults = {
    from: localInput(new Date(now.getTime() - 30 * 86_400_000)),
    to: localInput(new Date(now.getTime() + 60_000)),
    kind: "decisions",
    format: "csv",
  };
  if (!params.has("kind")) return json({ defaults, count: null, download: null, errors: [] as string[] });
  const parsed = Query.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    return json({ defaults, count: null, download: null, errors: parsed.error.issues.map((i) => i.message) }, { status: 400 });
  }
  const { kind, format, from, to } = parsed.data;
  const count = await countForExport(kind, { from, to });
  const download = `/audit/export/file?${new URLSearchParams({ kind, format, from: from.toISOString(), to: to.toISOString() })}`;
  return json({ defaults: { ...defaults, ...Object.fromEntries(params) }, count: { kind, rows: count }, download, errors: [] as string[] });
}

const KIND_NAMES: Record<string, string> = {
  events: "Audit events",
  decisions: "Decisions",
  statements: "DSA statements of reasons",
};

export default function AuditExport() {
  const { defaults, count, download, errors } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Export the audit log"
        description="Events and decisions as CSV or JSON Lines, or DSA statements of reasons (one batch of at most 100 per line, ready for the Transparency Database). Exports stream, so large ranges download as they are read; each export is recorded in the log."
        actions={
          <Link to="/audit" className={secondaryButtonClass}>
            Back to the log
          </Link>
        }
      />
      {errors.length > 0 ? <Notice tone="error">{errors.join(" ")}</Notice> : null}
      <Form method="get" className="mb-6 grid gap-4 rounded border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label htmlFor="x-kind" className="block text-sm font-medium">
            What
          </label>
          <select id="x-kind" name="kind" defaultValue={defaults.kind} className="mt-1 w-full rounded border border-slate-300 bg-white px-3 py-2">
            {Object.entries(KIND_NAMES).map(([k, name]) => (
              <option key={k} value={k}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="x-format" className="block text-sm font-medium">
            Format
          </label>
          <select
            id="x-format"
            name="format"
            defaultValue={defaults.format}
            className="mt-1 w-full rounded border border-slate-300 bg-white px-3 py-2"
            aria-describedby="x-format-help"
          >
            <option value="csv">CSV</option>
            <option value="jsonl">JSON Lines</option>
          </select>
          <p id="x-format-help" className="mt-1 text-xs text-slate-600">
            Statements of reasons are always JSON.
          </p>
        </div>
        <div>
          <label htmlFor="x-from" className="block text-sm font-medium">
            From (UTC)
          </label>
          <input id="x-from" name="from" type="datetime-local" step="1" required defaultValue={defaults.from} className={inputClass} />
        </div>
        <div>
          <label htmlFor="x-to" className="block text-sm font-medium">
            To (UTC, not included)
          </label>
          <input id="x-to" name="to" type="datetime-local" step="1" required defaultValue={defaults.to} className={inputClass} />
        </div>
        <div className="sm:col-span-2 lg:col-span-4">
          <button type="submit" className={buttonClass}>
            Count rows
          </button>
        </div>
      </Form>
      {count && download ? (
        <section aria-labelledby="ready" className="rounded border border-slate-200 bg-white p-4">
          <h2 id="ready" className="text-lg font-semibold">
            Ready to export
          </h2>
          <p className="mt-2 text-sm" role="status">
            {KIND_NAMES[count.kind]}: <strong>{count.rows.toLocaleString("en")}</strong> {count.kind === "statements" ? "restricting decisions" : "rows"} in
            this range
            {count.kind === "statements" ? ` (${Math.ceil(count.rows / 100).toLocaleString("en")} batches of at most 100)` : ""}.
          </p>
          <p className="mt-1 text-sm text-slate-600">
            The file streams as the server reads it, so the browser's download shows its progress from the first row; the count above is the total to expect.
          </p>
          {count.rows > 0 ? (
            <a href={download} download className={`${buttonClass} mt-3 inline-block`}>
              Download
            </a>
          ) : (
            <p className="mt-3 text-sm">Nothing to export in this range.</p>
          )}
        </section>
      ) : null}
    </>
  );
}
