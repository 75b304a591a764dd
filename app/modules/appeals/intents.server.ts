// What the appeal pages' forms do: claim, renew, release, decide, move, and "next appeal". Each
// answers a redirect, a renewed lease, or a refusal the form shows beside its fields.
import type { Submission } from "@conform-to/react";
import type { SessionUser } from "~/modules/auth/session.server.ts";
import { can } from "~/modules/auth/capabilities.ts";
import type { Refusal } from "~/modules/http/forms.server.ts";
import { CLAIM_REFUSALS, claimAppealOrWhy, claimNextAppeal, releaseAppeal, renewAppealLease } from "./claims.server.ts";
import { AppealError } from "./errors.ts";
import type { AppealIntent } from "./intent.ts";
import { moveAppeal } from "./placement.server.ts";
import { decideAppeal } from "./review.server.ts";

export type AppealOutcomeOfForm = { redirect: string } | { renewedUntil: string } | { refused: Refusal };

type Reviewer = Pick<SessionUser, "id" | "email" | "role">;

const refused = (status: number, code: string, message: string, fieldErrors?: Record<string, string[]>): AppealOutcomeOfForm => ({
  refused: { status, code, message, fieldErrors },
});

/** An appeal refusal, with its message beside the field it is about. */
function fromAppealError(e: AppealError): AppealOutcomeOfForm {
  return refused(e.status, e.code, e.message, e.path ? { [e.path]: [e.message] } : undefined);
}

export const appealPath = (appealId: string, notice?: string) => `/appeals/${encodeURIComponent(appealId)}${notice ? `?notice=${notice}` : ""}`;

/** The next appeal the reviewer may work (the one they hold first), or back to the list with a notice. */
export async function nextAppeal(user: Reviewer, queueId?: string): Promise<{ redirect: string }> {
  const next = await claimNextAppeal(user, queueId || undefined);
  return { redirect: next ? appealPath(next.appealId) : "/appeals?notice=none-waiting" };
}

/**
 * Carries out one submission of the appeal review screen. A refused decision still renews the lease:
 * the reviewer is working on the appeal, and fixing the form must not cost them it.
 */
export async function handleAppealIntent(
  user: Reviewer,
  appealId: string,
  submission: Submission<unknown, string[], AppealIntent>,
): Promise<AppealOutcomeOfForm> {
  if (submission.status !== "success") {
    const claimId = submission.payload.claimId;
    if (typeof claimId === "string" && claimId) await renewAppealLease(user, appealId, claimId);
    return refused(400, "invalid_form", "Check the highlighted fields.");
  }
  const data = submission.value;
  const reviewer = can(user.role, "appeals:review");
  if (data.intent !== "move" && !reviewer) return refused(403, "forbidden", 'Your role cannot do this: it needs the "appeals:review" permission.');
  switch (data.intent) {
    case "claim": {
      const claimed = await claimAppealOrWhy(user, appealId);
      if ("refused" in claimed) return refused(claimed.refused === "not_found" ? 404 : 409, claimed.refused, CLAIM_REFUSALS[claimed.refused]);
      // A reviewer who already holds another appeal is sent back to it: one appeal at a time.
      return { redirect: appealPath(claimed.appealId) };
    }
    case "renew": {
      const until = await renewAppealLease(user, appealId, data.claimId);
      if (!until) return refused(409, "lease_ended", "Your lease on this appeal has ended; reload to see who holds it now.");
      return { renewedUntil: until.toISOString() };
    }
    case "release": {
      const ok = await releaseAppeal(user, { appealId, claimId: data.claimId, reason: data.reason });
      if (!ok) return refused(409, "lease_ended", "Nobody holds this appeal any more, so there is nothing to release.");
      return { redirect: appealPath(appealId, "released") };
    }
    case "decide": {
      await renewAppealLease(user, appealId, data.claimId);
      try {
        await decideAppeal(user, {
          appealId,
          claimId: data.claimId,
          outcome: data.outcome,
          action: data.action,
          labelIds: data.labelIds,
          rationale: data.rationale,
          summary: data.summary,
        });
        return { redirect: appealPath(appealId, "decided") };
      } catch (e) {
        if (e instanceof AppealError) return fromAppealError(e);
        throw e;
      }
    }
    case "move": {
      if (!can(user.role, "appeals:manage")) return refused(403, "forbidden", 'Your role cannot do this: it needs the "appeals:manage" permission.');
      try {
        await moveAppeal({ kind: "user", id: user.id, email: user.email, role: user.role }, appealId, data.queueId, data.reason);
        return { redirect: appealPath(appealId, "moved") };
      } catch (e) {
        if (e instanceof AppealError) return fromAppealError(e);
        throw e;
      }
    }
  }
}
