import { describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { claimAppealOrWhy, claimNextAppeal } from "~/modules/appeals/claims.server.ts";
import { decideAppeal } from "~/modules/appeals/review.server.ts";
import { appealStatus } from "~/modules/appeals/status.server.ts";
import { DISPUTE_SETTLEMENT_NOTICE } from "~/modules/appeals/answer.ts";
import { decisionFeed } from "~/modules/decisions/feed.server.ts";
import { verifyChain } from "~/modules/audit/verify.server.ts";
import { makeDecision } from "../support/audit-fixtures.ts";
import { makeUser } from "../support/fixtures.ts";
import { appealAgainst, liveLabelIds } from "../support/appeals.ts";

describe("an appeal from receipt to a reversal", () => {
  it("routes to the Appeals queue, is refused to the decider, and an overturn supersedes the removal", async () => {
    const made = await makeDecision({ action: "remove" });
    const received = await appealAgainst(made);
    expect(received.created).toBe(true);
    const appeal = await db.appeal.findUniqueOrThrow({ where: { id: received.appealId } });
    expect(appeal).toMatchObject({ queueId: "queue-appeals", state: "open", routedBy: "rule:rule-starter-appeals@2" });
    expect(appeal.dueAt.getTime() - appeal.receivedAt.getTime()).toBe(336 * 3_600_000);
    expect((await db.item.findUniqueOrThrow({ where: { id: made.itemId } })).state).toBe("appealed");

    expect(await claimAppealOrWhy(made.moderator, received.appealId)).toEqual({ refused: "took_part" });
    expect(await claimNextAppeal(made.moderator)).toBeNull();

    const reviewer = await makeUser("moderator");
    const claim = await claimNextAppeal(reviewer);
    expect(claim?.appealId).toBe(received.appealId);
    const labels = await liveLabelIds();
    const outcome = await decideAppeal(reviewer, {
      appealId: received.appealId,
      claimId: claim!.claimId,
      outcome: "overturned",
      action: "keep",
      labelIds: [labels.get("ve_news_reporting")!],
      rationale: "The post reports on the fictional group in a news frame.",
      summary: "The post reports on events in a news frame and does not praise the group.",
    });
    expect(outcome.newDecisionId).toBeTruthy();
    expect(outcome.answer).toContain(DISPUTE_SETTLEMENT_NOTICE);
    const status = await appealStatus("test", received.appealId);
    expect(status).toMatchObject({ state: "decided", outcome: "overturned" });
    expect((await db.item.findUniqueOrThrow({ where: { id: made.itemId } })).state).toBe("decided");
    const feed = await decisionFeed("test", made.decision.seq, 10);
    expect(feed.decisions.find((d) => d.id === outcome.newDecisionId)).toMatchObject({ action: "keep", supersedes: made.decision.id });
    expect((await verifyChain()).ok).toBe(true);
  });
});
