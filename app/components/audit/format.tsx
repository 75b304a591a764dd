import type { ReactNode } from "react";

/** Times in the audit console are UTC, to the second, so auditors in any zone read the same log. */
export function utc(value: string | Date | null | undefined): string {
  if (!value) return "—";
  const d = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

const ACTION_TONES: Record<string, string> = {
  keep: "bg-green-100 text-green-900",
  remove: "bg-red-100 text-red-900",
  restrict: "bg-amber-100 text-amber-900",
  escalate: "bg-purple-100 text-purple-900",
};

export function OutcomeBadge({ action }: { action: string }) {
  return <span className={`rounded px-2 py-0.5 text-xs font-medium ${ACTION_TONES[action] ?? "bg-slate-100 text-slate-900"}`}>{action}</span>;
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="py-1 sm:grid sm:grid-cols-4 sm:gap-4">
      <dt className="text-sm font-medium text-slate-600">{label}</dt>
      <dd className="text-sm sm:col-span-3 break-words">{children}</dd>
    </div>
  );
}

export function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="mb-6 rounded border border-slate-200 bg-white p-4">
      <h2 id={id} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** Hostile text shown as text, wrapped and preserved, never as markup. */
export function PlainText({ text }: { text: string | null | undefined }) {
  if (!text) return <span className="text-slate-500">none</span>;
  return <span className="whitespace-pre-wrap break-words">{text}</span>;
}
