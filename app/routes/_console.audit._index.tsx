import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { OutcomeBadge, utc } from "~/components/audit/format.tsx";
import { Notice, PageHeader, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { knownActions, knownLabelKeys, parseSearch, searchEvents } from "~/modules/audit/search.server.ts";
import { OUTCOMES } from "~/modules/audit/snapshot.ts";
import { SOURCES as FLAG_SOURCES, SOURCE_NAMES } from "~/modules/items/sources.ts";

export const access: Access = { kind: "user", capability: "audit:read" };
export const meta: MetaFunction = () => [{ title: "Audit log · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "audit:read");
  const params = new URL(request.url).searchParams;
  const parsed = parseSearch(params);
  const [actions, labels] = await Promise.all([knownActions(), knownLabelKeys()]);
  const canExport = can(user.role, "audit:export");
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    return json({ rows: [], older: null, newer: null, actions, labels, errors, canExport }, { status: 400 });
  }
  const page = await searchEvents(parsed.data);
  return json({ ...page, actions, labels, errors: [] as string[], canExport });
}

const selectClass = "mt-1 w-full rounded border border-slate-300 bg-white px-3 py-2";

export default function AuditSearch() {
  const { rows, older, newer, actions, labels, errors, canExport } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const value = (k: string) => params.get(k) ?? "";
  const pageLink = (key: "before" | "after", seq: number) => {
    const next = new URLSearchParams(params);
    next.delete("before");
    next.delete("after");
    next.set(key, String(seq));
    return `/audit?${next}`;
  };
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change in Docket, in commit order, each event chained to the one before it by its hash. Read-only."
        actions={
          <div className="flex gap-2">
            <Link to="/audit/verify" className={secondaryButtonClass}>
              Verify the chain
            </Link>
            {canExport ? (
              <Link to="/audit/export" className={secondaryButtonClass}>
                Export
              </Link>
            ) : null}
          </div>
        }
      />
      {errors.length > 0 ? <Notice tone="error">Check the search: {errors.join("; ")}</Notice> : null}
      <Form
        method="get"
        className="mb-6 grid gap-4 rounded border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4"
        role="search"
        aria-label="Search the audit log"
      >
        <div>
          <label htmlFor="f-from" className="block text-sm font-medium">
            From (UTC)
          </label>
          <input id="f-from" name="from" type="datetime-local" step="1" defaultValue={value("from")} className={inputClass} />
        </div>
        <div>
          <label htmlFor="f-to" className="block text-sm font-medium">
            To (UTC)
          </label>
          <input id="f-to" name="to" type="datetime-local" step="1" defaultValue={value("to")} className={inputClass} />
        </div>
        <div>
          <label htmlFor="f-actor" className="block text-sm font-medium">
            Actor (email or id)
          </label>
          <input id="f-actor" name="actor" defaultValue={value("actor")} className={inputClass} />
        </div>
        <div>
          <label htmlFor="f-action" className="block text-sm font-medium">
            Event action
          </label>
          <select id="f-action" name="action" defaultValue={value("action")} className={selectClass}>
            <option value="">Any</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-item" className="block text-sm font-medium">
            Item external id
          </label>
          <input id="f-item" name="item" defaultValue={value("item")} className={inputClass} />
        </div>
        <div>
          <label htmlFor="f-label" className="block text-sm font-medium">
            Label
          </label>
          <select id="f-label" name="label" defaultValue={value("label")} className={selectClass}>
            <option value="">Any</option>
            {labels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-source" className="block text-sm font-medium">
            Flag source
          </label>
          <select id="f-source" name="source" defaultValue={value("source")} className={selectClass}>
            <option value="">Any</option>
            {FLAG_SOURCES.map((s) => (
              <option key={s} value={s}>
                {SOURCE_NAMES[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-outcome" className="block text-sm font-medium">
            Outcome
          </label>
          <select id="f-outcome" name="outcome" defaultValue={value("outcome")} className={selectClass}>
            <option value="">Any</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="f-reference" className="block text-sm font-medium">
            Referral or order reference
          </label>
          <input id="f-reference" name="reference" defaultValue={value("reference")} className={inputClass} />
        </div>
        <div>
          <label htmlFor="f-platform" className="block text-sm font-medium">
            Platform
          </label>
          <input id="f-platform" name="platform" defaultValue={value("platform")} className={inputClass} />
        </div>
        {/* A report's re-count link narrows by these too; they stay through a new search until cleared. */}
        {(["kind", "ground", "field"] as const).some((k) => value(k)) ? (
          <p className="text-sm sm:col-span-2 lg:col-span-4">
            Also narrowed by{" "}
            {(["kind", "ground", "field"] as const)
              .filter((k) => value(k))
              .map((k) => `${k} ${value(k)}`)
              .join("; ")}
            .{(["kind", "ground", "field"] as const).map((k) => (value(k) ? <input key={k} type="hidden" name={k} value={value(k)} /> : null))}
          </p>
        ) : null}
        <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-4">
          <button type="submit" className={buttonClass}>
            Search
          </button>
          <Link to="/audit" className={secondaryButtonClass}>
            Clear
          </Link>
          <p className="text-sm text-slate-600">Item, label, flag source, outcome, reference and platform narrow the log to decisions.</p>
        </div>
      </Form>
      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Audit events, newest first</caption>
          <thead className="bg-slate-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2">
                Seq
              </th>
              <th scope="col" className="px-3 py-2">
                Time
              </th>
              <th scope="col" className="px-3 py-2">
                Actor
              </th>
              <th scope="col" className="px-3 py-2">
                Action
              </th>
              <th scope="col" className="px-3 py-2">
                Subject
              </th>
              <th scope="col" className="px-3 py-2">
                Decision
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-3 py-4 text-slate-600">
                  No events match.
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr key={r.seq} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2 font-mono">
                    <Link to={`/audit/events/${r.seq}`} className="text-blue-800 hover:underline" aria-label={`Event ${r.seq}`}>
                      {r.seq}
                    </Link>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">{utc(r.at)}</td>
                  <td className="px-3 py-2 break-all">{r.actorLabel}</td>
                  <td className="px-3 py-2 font-mono">
                    {r.action}
                    {r.recordedAs !== r.action ? <span className="block text-xs text-slate-600">recorded as {r.recordedAs}</span> : null}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs break-all">
                    {r.subjectType}
                    {r.subjectId ? `: ${r.subjectId}` : ""}
                  </td>
                  <td className="px-3 py-2">
                    {r.decisionId ? (
                      <Link to={`/audit/decisions/${r.decisionId}`} className="inline-flex items-center gap-2 text-blue-800 hover:underline">
                        <OutcomeBadge action={r.decisionAction ?? ""} /> <span>Decision</span>
                      </Link>
                    ) : null}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pages" className="mt-4 flex gap-2">
        {newer !== null ? (
          <Link to={pageLink("after", newer)} className={secondaryButtonClass} rel="prev">
            Newer events
          </Link>
        ) : null}
        {older !== null ? (
          <Link to={pageLink("before", older)} className={secondaryButtonClass} rel="next">
            Older events
          </Link>
        ) : null}
      </nav>
    </>
  );
}
