import type { ReactNode } from "react";
import { GROUP_NAMES, SEVERITY_NAMES } from "~/modules/labels/format.ts";
import type { LabelView } from "~/modules/labels/types.ts";

export const groupBadgeClass: Record<string, string> = {
  allowed: "bg-green-100 text-green-900",
  violating: "bg-red-100 text-red-900",
  process: "bg-amber-100 text-amber-900",
};

export const statusBadgeClass: Record<string, string> = {
  published: "bg-green-100 text-green-900",
  draft: "bg-amber-100 text-amber-900",
  retired: "bg-slate-200 text-slate-700",
};

export const statusNames: Record<string, string> = { published: "Live", draft: "Draft", retired: "Retired" };

export function Badge({ className, children }: { className: string; children: ReactNode }) {
  return <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${className}`}>{children}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <Badge className={statusBadgeClass[status] ?? "bg-slate-100"}>{statusNames[status] ?? status}</Badge>;
}

function List({ items, empty }: { items: string[]; empty: string }) {
  if (items.length === 0) return <p className="text-slate-500">{empty}</p>;
  return (
    <ul className="list-disc pl-5">
      {items.map((item, i) => (
        <li key={i}>{item}</li>
      ))}
    </ul>
  );
}

/** Everything a label says, as a moderator or auditor reads it. */
export function LabelDetails({ label, usage }: { label: LabelView; usage?: number }) {
  return (
    <article
      id={`label-${label.key}`}
      aria-labelledby={`label-${label.key}-name`}
      className={`rounded border bg-white p-4 ${label.retired ? "border-dashed border-slate-300 opacity-80" : "border-slate-200"}`}
    >
      <header className="flex flex-wrap items-baseline gap-2">
        <h3 id={`label-${label.key}-name`} className="text-base font-semibold">
          {label.name}
        </h3>
        <code className="text-xs text-slate-600">{label.key}</code>
        <Badge className={groupBadgeClass[label.group]}>{GROUP_NAMES[label.group].title}</Badge>
        {label.retired ? <Badge className="bg-slate-200 text-slate-700">Retired</Badge> : null}
        {usage !== undefined ? (
          <span className="ml-auto text-sm text-slate-700">
            Applied <strong>{usage}</strong> {usage === 1 ? "time" : "times"}
          </span>
        ) : null}
      </header>
      <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="font-medium text-slate-600">Definition</dt>
        <dd>{label.definition}</dd>
        <dt className="font-medium text-slate-600">Cues</dt>
        <dd>
          <List items={label.cues} empty="None listed." />
        </dd>
        <dt className="font-medium text-slate-600">Not when</dt>
        <dd>{label.notWhen || <span className="text-slate-500">Nothing listed.</span>}</dd>
        <dt className="font-medium text-slate-600">Examples that fit</dt>
        <dd>
          <List items={label.positiveExamples} empty="None." />
        </dd>
        <dt className="font-medium text-slate-600">Examples that do not fit</dt>
        <dd>
          <List items={label.negativeExamples} empty="None." />
        </dd>
        <dt className="font-medium text-slate-600">Severity</dt>
        <dd>
          {label.severity} ({SEVERITY_NAMES[label.severity] ?? "?"})
        </dd>
        <dt className="font-medium text-slate-600">Default action</dt>
        <dd>{label.defaultAction}</dd>
        <dt className="font-medium text-slate-600">Rationale required</dt>
        <dd>{label.rationaleRequired ? "Yes" : "No"}</dd>
        <dt className="font-medium text-slate-600">Statement of reasons</dt>
        <dd>
          {label.sor ? (
            <span className="font-mono text-xs">
              {label.sor.category}; {label.sor.keywords.join(", ") || "no keywords"}; {label.sor.ground}
            </span>
          ) : (
            <span className="text-slate-500">None</span>
          )}
        </dd>
      </dl>
    </article>
  );
}

/** Labels under their group headings (allowed, violating, process), in position order. */
export function groupLabels<T extends { group: string; position: number }>(labels: T[]) {
  return (["allowed", "violating", "process"] as const).map((group) => ({
    group,
    ...GROUP_NAMES[group],
    labels: labels.filter((l) => l.group === group).sort((a, b) => a.position - b.position),
  }));
}

export function formatTime(value: string | Date | null | undefined): string {
  if (!value) return "—";
  return new Date(value).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}
