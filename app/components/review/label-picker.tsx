import type { LabelView } from "~/modules/labels/types.ts";

const GROUP_TITLES = { allowed: "Allowed", violating: "Violating", process: "Process" } as const;

/**
 * The live label set's labels grouped as allowed, violating and process. Each label is a
 * checkbox numbered for the keyboard (type its number), with its definition, cues and
 * "not when" from the live version.
 */
export function LabelPicker({
  labels,
  numbers,
  selected,
  onToggle,
  disabled,
  error,
}: {
  labels: LabelView[];
  numbers: Map<string, number>;
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  disabled?: boolean;
  error?: string;
}) {
  return (
    <fieldset className="space-y-4" aria-describedby={error ? "labels-error" : undefined} disabled={disabled}>
      <legend className="text-base font-semibold">Labels</legend>
      {error ? (
        <p id="labels-error" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {(["allowed", "violating", "process"] as const).map((group) => {
        const inGroup = labels.filter((l) => l.group === group);
        if (inGroup.length === 0) return null;
        return (
          <div key={group}>
            <h3 className="mb-1 text-sm font-semibold uppercase tracking-wide text-slate-600">{GROUP_TITLES[group]}</h3>
            <ul className="space-y-1">
              {inGroup.map((l) => {
                const n = numbers.get(l.id)!;
                const checked = selected.has(l.id);
                return (
                  <li key={l.id} className={`rounded border p-2 ${checked ? "border-blue-600 bg-blue-50" : "border-slate-200 bg-white"}`}>
                    <div className="flex items-start gap-2">
                      <input
                        type="checkbox"
                        id={`label-${n}`}
                        name="labelIds"
                        value={l.id}
                        checked={checked}
                        onChange={() => onToggle(l.id)}
                        className="mt-1"
                        aria-describedby={`label-${n}-def`}
                        data-key={l.key}
                      />
                      <label htmlFor={`label-${n}`} className="flex-1 cursor-pointer">
                        <kbd className="mr-1 rounded border border-slate-300 bg-slate-50 px-1 text-xs">{n}</kbd>
                        <span className="font-medium">{l.name}</span>
                        <span className="ml-2 text-xs text-slate-600">default: {l.defaultAction}</span>
                      </label>
                    </div>
                    <details className="ml-6 mt-1 text-sm text-slate-700">
                      <summary className="cursor-pointer text-slate-600">Definition</summary>
                      <p id={`label-${n}-def`}>{l.definition}</p>
                      {l.cues.length > 0 ? (
                        <>
                          <p className="mt-1 font-medium">Cues</p>
                          <ul className="list-disc pl-5">
                            {l.cues.map((c, i) => (
                              <li key={i}>{c}</li>
                            ))}
                          </ul>
                        </>
                      ) : null}
                      {l.notWhen ? (
                        <p className="mt-1">
                          <span className="font-medium">Not when: </span>
                          {l.notWhen}
                        </p>
                      ) : null}
                    </details>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </fieldset>
  );
}
