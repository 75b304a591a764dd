type HistoryRow = {
  id: string;
  action: string;
  labelKeys: string[];
  rationale: string;
  createdAt: string;
  byLead: boolean;
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
              {d.rationale ? <p className="whitespace-pre-wrap break-words text-slate-600">{d.rationale}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
