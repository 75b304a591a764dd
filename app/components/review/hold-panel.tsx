import type { SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import type { RefObject } from "react";
import { inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { ReleaseForm, SKIP_REASONS } from "~/modules/review/intent.ts";
import { REVIEW_KEYS } from "./keys.ts";
import { LeaseNote, ReleaseLeaseForm } from "./release-lease.tsx";

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
      <ReleaseLeaseForm formId={`release-${itemId}`} idPrefix="release" schema={ReleaseForm} claimId={claimId} lastResult={releaseResult} />
      <LeaseNote leaseExpiresAt={leaseExpiresAt} />
    </div>
  );
}
