import type { Submission } from "@conform-to/react";
import type { SessionUser } from "~/modules/auth/session.server.ts";
import { decide, DecisionInvalidError, LeaseConflictError } from "~/modules/decisions/decide.server.ts";
import type { Refusal } from "~/modules/http/forms.server.ts";
import { ESCALATED_STATE, INITIAL_STATE } from "~/modules/items/lifecycle.ts";
import { claimItemOrWhy, claimNext, type ClaimRefusal, endClaim, queueOf, renewLease, type QueueName } from "~/modules/queue/claims.server.ts";
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
};

const queuePage = (queue: QueueName) => (queue === ESCALATED_STATE ? "/escalations" : "/queue");

/**
 * After a decision or a skip the reviewer goes straight to the next item: of the same state, from
 * all their queues, or from the one queue they chose to work (carried in the review URL's `queue`).
 */
async function nextItem(user: Reviewer, queue: QueueName, notice: string, workQueue: string | null): Promise<ReviewOutcome> {
  const next = await claimNext(user, { state: queue, queueId: workQueue ?? undefined });
  if (next) return { redirect: reviewPath(next.itemId, workQueue, notice) };
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
    if (typeof claimId === "string" && claimId) await renewLease(user, itemId, claimId);
    return refused(400, "invalid_form", "Check the highlighted fields.");
  }
  const data = submission.value;
  switch (data.intent) {
    case "claim": {
      const claimed = await claimItemOrWhy(user, itemId);
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
    case "decide": {
      await renewLease(user, itemId, data.claimId);
      try {
        const result = await decide(user, {
          itemId,
          claimId: data.claimId,
          action: data.action,
          labelIds: data.labelIds,
          rationale: data.rationale,
          applyToCopies: data.applyToCopies,
        });
        return nextItem(user, result.byLead ? ESCALATED_STATE : INITIAL_STATE, result.copies > 0 ? `saved-copies-${result.copies}` : "saved", workQueue);
      } catch (e) {
        if (e instanceof LeaseConflictError) return refused(409, "lease_ended", e.message);
        if (e instanceof DecisionInvalidError) return refused(400, "invalid_decision", e.message, { [e.field === "form" ? "" : e.field]: [e.message] });
        throw e;
      }
    }
  }
}
