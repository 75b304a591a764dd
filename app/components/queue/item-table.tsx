import { Link } from "@remix-run/react";
import { Deadline } from "./deadline.tsx";
import { SourceBadge } from "./source-badge.tsx";

export type ItemRow = {
  id: string;
  externalId: string;
  title: string | null;
  body: string | null;
  language: string | null;
  state: string;
  priority: number;
  dueAt: string | null;
  strongestSource: string;
  topReason: string;
  flagCount: number;
  heldBy: string | null;
};

/** Queue rows; titles and bodies are hostile text and are shown only as text. */
export function ItemTable({ items, now, canOpen, caption }: { items: ItemRow[]; now: string; canOpen: boolean; caption: string }) {
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            <th scope="col" className="px-3 py-2">
              Deadline
            </th>
            <th scope="col" className="px-3 py-2">
              Source
            </th>
            <th scope="col" className="px-3 py-2">
              Reason
            </th>
            <th scope="col" className="px-3 py-2">
              Content
            </th>
            <th scope="col" className="px-3 py-2">
              Lang
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Flags
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Priority
            </th>
            <th scope="col" className="px-3 py-2">
              Held by
            </th>
          </tr>
        </thead>
        <tbody>
          {items.length === 0 ? (
            <tr>
              <td colSpan={8} className="px-3 py-6 text-center text-slate-600">
                No items match.
              </td>
            </tr>
          ) : null}
          {items.map((i) => (
            <tr key={i.id} className="border-t border-slate-100 align-top">
              <td className="px-3 py-2 whitespace-nowrap">
                <Deadline dueAt={i.dueAt} now={now} />
              </td>
              <td className="px-3 py-2">
                <SourceBadge source={i.strongestSource} />
              </td>
              <td className="px-3 py-2">{i.topReason}</td>
              <td className="max-w-md px-3 py-2">
                {canOpen ? (
                  <Link to={`/review/${i.id}`} className="font-medium text-blue-800 underline">
                    {i.title || i.externalId}
                  </Link>
                ) : (
                  <span className="font-medium">{i.title || i.externalId}</span>
                )}
                {i.body ? <p className="truncate text-slate-600">{i.body}</p> : null}
              </td>
              <td className="px-3 py-2">{i.language ?? "–"}</td>
              <td className="px-3 py-2 text-right">{i.flagCount}</td>
              <td className="px-3 py-2 text-right">{i.priority}</td>
              <td className="px-3 py-2">{i.heldBy ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
