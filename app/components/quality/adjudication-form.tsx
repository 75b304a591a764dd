import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useMemo, useState } from "react";
import { ActionChoice, useLabelChoice } from "~/components/review/action-choice.tsx";
import { LabelPicker } from "~/components/review/label-picker.tsx";
import { validateWith } from "~/components/ui/form.ts";
import { TextAreaField } from "~/components/ui/text-field.tsx";
import { buttonClass, FieldError } from "~/components/ui/page.tsx";
import type { LabelView } from "~/modules/labels/types.ts";
import { AdjudicationForm as Schema, ERROR_TYPES, RULINGS } from "~/modules/quality/adjudication-form.ts";

const ACTIONS = ["keep", "remove", "restrict"] as const;

/** The lead's ruling, the error type and note, and an optional correction of the first decision. */
export function AdjudicationForm({
  reviewId,
  liveSets,
  prefill,
  canCorrect,
  lastResult,
}: {
  reviewId: string;
  liveSets: { name: string; versionNumber: number; labels: LabelView[] }[];
  prefill: { action: string; labelIds: string[] };
  canCorrect: boolean;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [form, fields] = useForm({ id: `adjudicate-${reviewId}`, lastResult, onValidate: validateWith(Schema), shouldValidate: "onSubmit" });
  const all = useMemo(() => liveSets.flatMap((s) => s.labels), [liveSets]);
  const { labels, numbers, selected, toggle } = useLabelChoice(all, prefill.labelIds);
  const [action, setAction] = useState<string>(prefill.action);
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-5 rounded border border-slate-200 bg-white p-4" aria-labelledby="adjudicate-heading">
      <h2 id="adjudicate-heading" className="text-lg font-semibold">
        Rule on the disagreement
      </h2>
      {form.errors?.length ? <p className="text-sm text-red-700">{form.errors[0]}</p> : null}
      <fieldset>
        <legend className="font-semibold">Which was right?</legend>
        <FieldError id="ruling-error" message={fields.ruling.errors?.[0]} />
        <div className="mt-1 grid gap-2">
          {RULINGS.map((r) => (
            <label key={r.ruling} className="flex items-center gap-2">
              <input type="radio" name="ruling" value={r.ruling} defaultChecked={fields.ruling.initialValue === r.ruling} />
              {r.name}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend className="font-semibold">Type of error</legend>
        <FieldError id="error-type-error" message={fields.errorType.errors?.[0]} />
        <div className="mt-1 grid gap-2">
          {ERROR_TYPES.map((t) => (
            <label key={t.type} className="flex items-start gap-2">
              <input type="radio" name="errorType" value={t.type} defaultChecked={fields.errorType.initialValue === t.type} className="mt-1" />
              <span>
                <span className="font-medium">{t.name}</span> <span className="text-sm text-slate-600">— {t.hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <TextAreaField id="adjudication-note" label="Note" hint="required; for the record and for the guidance" field={fields.note} />
      {canCorrect ? (
        <fieldset className="space-y-4 rounded border border-slate-200 p-3">
          <legend className="px-1 font-semibold">Correct the first decision</legend>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="correct" defaultChecked={fields.correct.initialValue === "on"} />
            Replace the first decision with this one (the platform is told, and the statement of reasons follows)
          </label>
          <FieldError id="correct-error" message={fields.correct.errors?.[0]} />
          <p className="text-xs text-slate-600">
            Under the live label set: {liveSets.map((s) => `${s.name}, version ${s.versionNumber}`).join("; ") || "none"}. Filled in with the second
            review&apos;s answer.
          </p>
          <ActionChoice
            actions={ACTIONS}
            value={action}
            onChange={setAction}
            error={fields.action.errors?.[0]}
            errorId="correction-action-error"
            legendClass="font-medium"
          />
          <LabelPicker labels={labels} numbers={numbers} selected={selected} onToggle={toggle} error={fields.labelIds.errors?.[0]} />
          <TextAreaField id="correction-rationale" label="Rationale for the corrected decision" field={fields.rationale} labelClassName="block font-medium" />
        </fieldset>
      ) : null}
      <button type="submit" className={buttonClass}>
        Record the ruling
      </button>
    </Form>
  );
}
