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

/** The decision: labels, action, rationale, copies. Labels and action are the screen's state, so keys can set them. */
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
  openCopies,
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
  openCopies: number;
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
      {openCopies > 0 ? (
        <div className="flex items-center gap-2">
          <input type="checkbox" id="scope" name="scope" value="cluster" disabled={!holding} defaultChecked={fields.scope.initialValue === "cluster"} />
          <label htmlFor="scope">
            Apply to {openCopies} open {openCopies === 1 ? "copy" : "copies"} with the same text (each gets its own decision)
          </label>
        </div>
      ) : null}
      <button type="submit" className={buttonClass} disabled={!holding} aria-keyshortcuts={REVIEW_KEYS.submit.aria}>
        Decide and next <kbd className="ml-1 text-xs">{REVIEW_KEYS.submit.shown}</kbd>
      </button>
    </Form>
  );
}
