// What the blind review page's forms do: claim, renew, release, answer, and "next review".
import type { Submission } from "@conform-to/react";
import type { Refusal } from "~/modules/http/forms.server.ts";
import { QualityError } from "../errors.ts";
import { claimNextReview, claimReviewOrWhy, releaseReview, renewReviewLease, REVIEW_CLAIM_REFUSALS, type QualityReviewer } from "./claims.server.ts";
import type { BlindReviewIntent } from "./intent.ts";
import { submitBlindReview } from "./submit.server.ts";

export type ReviewFormOutcome = { redirect: string } | { renewedUntil: string } | { refused: Refusal };

const refused = (status: number, code: string, message: string, fieldErrors?: Record<string, string[]>): ReviewFormOutcome => ({
  refused: { status, code, message, fieldErrors },
});

export const reviewPath = (reviewId: string, notice?: string) => `/quality/reviews/${encodeURIComponent(reviewId)}${notice ? `?notice=${notice}` : ""}`;

/** The review the user holds or the next one waiting for them; back to the quality page when none does. */
export async function nextReview(user: QualityReviewer, notice?: string): Promise<{ redirect: string }> {
  const next = await claimNextReview(user);
  return { redirect: next ? reviewPath(next.reviewId, notice) : `/quality?notice=${notice ? `${notice}-` : ""}none-waiting` };
}

export async function handleBlindReviewIntent(
  user: QualityReviewer,
  reviewId: string,
  submission: Submission<unknown, string[], BlindReviewIntent>,
): Promise<ReviewFormOutcome> {
  if (submission.status !== "success") {
    const claimId = submission.payload.claimId;
    if (typeof claimId === "string" && claimId) await renewReviewLease(user, reviewId, claimId);
    return refused(400, "invalid_form", "Check the highlighted fields.");
  }
  const data = submission.value;
  switch (data.intent) {
    case "claim": {
      const claimed = await claimReviewOrWhy(user, reviewId);
      if ("refused" in claimed) {
        const status = claimed.refused === "not_found" ? 404 : claimed.refused === "took_part" || claimed.refused === "not_reviewer" ? 403 : 409;
        return refused(status, claimed.refused, REVIEW_CLAIM_REFUSALS[claimed.refused]);
      }
      return { redirect: reviewPath(claimed.reviewId) };
    }
    case "renew": {
      const until = await renewReviewLease(user, reviewId, data.claimId);
      if (!until) return refused(409, "lease_ended", "Your lease on this review has ended; reload to see where it stands.");
      return { renewedUntil: until.toISOString() };
    }
    case "release": {
      if (!(await releaseReview(user, reviewId, data.claimId, data.reason))) return refused(409, "lease_ended", "You no longer hold this review.");
      return { redirect: "/quality?notice=released" };
    }
    case "review": {
      await renewReviewLease(user, reviewId, data.claimId);
      try {
        await submitBlindReview(user, { reviewId, claimId: data.claimId, action: data.action, labelIds: data.labelIds, rationale: data.rationale });
      } catch (e) {
        if (e instanceof QualityError) return refused(e.status, e.code, e.message, e.field ? { [e.field]: [e.message] } : undefined);
        throw e;
      }
      return nextReview(user, "saved");
    }
  }
}
