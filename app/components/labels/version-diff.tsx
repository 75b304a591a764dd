import { DIFF_FIELDS, fieldText, type LabelDiff } from "~/modules/labels/diff.ts";
import { Badge } from "./label-details.tsx";

const kindStyle: Record<LabelDiff["kind"], { title: string; badge: string; border: string }> = {
  added: { title: "Added", badge: "bg-green-100 text-green-900", border: "border-green-300" },
  removed: { title: "Removed", badge: "bg-red-100 text-red-900", border: "border-red-300" },
  changed: { title: "Changed", badge: "bg-amber-100 text-amber-900", border: "border-amber-300" },
  unchanged: { title: "Unchanged", badge: "bg-slate-100 text-slate-700", border: "border-slate-200" },
};

function Text({ value }: { value: string }) {
  return <span className="whitespace-pre-wrap break-words">{value}</span>;
}

/** Label by label, field by field: what a lead reviews before publishing and what auditors read after. */
export function VersionDiff({ diff, fromLabel, toLabel }: { diff: LabelDiff[]; fromLabel: string; toLabel: string }) {
  const visible = diff.filter((d) => d.kind !== "unchanged");
  const unchanged = diff.filter((d) => d.kind === "unchanged");
  return (
    <div className="space-y-4">
      {visible.length === 0 ? <p className="rounded bg-slate-50 p-3 text-sm">The two versions define every label the same way.</p> : null}
      {visible.map((d) => {
        const style = kindStyle[d.kind];
        return (
          <section key={`${d.kind}-${d.key}`} aria-labelledby={`diff-${d.key}`} className={`rounded border-l-4 ${style.border} border bg-white p-4`}>
            <h3 id={`diff-${d.key}`} className="flex flex-wrap items-baseline gap-2 text-base font-semibold">
              <Badge className={style.badge}>{style.title}</Badge>
              <span>{d.name}</span>
              <code className="text-xs font-normal text-slate-600">{d.key}</code>
            </h3>
            {d.kind === "changed" ? (
              <table className="mt-3 w-full table-fixed text-sm">
                <caption className="sr-only">
                  Changes to {d.name} from {fromLabel} to {toLabel}
                </caption>
                <thead className="text-left text-slate-600">
                  <tr>
                    <th scope="col" className="w-40 py-1 pr-3">
                      Field
                    </th>
                    <th scope="col" className="py-1 pr-3">
                      Before ({fromLabel})
                    </th>
                    <th scope="col" className="py-1">
                      After ({toLabel})
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.changes.map((c) => (
                    <tr key={c.field} className="border-t border-slate-100 align-top">
                      <th scope="row" className="py-2 pr-3 text-left font-medium">
                        {c.title}
                      </th>
                      <td className="bg-red-50 py-2 pr-3 text-red-950">
                        <del className="no-underline">
                          <Text value={c.before} />
                        </del>
                      </td>
                      <td className="bg-green-50 py-2 text-green-950">
                        <ins className="no-underline">
                          <Text value={c.after} />
                        </ins>
                        {c.added?.length || c.removed?.length ? (
                          <ul className="mt-2 border-t border-green-200 pt-1 text-xs">
                            {c.added?.map((x, i) => (
                              <li key={`a${i}`}>
                                <span className="font-semibold">Added:</span> {x}
                              </li>
                            ))}
                            {c.removed?.map((x, i) => (
                              <li key={`r${i}`}>
                                <span className="font-semibold">Removed:</span> {x}
                              </li>
                            ))}
                          </ul>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : d.kind === "added" || d.kind === "removed" ? (
              <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
                {DIFF_FIELDS.filter((f) => f.field !== "position").map((f) => (
                  <div key={f.field} className="contents">
                    <dt className="font-medium text-slate-600">{f.title}</dt>
                    <dd>
                      <Text value={fieldText(d.label, f.field)} />
                    </dd>
                  </div>
                ))}
              </dl>
            ) : null}
          </section>
        );
      })}
      {unchanged.length > 0 ? (
        <p className="text-sm text-slate-600">
          Unchanged ({unchanged.length}): {unchanged.map((d) => d.name).join(", ")}.
        </p>
      ) : null}
    </div>
  );
}
