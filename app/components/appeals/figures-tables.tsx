import type { AppealCounts } from "~/modules/appeals/figures.server.ts";

type Group = { key: string; counts: AppealCounts };
type ModeratorRow = { userId: string; name: string; email: string; appealed: number; decided: number; overturned: number; modified: number };

const hours = (h: number | null) => (h === null ? "—" : h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`);
const n = (v: number) => v.toLocaleString("en");

/** The appeal counts for a period: totals, then by label, source and queue; per moderator for leads. */
export function AppealFiguresTables({
  figures,
  period,
}: {
  figures: { totals: AppealCounts; byLabel: Group[]; bySource: Group[]; byQueue: Group[]; byModerator: ModeratorRow[] | null };
  period: string;
}) {
  const t = figures.totals;
  return (
    <div className="space-y-6">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7">
        {(
          [
            ["Received", n(t.received)],
            ["Open", n(t.open)],
            ["Decided", n(t.decided)],
            ["Upheld", n(t.upheld)],
            ["Overturned", n(t.overturned)],
            ["Modified", n(t.modified)],
            ["Median time to decide", hours(t.medianHoursToDecide)],
          ] as const
        ).map(([label, value]) => (
          <div key={label} className="rounded border border-slate-200 bg-white p-3">
            <dt className="text-sm text-slate-600">{label}</dt>
            <dd className="text-xl font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      <GroupTable title="By label of the contested decision" keyName="Label" rows={figures.byLabel} period={period} mono />
      <GroupTable title="By strongest source of the item" keyName="Source" rows={figures.bySource} period={period} />
      <GroupTable title="By queue" keyName="Queue" rows={figures.byQueue} period={period} />
      {figures.byModerator ? (
        <section aria-labelledby="by-moderator-heading">
          <h3 id="by-moderator-heading" className="mb-2 font-semibold">
            Per moderator whose decision was appealed (leads only)
          </h3>
          {figures.byModerator.length === 0 ? (
            <p className="text-sm text-slate-600">None.</p>
          ) : (
            <div className="overflow-x-auto rounded border border-slate-200 bg-white">
              <table className="min-w-full text-sm">
                <caption className="sr-only">Appeals against each moderator&apos;s decisions, {period}</caption>
                <thead className="bg-slate-50 text-left">
                  <tr>
                    <th scope="col" className="px-3 py-2">
                      Moderator
                    </th>
                    {["Appealed", "Decided", "Overturned", "Modified"].map((h) => (
                      <th key={h} scope="col" className="px-3 py-2 text-right">
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {figures.byModerator.map((m) => (
                    <tr key={m.userId} className="border-t border-slate-100">
                      <th scope="row" className="px-3 py-2 text-left font-medium">
                        {m.name} <span className="font-normal text-slate-600">({m.email})</span>
                      </th>
                      <td className="px-3 py-2 text-right tabular-nums">{n(m.appealed)}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{n(m.decided)}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{n(m.overturned)}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{n(m.modified)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </div>
  );
}

function GroupTable({ title, keyName, rows, period, mono }: { title: string; keyName: string; rows: Group[]; period: string; mono?: boolean }) {
  const id = `by-${keyName.toLowerCase()}-heading`;
  return (
    <section aria-labelledby={id}>
      <h3 id={id} className="mb-2 font-semibold">
        {title}
      </h3>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600">None.</p>
      ) : (
        <div className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">
              Appeals by {keyName.toLowerCase()}, {period}
            </caption>
            <thead className="bg-slate-50 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {keyName}
                </th>
                {["Received", "Decided", "Upheld", "Overturned", "Modified", "Median to decide"].map((h) => (
                  <th key={h} scope="col" className="px-3 py-2 text-right">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} className="border-t border-slate-100">
                  <th scope="row" className={`px-3 py-2 text-left font-medium ${mono ? "font-mono text-xs" : ""}`}>
                    {r.key}
                  </th>
                  <td className="px-3 py-2 text-right tabular-nums">{n(r.counts.received)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{n(r.counts.decided)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{n(r.counts.upheld)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{n(r.counts.overturned)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{n(r.counts.modified)}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{hours(r.counts.medianHoursToDecide)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
