import type { ReactNode } from "react";

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold">{title}</h1>
        {description ? <p className="mt-1 text-slate-600">{description}</p> : null}
      </div>
      {actions}
    </div>
  );
}

export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700">
      {message}
    </p>
  );
}

export function Notice({ tone = "info", children }: { tone?: "info" | "success" | "error"; children: ReactNode }) {
  const styles = {
    info: "bg-blue-50 text-blue-900",
    success: "bg-green-50 text-green-900",
    error: "bg-red-50 text-red-800",
  }[tone];
  return (
    <p role={tone === "error" ? "alert" : "status"} className={`mb-4 rounded p-3 text-sm ${styles}`}>
      {children}
    </p>
  );
}

export const inputClass = "mt-1 w-full rounded border border-slate-300 px-3 py-2";
export const buttonClass = "rounded bg-blue-800 px-4 py-2 text-sm font-medium text-white hover:bg-blue-900 disabled:opacity-60";
export const secondaryButtonClass = "rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100";
