import { Deadline } from "~/components/queue/deadline.tsx";
import { SourceBadge } from "~/components/queue/source-badge.tsx";
import { SOURCE_NAMES, type Source } from "~/modules/items/sources.ts";

type Flag = { id: string; source: string; reason: string; note: string | null; reference: string | null; receivedAt: string; dueAt: string | null };

const SHOWN = 50;

/** The flags on the item: counts by source and by reason, then each flag with its note. */
export function FlagsPanel({
  flags,
  flagCount,
  reporterCount,
  countsBySource,
  countsByReason,
  now,
}: {
  flags: Flag[];
  flagCount: number;
  reporterCount: number;
  countsBySource: Record<string, number>;
  countsByReason: Record<string, number>;
  now: string;
}) {
  return (
    <section aria-labelledby="flags-heading" className="rounded border border-slate-200 bg-white p-4">
      <h2 id="flags-heading" className="text-base font-semibold">
        Flags ({flagCount} from {reporterCount} {reporterCount === 1 ? "reporter" : "reporters"})
      </h2>
      <div className="mt-2 flex flex-wrap gap-4 text-sm">
        <p>
          <span className="font-medium">By source: </span>
          {Object.entries(countsBySource)
            .map(([s, n]) => `${SOURCE_NAMES[s as Source] ?? s} ${n}`)
            .join(" · ")}
        </p>
        <p>
          <span className="font-medium">By reason: </span>
          {Object.entries(countsByReason)
            .map(([r, n]) => `${r} ${n}`)
            .join(" · ")}
        </p>
      </div>
      <ul className="mt-3 divide-y divide-slate-100 text-sm">
        {flags.slice(0, SHOWN).map((f) => (
          <li key={f.id} className="py-2">
            <div className="flex flex-wrap items-center gap-2">
              <SourceBadge source={f.source} />
              <span>{f.reason}</span>
              <span className="text-slate-500">received {new Date(f.receivedAt).toISOString().slice(0, 16).replace("T", " ")} UTC</span>
              {f.reference ? (
                <span>
                  reference <code className="rounded bg-slate-100 px-1">{f.reference}</code>
                </span>
              ) : null}
              {f.dueAt ? <Deadline dueAt={f.dueAt} now={now} /> : null}
            </div>
            {f.note ? (
              <p className="mt-1 whitespace-pre-wrap break-words text-slate-700" data-testid="flag-note">
                {f.note}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      {flags.length > SHOWN ? <p className="text-sm text-slate-500">and {flags.length - SHOWN} more</p> : null}
    </section>
  );
}
