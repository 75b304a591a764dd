import { currentTime } from "~/modules/clock/clock.ts";
// A blind second review's answer: stored on the review with whether it agrees with the first
// decision. The item, its decision, the feed and the statements of reasons stay exactly as they were.
import { transaction } from "~/db.server.ts";
import { appendAuditEvent } from "~/modules/audit/writer.server.ts";
import { DecisionInvalidError, validateDecision } from "~/modules/decisions/decide.server.ts";
import { getVersion } from "~/modules/labels/sets.server.ts";
import { liveLeaseOf, NO_LEASE } from "~/modules/queue/leases.server.ts";
import { disagreement } from "../compare.ts";
import { QualityError } from "../errors.ts";
import { tookPart, type QualityReviewer } from "./claims.server.ts";
import type { REVIEW_ACTIONS } from "./intent.ts";

export type BlindReviewInput = { reviewId: string; claimId: string; action: (typeof REVIEW_ACTIONS)[number]; labelIds: string[]; rationale: string };

const LEASE_LOST = "You no longer hold this quality review: your lease expired or was released. Nothing was saved.";

export async function submitBlindReview(user: QualityReviewer, input: BlindReviewInput, now: Date = currentTime()): Promise<{ agreed: boolean }> {
  return transaction(async (tx) => {
    // Taking the review's row first: two submissions of one lease cannot both pass.
    const { count } = await tx.qualityReview.updateMany({
      where: { id: input.reviewId, ...liveLeaseOf(user.id, now, input.claimId) },
      data: { updatedAt: now },
    });
    if (count !== 1) throw new QualityError(409, "lease_ended", LEASE_LOST);
    const review = await tx.qualityReview.findUniqueOrThrow({ where: { id: input.reviewId } });
    if (await tookPart(user.id, review, tx)) throw new QualityError(403, "took_part", "You decided this item, so you may not review it for quality.");
    const version = review.versionId ? await getVersion(review.versionId, tx) : null;
    const live = version?.labels.filter((l) => !l.retired) ?? [];
    const ids = [...new Set(input.labelIds)];
    const labels = live.filter((l) => ids.includes(l.id));
    if (labels.length !== ids.length) throw new QualityError(400, "invalid_form", "Choose labels from the label set shown.", "labelIds");
    try {
      validateDecision(input, labels);
    } catch (e) {
      if (e instanceof DecisionInvalidError) throw new QualityError(400, "invalid_form", e.message, e.field === "form" ? undefined : e.field);
      throw e;
    }
    const first = await tx.decision.findUniqueOrThrow({ where: { id: review.decisionId }, select: { action: true, labelKeys: true } });
    const violating = new Set((version?.labels ?? []).filter((l) => l.group === "violating").map((l) => l.key));
    const labelKeys = labels.map((l) => l.key);
    const agreed =
      disagreement({ action: first.action, labelKeys: JSON.parse(first.labelKeys) as string[] }, { action: input.action, labelKeys }, (k) =>
        violating.has(k),
      ) === null;
    await tx.qualityReview.update({
      where: { id: review.id },
      data: {
        state: agreed ? "agreed" : "disagreed",
        reviewerId: user.id,
        reviewedAt: now,
        action: input.action,
        labelKeys: JSON.stringify(labelKeys),
        rationale: input.rationale,
        ...NO_LEASE,
      },
    });
    await appendAuditEvent(tx, {
      actor: { kind: "user", id: user.id, email: user.email, role: user.role },
      action: "quality.reviewed",
      subjectType: "quality_review",
      subjectId: review.id,
      payload: {
        qualityReviewId: review.id,
        decisionId: review.decisionId,
        itemId: review.itemId,
        action: input.action,
        labelKeys,
        rationale: input.rationale,
        agreed,
      },
    });
    return { agreed };
  });
}
