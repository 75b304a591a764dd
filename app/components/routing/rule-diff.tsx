import { Badge } from "~/components/labels/label-details.tsx";
import { RULE_FIELDS, type RuleDiff } from "~/modules/routing/diff.ts";
import { conditionsSentence, fieldInWords, queueInWords, RULE_FIELD_TITLES, stageInWords, type QueueNames } from "./rule-words.ts";

const kindStyle = {
  added: { title: "Added", badge: "bg-green-100 text-green-900", border: "border-green-300" },
  removed: { title: "Removed", badge: "bg-red-100 text-red-900", border: "border-red-300" },
  changed: { title: "Changed", badge: "bg-amber-100 text-amber-900", border: "border-amber-300" },
} as const;

/** Rule by rule: what a lead reviews before publishing and what auditors read after. */
export function RuleDiffList({ diff, queues, fromLabel, toLabel }: { diff: RuleDiff[]; queues: QueueNames; fromLabel: string; toLabel: string }) {
  const visible = diff.filter((d): d is Exclude<RuleDiff, { kind: "unchanged" }> => d.kind !== "unchanged");
  const unchanged = diff.filter((d) => d.kind === "unchanged");
  return (
    <div className="space-y-4">
      {visible.length === 0 ? <p className="rounded bg-slate-50 p-3 text-sm">The two versions have the same rules in the same order.</p> : null}
      {visible.map((d) => {
        const style = kindStyle[d.kind];
        const rule = d.kind === "changed" ? d.after : d.rule;
        const headingId = `diff-${d.kind}-${rule.id}`;
        return (
          <section key={headingId} aria-labelledby={headingId} className={`rounded border border-l-4 ${style.border} bg-white p-4`}>
            <h3 id={headingId} className="flex flex-wrap items-baseline gap-2 text-base font-semibold">
              <Badge className={style.badge}>{d.kind === "changed" && d.fields.length === 0 ? "Moved" : style.title}</Badge>
              <span>{rule.name}</span>
            </h3>
            {d.kind === "changed" ? (
              <>
                {d.moved ? (
                  <p className="mt-2 text-sm">
                    Moved from position {d.from} ({fromLabel}) to position {d.to} ({toLabel}).
                  </p>
                ) : null}
                {d.fields.length ? (
                  <table className="mt-3 w-full table-fixed text-sm">
                    <caption className="sr-only">
                      Changes to {rule.name} from {fromLabel} to {toLabel}
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
                      {RULE_FIELDS.filter((f) => d.fields.includes(f)).map((f) => (
                        <tr key={f} className="border-t border-slate-100 align-top">
                          <th scope="row" className="py-2 pr-3 text-left font-medium">
                            {RULE_FIELD_TITLES[f]}
                          </th>
                          <td className="bg-red-50 py-2 pr-3 text-red-950">
                            <del className="no-underline">{fieldInWords(d.before, f, queues)}</del>
                          </td>
                          <td className="bg-green-50 py-2 text-green-950">
                            <ins className="no-underline">{fieldInWords(d.after, f, queues)}</ins>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
              </>
            ) : (
              <p className="mt-2 text-sm">
                {d.kind === "added" ? `At position ${d.position} in ${toLabel}` : `Was at position ${d.position} in ${fromLabel}`}: {stageInWords(rule.stage)}.{" "}
                {conditionsSentence(rule)} Sends to {queueInWords(rule.queueId, queues)}.
              </p>
            )}
          </section>
        );
      })}
      {unchanged.length > 0 ? (
        <p className="text-sm text-slate-600">
          Unchanged ({unchanged.length}): {unchanged.map((d) => (d.kind === "unchanged" ? d.after.name : "")).join(", ")}.
        </p>
      ) : null}
    </div>
  );
}
