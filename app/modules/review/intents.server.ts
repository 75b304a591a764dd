import type { Submission } from "@conform-to/react";
import { can } from "~/modules/auth/capabilities.ts";
import { ClusterError } from "~/modules/clusters/errors.ts";
import { splitMember } from "~/modules/clusters/split.server.ts";
import type { SessionUser } from "~/modules/auth/session.server.ts";
import { decide, DecisionInvalidError, LEASE_LOST, LeaseConflictError } from "~/modules/decisions/decide.server.ts";
import type { Refusal } from "~/modules/http/forms.server.ts";
import { ESCALATED_STATE, INITIAL_STATE } from "~/modules/items/lifecycle.ts";
import { answerCalibration, calibrationServingOf, releaseCalibration, renewCalibration } from "~/modules/quality/calibration/answers.server.ts";
import { careLimits } from "~/modules/quality/care/limits.server.ts";
import { nextWork } from "~/modules/quality/next-work.server.ts";
import { qualitySettings } from "~/modules/quality/settings.server.ts";
import { claimItemOrWhy, type ClaimRefusal, endClaim, queueOf, renewLease, type QueueName } from "~/modules/queue/claims.server.ts";
import type { ReviewIntent } from "./intent.ts";

/** What the review screen's action does next: go somewhere, report a renewed lease, or refuse. */
export type ReviewOutcome = { redirect: string } | { renewedUntil: string } | { refused: Refusal };

type Reviewer = Pick<SessionUser, "id" | "email" | "role">;

const refused = (status: number, code: string, message: string, fieldErrors?: Record<string, string[]>): ReviewOutcome => ({
  refused: { status, code, message, fieldErrors },
});

const CLAIM_REFUSED: Record<ClaimRefusal, string> = {
  not_found: "That item does not exist.",
  not_open: "This item is no longer open, or it waits for someone with another role.",
  unrouted: "This item waits unrouted, in no queue: a policy lead must route or move it before anyone can take it.",
  not_member: "This item waits in a queue you are not a member of; a policy lead can add you or assign it to you.",
  assigned: "A policy lead assigned this item to someone else.",
  held: "Someone else holds this item.",
  at_limit:
    "You have reviewed as many high-severity items as a shift allows; this one waits for someone else, or for your limit to lift (your Review page says when).",
};

const queuePage = (queue: QueueName) => (queue === ESCALATED_STATE ? "/escalations" : "/queue");

/**
 * After a decision or a skip the reviewer goes straight to the next work: of the same state, from
 * all their queues, or from the one queue they chose to work (carried in the review URL's `queue`).
 */
async function nextItem(user: Reviewer, queue: QueueName, notice: string, workQueue: string | null): Promise<ReviewOutcome> {
  // At the care cap the moderator is told so on the next screen (or sent to the break prompt), not switched to other work silently.
  // Escalated work is never held back by the cap.
  const limits = queue === INITIAL_STATE ? await careLimits(user.id) : { atCap: false, excludeReasons: [] };
  const next = await nextWork(user, { state: queue, queueId: workQueue ?? undefined }, limits);
  const { atCap } = limits;
  if (next) return { redirect: reviewPath(next.itemId, workQueue, atCap ? `${notice}-at-limit` : notice) };
  if (atCap) return { redirect: "/queue?notice=at-limit" };
  return { redirect: `${queuePage(queue)}?notice=${notice}-empty` };
}

/** The review screen of an item, keeping the queue the reviewer chose to work. */
export function reviewPath(itemId: string, workQueue: string | null, notice?: string) {
  const search = new URLSearchParams();
  if (notice) search.set("notice", notice);
  if (workQueue) search.set("queue", workQueue);
  const query = search.toString();
  return `/review/${itemId}${query ? `?${query}` : ""}`;
}

/** The queue a reviewer chose to work, from the review URL; anything malformed means all their queues. */
export function workQueueOf(url: URL): string | null {
  const queue = url.searchParams.get("queue");
  return queue && /^[A-Za-z0-9_-]{1,64}$/.test(queue) ? queue : null;
}

/**
 * Carries out one submission of the review screen. A refused form still renews the reviewer's lease:
 * they are working on the item, and fixing the form must not cost them it.
 */
export async function handleReviewIntent(
  user: Reviewer,
  itemId: string,
  submission: Submission<unknown, string[], ReviewIntent>,
  workQueue: string | null = null,
): Promise<ReviewOutcome> {
  if (submission.status !== "success") {
    const claimId = submission.payload.claimId;
    if (typeof claimId === "string" && claimId) {
      if (await calibrationServingOf(user.id, itemId)) await renewCalibration(user.id, itemId);
      else await renewLease(user, itemId, claimId);
    }
    return refused(400, "invalid_form", "Check the highlighted fields.");
  }
  const data = submission.value;
  const serving = await calibrationServingOf(user.id, itemId);
  if (serving) return handleCalibrationIntent(user, itemId, serving.claimId, data, workQueue);
  switch (data.intent) {
    case "claim": {
      const claimed = await claimItemOrWhy(user, itemId, { excludeReasons: (await careLimits(user.id)).excludeReasons });
      if ("refused" in claimed) return refused(409, "conflict", CLAIM_REFUSED[claimed.refused]);
      // A reviewer who already holds an item of this queue is sent back to it (one item per queue).
      return { redirect: reviewPath(claimed.itemId, workQueue) };
    }
    case "renew": {
      const until = await renewLease(user, itemId, data.claimId);
      if (!until) return refused(409, "lease_ended", "Your lease on this item has ended; reload to see who holds it now.");
      return { renewedUntil: until.toISOString() };
    }
    case "skip":
    case "release": {
      const queue = await queueOf(itemId);
      const ok = await endClaim(user, { itemId, claimId: data.claimId, kind: data.intent === "skip" ? "skipped" : "released", reason: data.reason });
      if (!ok) return refused(409, "lease_ended", "You no longer hold this item, so there is nothing to release.");
      if (data.intent === "release") return { redirect: `${queuePage(queue)}?notice=released` };
      return nextItem(user, queue, "skipped", workQueue);
    }
    case "split": {
      try {
        // Only a member of the cluster of the item on this screen, as the panel showed it.
        await splitMember(user, { itemId: data.itemId, reason: data.reason, besideItemId: itemId });
      } catch (e) {
        if (e instanceof ClusterError) return refused(e.status, e.code, e.message);
        throw e;
      }
      return { redirect: reviewPath(itemId, workQueue, "split") };
    }
    case "decide": {
      if (data.scope !== "item" && !can(user.role, "clusters:decide")) {
        return refused(403, "forbidden", "Your role may not decide a cluster: decide this item on its own.");
      }
      if (data.scope === "selected" && data.memberIds.length === 0) {
        await renewLease(user, itemId, data.claimId);
        const message = "Select the members to decide with this item, or choose this item or the whole cluster.";
        return refused(400, "invalid_form", message, { memberIds: [message] });
      }
      await renewLease(user, itemId, data.claimId);
      try {
        const result = await decide(user, {
          itemId,
          claimId: data.claimId,
          action: data.action,
          labelIds: data.labelIds,
          rationale: data.rationale,
          cluster: data.scope === "item" ? undefined : { memberIds: data.scope === "cluster" ? "all" : data.memberIds },
        });
        // A cluster too large to decide within the request goes on in the background: its progress page follows it.
        if (result.cluster && result.cluster.state !== "done") return { redirect: `/clusters/decisions/${result.cluster.id}` };
        return nextItem(user, result.byLead ? ESCALATED_STATE : INITIAL_STATE, result.cluster ? `saved-cluster-${result.cluster.decided}` : "saved", workQueue);
      } catch (e) {
        if (e instanceof LeaseConflictError) return refused(409, "lease_ended", e.message);
        if (e instanceof DecisionInvalidError) return refused(400, "invalid_decision", e.message, { [e.field === "form" ? "" : e.field]: [e.message] });
        throw e;
      }
    }
  }
}

const LEASE_ENDED = "Your lease on this item has ended; reload to see who holds it now.";

/**
 * The review screen's submissions on a calibration item served to this user, answered as the same
 * submissions on an item are (same refusals, same next step), but scoring or closing the serving:
 * nothing is decided, claimed or audited. After an answer the moderator reads the expected answer
 * and its explanation when the leads show it, else goes on to the next work.
 */
async function handleCalibrationIntent(
  user: Reviewer,
  answerId: string,
  claimId: string,
  data: ReviewIntent,
  workQueue: string | null,
): Promise<ReviewOutcome> {
  if (data.intent === "claim" || data.intent === "split") return refused(409, "conflict", CLAIM_REFUSED.not_open);
  if (data.claimId !== claimId) return refused(409, "lease_ended", LEASE_ENDED);
  switch (data.intent) {
    case "renew": {
      const until = await renewCalibration(user.id, answerId);
      if (!until) return refused(409, "lease_ended", LEASE_ENDED);
      return { renewedUntil: until.toISOString() };
    }
    case "skip":
    case "release": {
      if (!(await releaseCalibration(user.id, answerId))) return refused(409, "lease_ended", "You no longer hold this item, so there is nothing to release.");
      if (data.intent === "release") return { redirect: `${queuePage(INITIAL_STATE)}?notice=released` };
      return nextItem(user, INITIAL_STATE, "skipped", workQueue);
    }
    case "decide": {
      await renewCalibration(user.id, answerId);
      try {
        const answered = await answerCalibration(user.id, answerId, { action: data.action, labelIds: data.labelIds, rationale: data.rationale });
        if (!answered) return refused(409, "lease_ended", LEASE_LOST);
      } catch (e) {
        if (e instanceof DecisionInvalidError) return refused(400, "invalid_decision", e.message, { [e.field === "form" ? "" : e.field]: [e.message] });
        throw e;
      }
      if ((await qualitySettings()).showExplanation) return { redirect: `/quality/calibration/answers/${answerId}` };
      return nextItem(user, INITIAL_STATE, "saved", workQueue);
    }
  }
}
