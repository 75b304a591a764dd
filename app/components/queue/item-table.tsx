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
  /** Set when the row stands for a cluster with several open members: the page's members fold into it. */
  cluster?: ClusterRow | null;
};

type ClusterRow = {
  id: string;
  size: number;
  open: number;
  representative: { id: string; externalId: string; title: string | null; body: string | null } | null;
  members: { id: string; externalId: string; title: string | null; dueAt: string | null; strongestSource: string; heldBy: string | null }[];
  sources: Record<string, number>;
  earliestDueAt: string | null;
};

/** Queue rows; titles and bodies are hostile text and are shown only as text. */
export function ItemTable({
  items,
  now,
  canOpen,
  canViewClusters = false,
  caption,
}: {
  items: ItemRow[];
  now: string;
  canOpen: boolean;
  canViewClusters?: boolean;
  caption: string;
}) {
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
                <Deadline dueAt={i.cluster ? i.cluster.earliestDueAt : i.dueAt} now={now} />
              </td>
              <td className="px-3 py-2">
                <SourceBadge source={i.strongestSource} />
              </td>
              <td className="px-3 py-2">{i.topReason}</td>
              <td className="max-w-md px-3 py-2">
                {i.cluster ? (
                  <ClusterCell cluster={i.cluster} now={now} canOpen={canOpen} canViewClusters={canViewClusters} />
                ) : canOpen ? (
                  <Link to={`/review/${i.id}`} className="font-medium text-blue-800 underline">
                    {i.title || i.externalId}
                  </Link>
                ) : (
                  <span className="font-medium">{i.title || i.externalId}</span>
                )}
                {!i.cluster && i.body ? <p className="truncate text-slate-600">{i.body}</p> : null}
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

/**
 * A cluster's row: its representative, how many members are open, and a disclosure (no script
 * needed) listing the members this page holds, each linked to its review screen.
 */
function ClusterCell({ cluster, now, canOpen, canViewClusters }: { cluster: ClusterRow; now: string; canOpen: boolean; canViewClusters: boolean }) {
  const rep = cluster.representative;
  const repName = rep ? rep.title || rep.externalId : "representative not found";
  const sources = Object.entries(cluster.sources)
    .map(([s, n]) => `${s} ${n}`)
    .join(", ");
  return (
    <>
      <p className="font-medium">
        <span className="mr-1 rounded border border-slate-300 px-1 text-xs">Cluster</span>
        {canViewClusters ? (
          <Link to={`/clusters/${cluster.id}`} className="text-blue-800 underline">
            {repName}
          </Link>
        ) : (
          repName
        )}
      </p>
      {rep?.body ? <p className="truncate text-slate-600">{rep.body}</p> : null}
      <details className="mt-1">
        <summary className="cursor-pointer text-slate-700">
          {cluster.open.toLocaleString("en")} open of {cluster.size.toLocaleString("en")} members; {cluster.members.length} on this page ({sources})
        </summary>
        <ul className="mt-1 space-y-1">
          {cluster.members.map((m) => (
            <li key={m.id} className="flex flex-wrap items-center gap-2">
              {canOpen ? (
                <Link to={`/review/${m.id}`} className="font-mono text-blue-800 underline">
                  {m.externalId}
                </Link>
              ) : (
                <span className="font-mono">{m.externalId}</span>
              )}
              <SourceBadge source={m.strongestSource} />
              <Deadline dueAt={m.dueAt} now={now} />
              {m.heldBy ? <span className="text-slate-600">held by {m.heldBy}</span> : null}
            </li>
          ))}
        </ul>
      </details>
    </>
  );
}
