import { useMemo, useState } from "react";
import { FieldError } from "~/components/ui/page.tsx";
import { LABEL_GROUPS, type LabelView } from "~/modules/labels/types.ts";

/** The action radios of a decision form (appeal outcome, second review, correction): one choice, its error beside it. */
export function ActionChoice({
  actions,
  value,
  onChange,
  error,
  errorId,
  legendClass = "font-semibold",
}: {
  actions: readonly string[];
  value: string | undefined;
  onChange: (action: string) => void;
  error: string | undefined;
  errorId: string;
  legendClass?: string;
}) {
  return (
    <fieldset aria-describedby={error ? errorId : undefined}>
      <legend className={legendClass}>Action</legend>
      <FieldError id={errorId} message={error} />
      <div className="mt-1 flex flex-wrap gap-3">
        {actions.map((a) => (
          <label key={a} className={`flex items-center gap-2 rounded border px-3 py-1.5 ${value === a ? "border-blue-600 bg-blue-50" : "border-slate-300"}`}>
            <input type="radio" name="action" value={a} checked={value === a} onChange={() => onChange(a)} />
            {a}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** The labels of a picker in group order, their keyboard numbers, and the chosen ones. */
export function useLabelChoice(unordered: LabelView[], initial: Iterable<string>) {
  const labels = useMemo(() => LABEL_GROUPS.flatMap((g) => unordered.filter((l) => l.group === g)), [unordered]);
  const numbers = useMemo(() => new Map(labels.map((l, i) => [l.id, i + 1])), [labels]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set(initial));
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return { labels, numbers, selected, toggle };
}
