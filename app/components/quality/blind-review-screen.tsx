import type { SerializeFrom } from "@remix-run/node";
import { Form, useFetcher, useLocation } from "@remix-run/react";
import { ContentView } from "~/components/review/content-view.tsx";
import { LeaseNote, ReleaseLeaseForm } from "~/components/review/release-lease.tsx";
import { useLeaseRenewal } from "~/components/review/use-review-keys.ts";
import { lastResultOf, refusalMessage } from "~/components/ui/form.ts";
import { buttonClass, Notice, PageHeader } from "~/components/ui/page.tsx";
import type { BlindReviewScreen as ScreenData } from "~/modules/quality/reviews/screen.server.ts";
import { BlindReviewIntent } from "~/modules/quality/reviews/intent.ts";
import { BlindReviewForm } from "./blind-review-form.tsx";
import { FlagList } from "./flag-list.tsx";

/**
 * A blind second review: the item as it was decided, the same label set version, and a form for the
 * reviewer's own decision. Nothing on this screen says what the first decision was or who made it.
 */
export function BlindReviewScreen({ data, actionData }: { data: SerializeFrom<ScreenData>; actionData: unknown }) {
  const { review } = data;
  const location = useLocation();
  const renewer = useFetcher();
  const holding = !!review.claimId;
  useLeaseRenewal(() => review.claimId && renewer.submit({ intent: "renew", claimId: review.claimId }, { method: "post" }), data.renewEveryMs, holding);
  const refusal = refusalMessage(actionData);
  const revealHref = `${location.pathname}?reveal=1`;
  return (
    <>
      <PageHeader
        title="Quality review"
        description="Decide this item from scratch, as if it were new. You do not see the decision it already has: the two are compared afterwards."
      />
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      <div className="grid gap-4 lg:grid-cols-[3fr_2fr]">
        <div className="space-y-4">
          <ContentView content={data.content} revealed={data.revealed} revealHref={revealHref} mediaOrigins={data.mediaOrigins} />
          <FlagList flags={data.flags} />
        </div>
        <div className="space-y-4">
          <p className="text-sm text-slate-600">
            Label set: {data.labelSet.name} (version {data.labelSet.versionNumber}), the version the item was decided under.
          </p>
          {data.answered ? (
            <Notice tone="success">
              You reviewed this item: {data.answered.action}
              {data.answered.labelKeys.length > 0 ? ` (${data.answered.labelKeys.join(", ")})` : ""}.
            </Notice>
          ) : holding ? (
            <>
              <LeaseNote leaseExpiresAt={review.leaseExpiresAt} />
              <BlindReviewForm reviewId={review.id} claimId={review.claimId!} labels={data.labelSet.labels} lastResult={lastResultOf(actionData, "review")} />
              <ReleaseLeaseForm
                formId={`release-review-${review.id}`}
                idPrefix="release-review"
                schema={BlindReviewIntent}
                claimId={review.claimId!}
                lastResult={lastResultOf(actionData, "release")}
              />
            </>
          ) : review.canClaim ? (
            <Form method="post">
              <input type="hidden" name="intent" value="claim" />
              <button type="submit" className={buttonClass}>
                Take this review
              </button>
            </Form>
          ) : (
            <Notice tone="info">{review.open ? "Someone else is doing this review right now." : "This review is done."}</Notice>
          )}
        </div>
      </div>
    </>
  );
}
