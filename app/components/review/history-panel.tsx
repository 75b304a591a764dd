type HistoryRow = {
  id: string;
  action: string;
  labelKeys: string[];
  rationale: string;
  createdAt: string;
  byLead: boolean;
  /** Made on an appeal, replacing the decision named. */
  appealId?: string | null;
  supersedesId?: string | null;
  /** Replaced on appeal by the decision named. */
  replacedById?: string | null;
  user: { email: string };
  item: { externalId: string };
};

/** Earlier decisions on this item and on its author's other items. */
export function HistoryPanel({ onItem, onAuthor }: { onItem: HistoryRow[]; onAuthor: HistoryRow[] }) {
  return (
    <section aria-labelledby="history-heading" className="rounded border border-slate-200 bg-white p-4">
      <h2 id="history-heading" className="text-base font-semibold">
        Earlier decisions
      </h2>
      <History title="On this item" rows={onItem} />
      <History title="On this author's other items" rows={onAuthor} />
    </section>
  );
}

function History({ title, rows }: { title: string; rows: HistoryRow[] }) {
  return (
    <div className="mt-2">
      <h3 className="text-sm font-semibold text-slate-700">{title}</h3>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600">None.</p>
      ) : (
        <ul className="text-sm">
          {rows.map((d) => (
            <li key={d.id} className="border-t border-slate-100 py-1">
              <span className="font-medium">{d.action}</span> {d.labelKeys.join(", ")} · {d.user.email}
              {d.byLead ? " (lead)" : ""} · {d.createdAt.slice(0, 16).replace("T", " ")} · <span className="font-mono">{d.item.externalId}</span>
              {d.appealId ? <span className="ml-1 rounded bg-blue-100 px-1.5 text-xs text-blue-900">made on appeal</span> : null}
              {d.replacedById ? <span className="ml-1 rounded bg-amber-100 px-1.5 text-xs text-amber-900">replaced on appeal</span> : null}
              {d.rationale ? <p className="whitespace-pre-wrap break-words text-slate-600">{d.rationale}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
