import { db } from "~/db.server.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { newId } from "~/modules/ids.ts";
import { makeDecision } from "./audit-fixtures.ts";

export type ReviewSide = [DecisionAction, string[]];

/**
 * A completed double review: a first decision made the way the console makes one, and the second
 * review of it as the quality review row records it (state, action, labels, time).
 */
export async function makeReviewedPair(p: {
  first: ReviewSide;
  second: ReviewSide;
  reviewerId: string;
  reviewedAt: Date;
  state: "agreed" | "disagreed" | "adjudicated";
  externalId?: string;
}) {
  const made = await makeDecision({ action: p.first[0], labelKeys: p.first[1], externalId: p.externalId });
  await db.qualityReview.create({
    data: {
      id: newId(),
      decisionId: made.decision.id,
      itemId: made.itemId,
      sampledBecause: "share",
      firstUserId: made.moderator.id,
      versionId: made.decision.versionId,
      state: p.state,
      sampledAt: new Date(p.reviewedAt.getTime() - 4 * 3_600_000),
      reviewerId: p.reviewerId,
      reviewedAt: p.reviewedAt,
      action: p.second[0],
      labelKeys: JSON.stringify(p.second[1]),
      rationale: "Fictional second review of a made-up post.",
      ...(p.state === "adjudicated" ? { ruling: "first", errorType: "wrong_label", adjudicatedAt: new Date(p.reviewedAt.getTime() + 4 * 3_600_000) } : {}),
    },
  });
  return made;
}
