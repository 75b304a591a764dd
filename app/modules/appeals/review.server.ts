import { currentTime } from "~/modules/clock/clock.ts";
// Deciding an appeal: uphold, overturn or modify, with the reasons for the record and the answer the
// appellant reads. An overturn or a modification writes a new decision that supersedes the contested
// one, in the same transaction as the appeal's outcome, the item's state and the audit events.
import { transaction, type Tx } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { can, type Role } from "~/modules/auth/capabilities.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { DecisionInvalidError, loadItem, resolveLabels, validateDecision } from "~/modules/decisions/decide.server.ts";
import { writeSupersedingDecision } from "~/modules/decisions/supersede.server.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { liveLeaseOf, NO_LEASE } from "~/modules/queue/leases.server.ts";
import type { LabelView } from "~/modules/labels/types.ts";
import { APPEALED_STATE, isOpen, TRANSITIONS } from "~/modules/items/lifecycle.ts";
import { latestDecision, lockItem } from "./item.server.ts";
import { ACTION_WORDS, peopleNamedIn, renderAnswer, SUMMARY_MAX } from "./answer.ts";
import { tookPart } from "./claims.server.ts";
import { AppealError } from "./errors.ts";
import { answerTemplates } from "./templates.server.ts";
import { outcomeBetween, outcomeIssue, type AppealOutcome } from "./standing.ts";

export type AppealReviewer = { id: string; email: string; role: string };

export type AppealDecisionInput = {
  appealId: string;
  claimId: string;
  outcome: AppealOutcome;
  /** For overturn and modify: the new action and labels, under the live label set version. */
  action?: "keep" | "remove" | "restrict";
  labelIds?: string[];
  /** Why, for the record. */
  rationale: string;
  /** The reasons as the appellant reads them (no names). */
  summary: string;
};

export type AppealDecided = { appealId: string; outcome: AppealOutcome; newDecisionId: string | null; answer: string };

const LEASE_LOST = "You no longer hold this appeal: your lease expired or was released. Nothing was saved; claim it again or take the next one.";

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Decides an appeal the reviewer holds. Refused (nothing written) when the lease is not theirs, when
 * they decided the item or answered an appeal on it, when the item is under review again, when the
 * outcome does not fit what it would write, or when the answer names a person. When the contested
 * decision has been replaced meanwhile (another appeal's overturn, or a new decision after new
 * notices), the appeal is answered with the decision that stands: the outcome follows from it and
 * nothing new is decided.
 */
export async function decideAppeal(user: AppealReviewer, input: AppealDecisionInput, now: Date = currentTime()): Promise<AppealDecided> {
  if (!can(user.role as Role, TRANSITIONS.answerAppeal.by)) throw new AppealError(403, "forbidden", "Your role does not review appeals.");
  if (input.rationale.trim().length < 3)
    throw new AppealError(400, "invalid_request", "Give the reasons for this outcome: a rationale is required.", "rationale");
  const summary = input.summary.trim();
  if (summary.length < 3) throw new AppealError(400, "invalid_request", "Summarise the reasons for the appellant: the answer must give them.", "summary");
  if (summary.length > SUMMARY_MAX) throw new AppealError(400, "invalid_request", `The summary is at most ${SUMMARY_MAX} characters.`, "summary");
  const actor: Actor = { kind: "user", id: user.id, email: user.email, role: user.role };
  return transaction(async (tx) => {
    // Taking the appeal's row first: two submissions of one lease cannot both pass.
    const { count } = await tx.appeal.updateMany({
      where: { id: input.appealId, ...liveLeaseOf(user.id, now, input.claimId) },
      data: { updatedAt: now },
    });
    if (count !== 1) throw new AppealError(409, "lease_conflict", LEASE_LOST);
    const appeal = await tx.appeal.findUniqueOrThrow({
      where: { id: input.appealId },
      include: { decision: { select: { id: true, action: true, labelKeys: true, createdAt: true } } },
    });
    await lockItem(tx, appeal.itemId);
    if (await tookPart(user.id, appeal.itemId, tx)) {
      throw new AppealError(
        403,
        "took_part",
        "You decided this item, or answered an appeal on it, before, so you may not review an appeal against its decision.",
      );
    }
    const item = (await loadItem(tx, appeal.itemId))!;
    if (isOpen(item.state)) {
      throw new AppealError(
        409,
        "under_review",
        "The item is being reviewed again after new notices; answer this appeal once that decision is made.",
        "outcome",
      );
    }
    const contested = { action: appeal.decision.action, labelKeys: JSON.parse(appeal.decision.labelKeys) as string[] };
    const latest = await latestDecision(tx, item.id);

    // What the answer reports: the decision that stands after it (the contested one when upheld).
    let outcome = input.outcome;
    let standing: { id: string; action: string } | null = null;
    let write: { versionId: string | null; labels: LabelView[]; action: DecisionAction } | null = null;
    if (latest && latest.id !== appeal.decisionId) {
      const replaced = { action: latest.action, labelKeys: JSON.parse(latest.labelKeys) as string[] };
      outcome = outcomeBetween(contested, replaced);
      standing = outcome === "upheld" ? null : { id: latest.id, action: latest.action };
    } else if (outcome !== "upheld") {
      const { versionId, labels } = await resolveAppealLabels(tx, item.topReason, input);
      const issue = outcomeIssue({ outcome, action: input.action, labelKeys: labels.map((l) => l.key) }, contested);
      if (issue) throw new AppealError(400, "invalid_request", issue.message, issue.path);
      try {
        validateDecision({ action: input.action!, rationale: input.rationale }, labels);
      } catch (e) {
        if (!(e instanceof DecisionInvalidError)) throw e;
        throw new AppealError(400, "invalid_request", e.message, "labelIds");
      }
      write = { versionId, labels, action: input.action! };
    }
    // An uphold sends no new action or labels; a form that still carries some (a radio cannot be
    // cleared without JavaScript) is read for its outcome alone.

    // The answer is settled before the first audit event: from then on this transaction holds the
    // chain's head, so nothing slow may come after it.
    const templates = await answerTemplates(tx);
    const words = (action: string) => ACTION_WORDS[action] ?? action;
    const answer = renderAnswer(templates[outcome].body, {
      summary,
      decisionDate: day(appeal.decision.createdAt),
      decisionAction: words(contested.action),
      newAction: words(write?.action ?? standing?.action ?? contested.action),
    });
    const staff = await tx.user.findMany({ select: { name: true, email: true } });
    if (peopleNamedIn(answer, staff).length > 0) {
      throw new AppealError(
        400,
        "invalid_request",
        "The answer to the appellant may not name anyone on the team; rephrase the summary (or the leads' template).",
        "summary",
      );
    }

    let newDecisionId = standing?.id ?? null;
    if (write) {
      newDecisionId = await writeSupersedingDecision(tx, actor, {
        item,
        userId: user.id,
        supersedes: appeal.decisionId,
        action: write.action,
        labels: write.labels,
        versionId: write.versionId,
        rationale: input.rationale,
        appealId: appeal.id,
        now,
      });
    }

    await tx.appeal.update({
      where: { id: appeal.id },
      data: {
        state: "decided",
        outcome,
        rationale: input.rationale,
        answer,
        decidedById: user.id,
        decidedAt: now,
        newDecisionId,
        ...NO_LEASE,
      },
    });
    // The item rests as decided once no appeal on it is open. Its decidedAt stays the first
    // decision's: deadline compliance (a removal order's hour) is measured against that, and the
    // new decision carries its own time.
    await tx.item.updateMany({
      where: { id: item.id, state: APPEALED_STATE, appeals: { none: { state: "open" } } },
      data: { state: TRANSITIONS.answerAppeal.to },
    });
    await appendAuditEvent(tx, {
      actor,
      action: "appeal.decided",
      subjectType: "appeal",
      subjectId: appeal.id,
      payload: { appealId: appeal.id, itemId: item.id, decisionId: appeal.decisionId, outcome, rationale: input.rationale, answer, newDecisionId },
    });
    return { appealId: appeal.id, outcome, newDecisionId, answer };
  });
}

async function resolveAppealLabels(tx: Tx, reason: string, input: AppealDecisionInput) {
  try {
    return resolveLabels(await liveLabelSetsForReason(reason, tx), { labelIds: input.labelIds ?? [] });
  } catch (e) {
    if (!(e instanceof DecisionInvalidError)) throw e;
    throw new AppealError(400, "invalid_request", e.message, "labelIds");
  }
}
