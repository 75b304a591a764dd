import { DataTable } from "~/components/ui/data-table.tsx";

type Miss = { itemId: string; externalId: string; source: string; queue: string; dueAt: string; decidedAt: string; lateMinutes: number };

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
const late = (minutes: number) => (minutes < 120 ? `${minutes} min` : minutes < 2880 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} days`);

/**
 * The deadlines missed in the range, newest first, each linked to its item: the review screen for
 * those who review, the audit log's decisions on the item for those who read it.
 */
export function MissesTable({ misses, link }: { misses: Miss[]; link: "review" | "audit" | null }) {
  const href = (m: Miss) => (link === "review" ? `/review/${m.itemId}` : link === "audit" ? `/audit?item=${encodeURIComponent(m.externalId)}` : null);
  return (
    <section aria-labelledby="misses-heading" className="mt-8">
      <h2 id="misses-heading" className="mb-2 text-lg font-semibold">
        Deadlines missed
      </h2>
      {misses.length === 0 ? (
        <p className="rounded border border-slate-200 bg-white p-4 text-sm text-slate-600">No deadline was missed in this range.</p>
      ) : (
        <DataTable caption="Deadlines missed, newest first" columns={["Item", "Source", "Queue", "Deadline", "Decided", { label: "Late by", align: "right" }]}>
          {misses.map((m) => {
            const to = href(m);
            return (
              <tr key={`${m.itemId}-${m.decidedAt}`} className="border-t border-slate-100">
                <th scope="row" className="px-3 py-2 text-left font-normal">
                  {to ? (
                    <a href={to} className="text-blue-800 underline hover:text-blue-950">
                      {m.externalId || m.itemId}
                    </a>
                  ) : (
                    m.externalId || m.itemId
                  )}
                </th>
                <td className="px-3 py-2">{m.source}</td>
                <td className="px-3 py-2">{m.queue}</td>
                <td className="px-3 py-2 tabular-nums">{when(m.dueAt)}</td>
                <td className="px-3 py-2 tabular-nums">{when(m.decidedAt)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{late(m.lateMinutes)}</td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </section>
  );
}
