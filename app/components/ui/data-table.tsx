import type { ReactNode } from "react";

/** A column heading: its text, shown right-aligned for figures, or read only by screen readers (a column of buttons). */
export type Column = string | { label: string; align?: "right"; hidden?: boolean };

/**
 * The console's table: scrolls sideways on a narrow screen, names itself to screen readers, and heads
 * each column. The rows are the caller's.
 */
export function DataTable({ caption, columns, children, className = "" }: { caption: ReactNode; columns: Column[]; children: ReactNode; className?: string }) {
  return (
    <div className={`overflow-x-auto rounded border border-slate-200 bg-white ${className}`}>
      <table className="min-w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            {columns.map((column) => {
              const { label, align, hidden } = typeof column === "string" ? { label: column, align: undefined, hidden: false } : column;
              return (
                <th key={label} scope="col" className={`px-3 py-2${align === "right" ? " text-right" : ""}`}>
                  {hidden ? <span className="sr-only">{label}</span> : label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
