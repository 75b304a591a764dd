import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useMemo, useState } from "react";
import { LabelPicker } from "~/components/review/label-picker.tsx";
import { textOf, validateWith } from "~/components/ui/form.ts";
import { buttonClass, FieldError, inputClass } from "~/components/ui/page.tsx";
import { LABEL_GROUPS, type LabelView } from "~/modules/labels/types.ts";
import { REVIEW_ACTIONS, SubmitReviewForm } from "~/modules/quality/reviews/intent.ts";

const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);

/** The second reviewer's own decision, from scratch: action, labels and rationale. */
export function BlindReviewForm({
  reviewId,
  claimId,
  labels: unordered,
  lastResult,
}: {
  reviewId: string;
  claimId: string;
  labels: LabelView[];
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [form, fields] = useForm({ id: `blind-review-${reviewId}`, lastResult, onValidate: validateWith(SubmitReviewForm), shouldValidate: "onSubmit" });
  const labels = useMemo(() => LABEL_GROUPS.flatMap((g) => unordered.filter((l) => l.group === g)), [unordered]);
  const numbers = useMemo(() => new Map(labels.map((l, i) => [l.id, i + 1])), [labels]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set(listOf(fields.labelIds.initialValue)));
  const [action, setAction] = useState<string | undefined>(() => REVIEW_ACTIONS.find((a) => a === fields.action.initialValue));
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const rationaleError = fields.rationale.errors?.[0];
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-5 rounded border border-slate-200 bg-white p-4" aria-labelledby="blind-review-heading">
      <h2 id="blind-review-heading" className="text-lg font-semibold">
        Your decision
      </h2>
      <input type="hidden" name="intent" value="review" />
      <input type="hidden" name="claimId" value={claimId} />
      {form.errors?.length ? <p className="text-sm text-red-700">{form.errors[0]}</p> : null}
      <fieldset aria-describedby={fields.action.errors?.length ? "review-action-error" : undefined}>
        <legend className="text-base font-semibold">Action</legend>
        <FieldError id="review-action-error" message={fields.action.errors?.[0]} />
        <div className="mt-1 flex flex-wrap gap-3">
          {REVIEW_ACTIONS.map((a) => (
            <label key={a} className={`flex items-center gap-2 rounded border px-3 py-1.5 ${action === a ? "border-blue-600 bg-blue-50" : "border-slate-300"}`}>
              <input type="radio" name="action" value={a} checked={action === a} onChange={() => setAction(a)} />
              {a}
            </label>
          ))}
        </div>
      </fieldset>
      <LabelPicker labels={labels} numbers={numbers} selected={selected} onToggle={toggle} error={fields.labelIds.errors?.[0]} />
      <div>
        <label htmlFor="review-rationale" className="block font-semibold">
          Rationale <span className="font-normal text-slate-600">(required with a violating label)</span>
        </label>
        <textarea
          id="review-rationale"
          name="rationale"
          rows={3}
          defaultValue={textOf(fields.rationale.initialValue)}
          className={inputClass}
          aria-describedby="review-rationale-error"
          aria-invalid={rationaleError ? true : undefined}
        />
        <FieldError id="review-rationale-error" message={rationaleError} />
      </div>
      <button type="submit" className={buttonClass}>
        Save and take the next review
      </button>
    </Form>
  );
}
