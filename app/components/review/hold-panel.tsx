import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { validateWith, textOf } from "~/components/ui/form.ts";
import { Form } from "@remix-run/react";
import type { RefObject } from "react";
import { FieldError, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { ReleaseForm, SKIP_REASONS } from "~/modules/review/intent.ts";
import { REVIEW_KEYS } from "./keys.ts";

/** While the reviewer holds the item: skip it (with a reason), release it, and when the lease runs out. */
export function HoldPanel({
  itemId,
  claimId,
  leaseExpiresAt,
  releaseResult,
  skipRef,
}: {
  itemId: string;
  claimId: string;
  leaseExpiresAt: string | null;
  releaseResult: SubmissionResult<string[]> | undefined;
  skipRef: RefObject<HTMLFormElement>;
}) {
  const [release, releaseFields] = useForm({
    id: `release-${itemId}`,
    lastResult: releaseResult,
    onValidate: validateWith(ReleaseForm),
    shouldValidate: "onSubmit",
  });
  const releaseError = releaseFields.reason.errors?.[0];
  return (
    <div className="grid gap-4 rounded border border-slate-200 bg-white p-4">
      <Form method="post" ref={skipRef} className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="intent" value="skip" />
        <input type="hidden" name="claimId" value={claimId} />
        <div className="flex-1">
          <label htmlFor="skip-reason" className="block text-sm font-medium">
            Skip reason
          </label>
          <select id="skip-reason" name="reason" className={inputClass}>
            {SKIP_REASONS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </div>
        <button type="submit" className={secondaryButtonClass} aria-keyshortcuts={REVIEW_KEYS.skip.aria}>
          Skip <kbd className="text-xs">{REVIEW_KEYS.skip.shown}</kbd>
        </button>
      </Form>
      <Form method="post" {...getFormProps(release)} className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="intent" value="release" />
        <input type="hidden" name="claimId" value={claimId} />
        <div className="flex-1">
          <label htmlFor="release-reason" className="block text-sm font-medium">
            Release reason
          </label>
          <input
            id="release-reason"
            name="reason"
            className={inputClass}
            defaultValue={textOf(releaseFields.reason.initialValue)}
            aria-describedby="release-error"
            aria-invalid={releaseError ? true : undefined}
          />
          <FieldError id="release-error" message={releaseError} />
        </div>
        <button type="submit" className={secondaryButtonClass}>
          Release to the queue
        </button>
      </Form>
      <p className="text-xs text-slate-600">
        Your lease runs until {leaseExpiresAt ? <time dateTime={leaseExpiresAt}>{leaseExpiresAt.slice(11, 16)} UTC</time> : null} and renews while this page is
        open.
      </p>
    </div>
  );
}
