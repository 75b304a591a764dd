import { SourceBadge } from "~/components/queue/source-badge.tsx";

type Flag = { id: string; source: string; reason: string; note: string | null; receivedAt: string };

/** The notices the item arrived with, as they stood when it was decided. */
export function FlagList({ flags }: { flags: Flag[] }) {
  return (
    <section aria-labelledby="flag-list-heading" className="rounded border border-slate-200 bg-white p-4">
      <h2 id="flag-list-heading" className="text-base font-semibold">
        Flags ({flags.length})
      </h2>
      <ul className="mt-2 space-y-2 text-sm">
        {flags.slice(0, 50).map((f) => (
          <li key={f.id} className="flex flex-wrap items-start gap-2">
            <SourceBadge source={f.source} />
            <span className="font-medium">{f.reason}</span>
            <time dateTime={f.receivedAt} className="text-slate-600">
              {f.receivedAt.slice(0, 16).replace("T", " ")} UTC
            </time>
            {f.note ? <p className="w-full whitespace-pre-wrap break-words text-slate-700">{f.note}</p> : null}
          </li>
        ))}
      </ul>
      {flags.length > 50 ? <p className="mt-2 text-xs text-slate-600">And {flags.length - 50} more.</p> : null}
    </section>
  );
}
