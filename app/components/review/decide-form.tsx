import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { validateWith, textOf } from "~/components/ui/form.ts";
import { Form } from "@remix-run/react";
import type { RefObject } from "react";
import { FieldError, buttonClass, inputClass } from "~/components/ui/page.tsx";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import type { LabelView } from "~/modules/labels/types.ts";
import { DecideForm as DecideSchema } from "~/modules/review/intent.ts";
import { ACTION_CHOICES, REVIEW_KEYS } from "./keys.ts";
import { LabelPicker } from "./label-picker.tsx";

export const DECIDE_SCOPES = ["item", "cluster", "selected"] as const;
export type DecideScope = (typeof DECIDE_SCOPES)[number];

/** Whom the decision reaches: this item, every open member the reviewer may decide, or the members ticked in the cluster panel. */
function ScopeChoice({
  scope,
  holding,
  open,
  selectable,
  onScope,
}: {
  scope: DecideScope;
  holding: boolean;
  open: number;
  selectable: number;
  onScope: (s: DecideScope) => void;
}) {
  const choices: { value: DecideScope; label: string; disabled: boolean }[] = [
    { value: "item", label: "This item only", disabled: false },
    { value: "cluster", label: `Whole cluster (${open.toLocaleString("en")} open ${open === 1 ? "member" : "members"})`, disabled: open === 0 },
    { value: "selected", label: "Selected members (tick them in the cluster panel)", disabled: selectable === 0 },
  ];
  return (
    <fieldset disabled={!holding}>
      <legend className="text-base font-semibold">Apply to</legend>
      <p className="text-xs text-slate-600">Each member decided gets its own decision, audit event and statement of reasons.</p>
      <div className="mt-1 grid gap-1">
        {choices.map((c) => (
          <label key={c.value} className="flex items-center gap-2">
            <input type="radio" name="scope" value={c.value} checked={scope === c.value} disabled={c.disabled} onChange={() => onScope(c.value)} />
            {c.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** The decision: labels, action, rationale, and whom it reaches. Labels and action are the screen's state, so keys can set them. */
export function DecideForm({
  itemId,
  claimId,
  holding,
  labelSets,
  labels,
  numbers,
  selected,
  chosen,
  actions,
  scope,
  clusterScope,
  lastResult,
  onToggle,
  onChoose,
  formRef,
  rationaleRef,
}: {
  itemId: string;
  claimId: string | null;
  holding: boolean;
  labelSets: { name: string; versionNumber: number }[];
  labels: LabelView[];
  numbers: Map<string, number>;
  selected: ReadonlySet<string>;
  chosen: DecisionAction | undefined;
  actions: readonly DecisionAction[];
  scope: DecideScope;
  /** Offered to holders of clusters:decide when the item has a cluster: how many members each choice could reach. */
  clusterScope: { open: number; selectable: number; onScope: (scope: DecideScope) => void } | null;
  lastResult: SubmissionResult<string[]> | undefined;
  onToggle: (id: string) => void;
  onChoose: (action: DecisionAction) => void;
  formRef: RefObject<HTMLFormElement>;
  rationaleRef: RefObject<HTMLTextAreaElement>;
}) {
  const [form, fields] = useForm({
    id: `decide-${itemId}`,
    lastResult,
    onValidate: validateWith(DecideSchema),
    shouldValidate: "onSubmit",
  });
  const rationaleError = fields.rationale.errors?.[0];
  return (
    <Form method="post" ref={formRef} {...getFormProps(form)} className="space-y-5 rounded border border-slate-200 bg-white p-4">
      <input type="hidden" name="intent" value="decide" />
      <input type="hidden" name="claimId" value={claimId ?? ""} />
      {form.errors?.length ? <p className="text-sm text-red-700">{form.errors[0]}</p> : null}
      {labelSets.length > 0 ? (
        <p className="text-xs text-slate-600">{labelSets.map((s) => `${s.name}, version ${s.versionNumber}`).join("; ")}</p>
      ) : (
        <p className="text-sm text-red-700">No label set is published for this reason; a policy lead must publish one.</p>
      )}
      <LabelPicker labels={labels} numbers={numbers} selected={selected} onToggle={onToggle} disabled={!holding} error={fields.labelIds.errors?.[0]} />
      <fieldset disabled={!holding}>
        <legend className="text-base font-semibold">Action</legend>
        {fields.action.errors?.length ? <p className="text-sm text-red-700">{fields.action.errors[0]}</p> : null}
        <div className="mt-1 flex flex-wrap gap-3">
          {ACTION_CHOICES.filter((c) => actions.includes(c.action)).map(({ action, name, key }) => (
            <label
              key={action}
              className={`flex items-center gap-2 rounded border px-3 py-1.5 ${chosen === action ? "border-blue-600 bg-blue-50" : "border-slate-300"}`}
            >
              <input type="radio" name="action" value={action} checked={chosen === action} onChange={() => onChoose(action)} aria-keyshortcuts={key.aria} />
              {name}
              <kbd className="rounded border border-slate-300 px-1 text-xs">{key.shown}</kbd>
            </label>
          ))}
        </div>
      </fieldset>
      <div>
        <label htmlFor="rationale" className="block font-semibold">
          Rationale{" "}
          <span className="font-normal text-slate-600">(required for violating labels and escalations; press {REVIEW_KEYS.rationale.shown} to write)</span>
        </label>
        <textarea
          ref={rationaleRef}
          id="rationale"
          name="rationale"
          rows={3}
          defaultValue={textOf(fields.rationale.initialValue)}
          className={inputClass}
          disabled={!holding}
          aria-describedby="rationale-error"
          aria-invalid={rationaleError ? true : undefined}
          aria-keyshortcuts={REVIEW_KEYS.rationale.aria}
        />
        <FieldError id="rationale-error" message={rationaleError} />
      </div>
      {clusterScope ? <ScopeChoice scope={scope} holding={holding} {...clusterScope} /> : <input type="hidden" name="scope" value="item" />}
      <button type="submit" className={buttonClass} disabled={!holding} aria-keyshortcuts={REVIEW_KEYS.submit.aria}>
        Decide and next <kbd className="ml-1 text-xs">{REVIEW_KEYS.submit.shown}</kbd>
      </button>
    </Form>
  );
}
