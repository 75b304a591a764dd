import type { ReactNode } from "react";
import { Form } from "@remix-run/react";
import { FieldError, Notice, PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Chart } from "~/modules/reporting/dashboard-charts.ts";
import type { DashboardForm } from "~/modules/reporting/dashboard-frame.server.ts";
import { PRESET_DAYS } from "~/modules/reporting/days.ts";
import { DashboardChart } from "./chart.tsx";

type PageLink = { key: string; title: string };
type Issue = { path: string; message: string };
type Fact = { label: string; value: string };

export type DashboardViewProps = {
  page: PageLink & { description: string };
  pages: PageLink[];
  form: DashboardForm;
  error?: { message: string; issues: Issue[] };
  facts?: Fact[];
  charts?: Chart[];
  children?: ReactNode;
};

/** The query string of the range and queue on show, for links that must read the same figures. */
export function rangeQuery(form: DashboardForm) {
  const params = new URLSearchParams({ from: form.from, to: form.to });
  if (form.queue) params.set("queue", form.queue);
  return params.toString();
}

/** A dashboard page: its navigation, the range and queue form, the headline figures and the charts. */
export function DashboardView({ page, pages, form, error, facts = [], charts = [], children }: DashboardViewProps) {
  const csvHref = (chart: Chart) => `/reports/${page.key}/csv?chart=${encodeURIComponent(chart.id)}&${rangeQuery(form)}`;
  return (
    <>
      <DashboardNav pages={pages} current={page.key} />
      <PageHeader title={page.title} description={page.description} />
      <RangeForm form={form} issues={error?.issues ?? []} />
      {error ? (
        <Notice tone="error">{error.message}</Notice>
      ) : (
        <>
          <p className="mb-4 text-sm text-slate-600">
            Figures for {form.from} to {form.to} (UTC days, both included)
            {form.queue ? `, queue ${form.queues.find((q) => q.id === form.queue)?.name ?? form.queue}` : ", all queues"}.
          </p>
          {facts.length > 0 ? (
            <dl className="mb-6 grid gap-3 sm:grid-cols-3">
              {facts.map((f) => (
                <div key={f.label} className="rounded border border-slate-200 bg-white p-3">
                  <dt className="text-sm text-slate-600">{f.label}</dt>
                  <dd className="mt-1 text-lg font-semibold tabular-nums">{f.value}</dd>
                </div>
              ))}
            </dl>
          ) : null}
          <div className="grid gap-6 xl:grid-cols-2">
            {charts.map((chart) => (
              <DashboardChart key={chart.id} chart={chart} csvHref={csvHref(chart)} />
            ))}
          </div>
          {children}
        </>
      )}
    </>
  );
}

export function DashboardNav({ pages, current }: { pages: PageLink[]; current: string }) {
  return (
    <nav aria-label="Dashboards" className="mb-4">
      <ul className="flex flex-wrap gap-1 text-sm">
        {pages.map((p) => (
          <li key={p.key}>
            <a
              href={p.key === "index" ? "/reports" : `/reports/${p.key}`}
              aria-current={p.key === current ? "page" : undefined}
              className={`block rounded px-3 py-1.5 ${p.key === current ? "bg-blue-100 font-medium text-blue-900" : "text-slate-700 hover:bg-slate-100"}`}
            >
              {p.title}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

const fieldClass = "mt-1 rounded border border-slate-300 px-2 py-1.5";

/**
 * The range and queue, as a plain GET form. "Show" comes first so Enter in a field shows the dates
 * typed; a preset button sends `days`, which wins over the dates still in the fields.
 */
function RangeForm({ form, issues }: { form: DashboardForm; issues: Issue[] }) {
  const issueOf = (field: string) => issues.find((i) => i.path === field)?.message;
  const presetOn = form.days || (form.from || form.to ? "" : "30");
  const field = (name: "from" | "to", label: string) => {
    const message = issueOf(name);
    return (
      <div>
        <label htmlFor={`range-${name}`} className="block font-medium">
          {label}
        </label>
        <input
          id={`range-${name}`}
          name={name}
          type="date"
          defaultValue={form[name]}
          className={fieldClass}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `range-${name}-error` : undefined}
        />
        <FieldError id={`range-${name}-error`} message={message} />
      </div>
    );
  };
  const queueMessage = issueOf("queue");
  const daysMessage = issueOf("days");
  return (
    <Form method="get" className="mb-6 rounded border border-slate-200 bg-white p-4 text-sm" aria-label="Range and queue">
      <div className="flex flex-wrap items-end gap-3">
        {field("from", "From (UTC day)")}
        {field("to", "To (UTC day, included)")}
        <div>
          <label htmlFor="range-queue" className="block font-medium">
            Queue
          </label>
          <select
            id="range-queue"
            name="queue"
            defaultValue={form.queue}
            className={fieldClass}
            aria-invalid={queueMessage ? true : undefined}
            aria-describedby={queueMessage ? "range-queue-error" : undefined}
          >
            <option value="">All queues</option>
            {form.queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
          <FieldError id="range-queue-error" message={queueMessage} />
        </div>
        <button type="submit" className={secondaryButtonClass}>
          Show
        </button>
      </div>
      <fieldset className="mt-3">
        <legend className="mb-1 font-medium">Or the last</legend>
        <div className="flex flex-wrap gap-2">
          {PRESET_DAYS.map((d) => (
            <button
              key={d}
              type="submit"
              name="days"
              value={d}
              aria-pressed={presetOn === String(d)}
              className={`${secondaryButtonClass} aria-pressed:bg-blue-100 aria-pressed:font-medium`}
            >
              {d} days
            </button>
          ))}
        </div>
        <FieldError id="range-days-error" message={daysMessage} />
      </fieldset>
    </Form>
  );
}
