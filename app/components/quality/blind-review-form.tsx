import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useState } from "react";
import { ActionChoice, useLabelChoice } from "~/components/review/action-choice.tsx";
import { LabelPicker } from "~/components/review/label-picker.tsx";
import { validateWith } from "~/components/ui/form.ts";
import { TextAreaField } from "~/components/ui/text-field.tsx";
import { buttonClass } from "~/components/ui/page.tsx";
import type { LabelView } from "~/modules/labels/types.ts";
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
  const { labels, numbers, selected, toggle } = useLabelChoice(unordered, listOf(fields.labelIds.initialValue));
  const [action, setAction] = useState<string | undefined>(() => REVIEW_ACTIONS.find((a) => a === fields.action.initialValue));
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-5 rounded border border-slate-200 bg-white p-4" aria-labelledby="blind-review-heading">
      <h2 id="blind-review-heading" className="text-lg font-semibold">
        Your decision
      </h2>
      <input type="hidden" name="intent" value="review" />
      <input type="hidden" name="claimId" value={claimId} />
      {form.errors?.length ? <p className="text-sm text-red-700">{form.errors[0]}</p> : null}
      <ActionChoice
        actions={REVIEW_ACTIONS}
        value={action}
        onChange={setAction}
        error={fields.action.errors?.[0]}
        errorId="review-action-error"
        legendClass="text-base font-semibold"
      />
      <LabelPicker labels={labels} numbers={numbers} selected={selected} onToggle={toggle} error={fields.labelIds.errors?.[0]} />
      <TextAreaField id="review-rationale" label="Rationale" hint="required with a violating label" field={fields.rationale} />
      <button type="submit" className={buttonClass}>
        Save and take the next review
      </button>
    </Form>
  );
}
