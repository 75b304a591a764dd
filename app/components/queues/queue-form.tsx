import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { firstError, textOf } from "~/components/ui/form.ts";
import { TextField } from "~/components/ui/text-field.tsx";
import { FieldError, buttonClass, inputClass } from "~/components/ui/page.tsx";
import type { DeadlineKey } from "~/modules/routing/rules.ts";
import { DeadlineFields, type GlobalHours, type Hours } from "./deadlines.tsx";

type QueueFormShape = { intent: string; name: string; description: string; deadlineHours: Partial<Record<DeadlineKey, string>> };

/**
 * The name, description and deadline hours of a queue, for creating one or editing it. Checked on
 * the server only (its schema lives with the queue module); a refusal comes back beside each field.
 */
export function QueueForm({
  id,
  intent,
  submitLabel,
  lastResult,
  current,
  defaults,
}: {
  id: string;
  intent: "create" | "update";
  submitLabel: string;
  lastResult: SubmissionResult<string[]> | undefined;
  current: { name: string; description: string; deadlineHours: Hours };
  defaults: GlobalHours;
}) {
  const [form, fields] = useForm<QueueFormShape>({ id, lastResult });
  const description = fields.description;
  const descriptionMessage = firstError(description.errors);
  return (
    <Form method="post" {...getFormProps(form)} className="grid gap-4">
      <input type="hidden" name="intent" value={intent} />
      <TextField id={`${id}-name`} label="Name" field={fields.name} fallback={lastResult ? "" : current.name} />
      <div>
        <label htmlFor={`${id}-description`} className="block text-sm font-medium">
          Description <span className="font-normal text-slate-600">(optional, what belongs here)</span>
        </label>
        <textarea
          id={`${id}-description`}
          name={description.name}
          rows={2}
          defaultValue={description.initialValue === undefined ? current.description : textOf(description.initialValue)}
          className={inputClass}
          aria-describedby={`${id}-description-error`}
          aria-invalid={descriptionMessage ? true : undefined}
        />
        <FieldError id={`${id}-description-error`} message={descriptionMessage} />
      </div>
      <DeadlineFields
        idPrefix={id}
        fields={fields.deadlineHours.getFieldset() as Parameters<typeof DeadlineFields>[0]["fields"]}
        current={current.deadlineHours}
        defaults={defaults}
      />
      <div>
        <button type="submit" className={buttonClass}>
          {submitLabel}
        </button>
      </div>
    </Form>
  );
}
