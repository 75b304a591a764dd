import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import type { z } from "zod";
import { textOf, validateWith } from "~/components/ui/form.ts";
import { FieldError, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";

/** Giving a held lease back with a reason: the same form for an item and an appeal. */
export function ReleaseLeaseForm({
  formId,
  idPrefix,
  schema,
  claimId,
  lastResult,
}: {
  formId: string;
  idPrefix: string;
  schema: z.ZodTypeAny;
  claimId: string;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [release, fields] = useForm({ id: formId, lastResult, onValidate: validateWith(schema), shouldValidate: "onSubmit" });
  const error = fields.reason.errors?.[0];
  return (
    <Form method="post" {...getFormProps(release)} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="intent" value="release" />
      <input type="hidden" name="claimId" value={claimId} />
      <div className="flex-1">
        <label htmlFor={`${idPrefix}-reason`} className="block text-sm font-medium">
          Release reason
        </label>
        <input
          id={`${idPrefix}-reason`}
          name="reason"
          className={inputClass}
          defaultValue={textOf(fields.reason.initialValue)}
          aria-describedby={`${idPrefix}-error`}
          aria-invalid={error ? true : undefined}
        />
        <FieldError id={`${idPrefix}-error`} message={error} />
      </div>
      <button type="submit" className={secondaryButtonClass}>
        Release to the queue
      </button>
    </Form>
  );
}

/** When the reviewer's lease runs out (it renews while the page is open). */
export function LeaseNote({ leaseExpiresAt }: { leaseExpiresAt: string | null }) {
  return (
    <p className="text-xs text-slate-600">
      Your lease runs until {leaseExpiresAt ? <time dateTime={leaseExpiresAt}>{leaseExpiresAt.slice(11, 16)} UTC</time> : null} and renews while this page is
      open.
    </p>
  );
}
