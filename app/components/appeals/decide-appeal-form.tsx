import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useMemo, useState } from "react";
import { ActionChoice, useLabelChoice } from "~/components/review/action-choice.tsx";
import { LabelPicker } from "~/components/review/label-picker.tsx";
import { textOf, validateWith } from "~/components/ui/form.ts";
import { TextAreaField } from "~/components/ui/text-field.tsx";
import { buttonClass, FieldError, inputClass } from "~/components/ui/page.tsx";
import { ACTION_WORDS, renderAnswer } from "~/modules/appeals/answer.ts";
import { APPEAL_ACTIONS, DecideAppealForm as DecideSchema, OUTCOME_CHOICES } from "~/modules/appeals/intent.ts";
import type { AppealOutcome } from "~/modules/appeals/standing.ts";
import type { LabelView } from "~/modules/labels/types.ts";

const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);

/**
 * The appeal's outcome: uphold, overturn or modify; for the last two the new action and labels from
 * the live label set; the rationale for the record and the summary the appellant reads, with the
 * answer they will receive previewed from the leads' template.
 */
export function DecideAppealForm({
  appealId,
  claimId,
  liveSets,
  templates,
  contested,
  lastResult,
}: {
  appealId: string;
  claimId: string;
  liveSets: { name: string; versionNumber: number; labels: LabelView[] }[];
  templates: Record<AppealOutcome, string>;
  contested: { action: string; createdAt: string };
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [form, fields] = useForm({ id: `decide-appeal-${appealId}`, lastResult, onValidate: validateWith(DecideSchema), shouldValidate: "onSubmit" });
  const all = useMemo(() => liveSets.flatMap((s) => s.labels), [liveSets]);
  const { labels, numbers, selected, toggle } = useLabelChoice(all, listOf(fields.labelIds.initialValue));
  const [outcome, setOutcome] = useState<AppealOutcome | undefined>(() => OUTCOME_CHOICES.find((c) => c.outcome === fields.outcome.initialValue)?.outcome);
  const [action, setAction] = useState<string | undefined>(() => APPEAL_ACTIONS.find((a) => a === fields.action.initialValue));
  const [summary, setSummary] = useState(() => textOf(fields.summary.initialValue));
  const upholding = outcome === "upheld";
  const preview = outcome
    ? renderAnswer(templates[outcome], {
        summary: summary.trim() || "[your summary]",
        decisionDate: contested.createdAt.slice(0, 10),
        decisionAction: ACTION_WORDS[contested.action] ?? contested.action,
        newAction: upholding ? (ACTION_WORDS[contested.action] ?? contested.action) : action ? ACTION_WORDS[action] : "[the new action]",
      })
    : null;
  const summaryError = fields.summary.errors?.[0];
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-5 rounded border border-slate-200 bg-white p-4" aria-labelledby="decide-appeal-heading">
      <h2 id="decide-appeal-heading" className="text-lg font-semibold">
        Decide the appeal
      </h2>
      <input type="hidden" name="intent" value="decide" />
      <input type="hidden" name="claimId" value={claimId} />
      {form.errors?.length ? <p className="text-sm text-red-700">{form.errors[0]}</p> : null}
      <fieldset aria-describedby={fields.outcome.errors?.length ? "outcome-error" : undefined}>
        <legend className="text-base font-semibold">Outcome</legend>
        <FieldError id="outcome-error" message={fields.outcome.errors?.[0]} />
        <div className="mt-1 grid gap-2">
          {OUTCOME_CHOICES.map((c) => (
            <label
              key={c.outcome}
              className={`flex items-start gap-2 rounded border px-3 py-1.5 ${outcome === c.outcome ? "border-blue-600 bg-blue-50" : "border-slate-300"}`}
            >
              <input type="radio" name="outcome" value={c.outcome} checked={outcome === c.outcome} onChange={() => setOutcome(c.outcome)} className="mt-1" />
              <span>
                <span className="font-medium">{c.name}</span> <span className="text-sm text-slate-600">— {c.hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset disabled={upholding} className="space-y-4 rounded border border-slate-200 p-3">
        <legend className="px-1 text-base font-semibold">The new decision (overturn or modify only)</legend>
        <p className="text-xs text-slate-600">
          {liveSets.length > 0
            ? `Under the live label set: ${liveSets.map((s) => `${s.name}, version ${s.versionNumber}`).join("; ")}.`
            : "No label set is live for this item's reason."}
          {upholding ? " Upholding keeps the contested decision, so nothing here is sent." : ""}
        </p>
        <ActionChoice actions={APPEAL_ACTIONS} value={action} onChange={setAction} error={fields.action.errors?.[0]} errorId="appeal-action-error" />
        <LabelPicker labels={labels} numbers={numbers} selected={selected} onToggle={toggle} error={fields.labelIds.errors?.[0]} />
      </fieldset>
      <TextAreaField id="appeal-rationale" label="Rationale" hint="required; for the record, never sent to the appellant" field={fields.rationale} />
      <div>
        <label htmlFor="appeal-summary" className="block font-semibold">
          Summary for the appellant <span className="font-normal text-slate-600">(required; the reasons in plain words, no names of reviewers)</span>
        </label>
        <textarea
          id="appeal-summary"
          name="summary"
          rows={3}
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
          className={inputClass}
          aria-describedby="appeal-summary-error"
          aria-invalid={summaryError ? true : undefined}
        />
        <FieldError id="appeal-summary-error" message={summaryError} />
      </div>
      <section aria-labelledby="answer-preview-heading" className="rounded bg-slate-50 p-3 text-sm">
        <h3 id="answer-preview-heading" className="font-semibold">
          The answer the appellant will read
        </h3>
        {preview ? (
          <p className="mt-1 whitespace-pre-wrap break-words" data-testid="answer-preview" aria-live="polite">
            {preview}
          </p>
        ) : (
          <p className="mt-1 text-slate-600">Choose an outcome to see it. The notice of out-of-court dispute settlement is always added.</p>
        )}
      </section>
      <button type="submit" className={buttonClass}>
        Decide the appeal
      </button>
    </Form>
  );
}
