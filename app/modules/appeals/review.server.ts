// Deciding an appeal: uphold, overturn or modify, with the reasons for the record and the answer the
// appellant reads. An overturn or a modification writes a new decision that supersedes the contested
// one, in the same transaction as the appeal's outcome, the item's state and the audit events.
import { transaction, dialect, type Tx } from "~/db.server.ts";
import { newId } from "~/modules/ids.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { can, type Role } from "~/modules/auth/capabilities.ts";
import { loadItem, resolveLabels, snapshotOf, validateDecision } from "~/modules/decisions/decide.server.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { TRANSITIONS } from "~/modules/items/lifecycle.ts";
import { ACTION_WORDS, peopleNamedIn, renderAnswer, SUMMARY_MAX } from "./answer.ts";
import { tookPart } from "./claims.server.ts";
import { AppealError } from "./errors.ts";
import { answerTemplates } from "./templates.server.ts";
import { outcomeIssue, type AppealOutcome } from "./standing.ts";

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
 * they decided the item at any time, when the outcome does not fit what it would write, when the
 * contested decision has been replaced meanwhile, or when the answer names a person.
 */
export async function decideAppeal(user: AppealReviewer, input: AppealDecisionInput, now: Date = new Date()): Promise<AppealDecided> {
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
      where: { id: input.appealId, claimId: input.claimId, claimedById: user.id, leaseExpiresAt: { gt: now }, state: "open" },
      data: { updatedAt: now },
    });
    if (count !== 1) throw new AppealError(409, "lease_conflict", LEASE_LOST);
    const appeal = await tx.appeal.findUniqueOrThrow({
      where: { id: input.appealId },
      include: { decision: { select: { id: true, action: true, labelKeys: true, createdAt: true, userId: true } } },
    });
    if (dialect === "postgresql") await tx.$queryRaw`SELECT "id" FROM "Item" WHERE "id" = ${appeal.itemId} FOR NO KEY UPDATE`;
    if (await tookPart(user.id, appeal.itemId, tx)) {
      throw new AppealError(
        403,
        "took_part",
        "You decided this item, or answered an appeal on it, before, so you may not review an appeal against its decision.",
      );
    }
    const contested = { action: appeal.decision.action, labelKeys: JSON.parse(appeal.decision.labelKeys) as string[] };
    const item = (await loadItem(tx, appeal.itemId))!;

    let replacement: { decisionId: string; action: string } | null = null;
    if (input.outcome !== "upheld") {
      const latest = await tx.decision.findFirst({ where: { itemId: item.id }, orderBy: { seq: "desc" }, select: { id: true } });
      if (latest?.id !== appeal.decisionId) {
        throw new AppealError(
          409,
          "decision_replaced",
          `The contested decision has been replaced (by decision ${latest?.id}) since this appeal arrived; uphold it and explain, or look at the item's current decision.`,
          "outcome",
        );
      }
      if (item.state !== "appealed" && item.state !== "decided") {
        throw new AppealError(
          409,
          "under_review",
          "The item is being reviewed again after new notices; wait for that decision before changing this one.",
          "outcome",
        );
      }
      const { versionId, labels } = await resolveAppealLabels(tx, item.topReason, input);
      const labelKeys = labels.map((l) => l.key);
      const issue = outcomeIssue({ outcome: input.outcome, action: input.action, labelKeys }, contested);
      if (issue) throw new AppealError(400, "invalid_request", issue.message, issue.path);
      try {
        validateDecision({ action: input.action!, rationale: input.rationale }, labels);
      } catch (e) {
        throw new AppealError(400, "invalid_request", (e as Error).message, "labelIds");
      }
      const decisionId = newId();
      const event = await appendAuditEvent(tx, {
        actor,
        action: "decision.made",
        subjectType: "item",
        subjectId: item.id,
        payload: {
          decisionId,
          itemId: item.id,
          externalId: item.externalId,
          action: input.action!,
          labelKeys,
          versionId,
          rationale: input.rationale,
          copyOf: null,
          supersedes: appeal.decisionId,
          appealId: appeal.id,
        },
      });
      await tx.decision.create({
        data: {
          id: decisionId,
          seq: event.seq,
          itemId: item.id,
          userId: user.id,
          versionId,
          action: input.action!,
          rationale: input.rationale,
          labelKeys: JSON.stringify(labelKeys),
          snapshot: JSON.stringify(snapshotOf(item)),
          supersedesId: appeal.decisionId,
          appealId: appeal.id,
          createdAt: now,
        },
      });
      if (labels.length > 0) await tx.decisionLabel.createMany({ data: labels.map((l) => ({ decisionId, labelId: l.id })) });
      replacement = { decisionId, action: input.action! };
    } else if (input.action || (input.labelIds && input.labelIds.length > 0)) {
      throw new AppealError(
        400,
        "invalid_request",
        "Upholding keeps the contested decision: leave the action and labels unset, or choose overturn or modify.",
        "outcome",
      );
    }

    // Everyone who reviewed the content: this reviewer, whoever decided the item, and whoever answered an earlier appeal on it.
    const answeredBefore = await tx.appeal.findMany({ where: { itemId: item.id, decidedById: { not: null } }, select: { decidedById: true } });
    const people = await tx.user.findMany({
      where: { OR: [{ id: { in: [user.id, ...answeredBefore.map((a) => a.decidedById!)] } }, { decisions: { some: { itemId: item.id } } }] },
      select: { name: true, email: true },
    });
    const named = peopleNamedIn(summary, people);
    if (named.length > 0) {
      throw new AppealError(
        400,
        "invalid_request",
        "The answer to the appellant may not name the people who reviewed the content; rephrase the summary.",
        "summary",
      );
    }
    const templates = await answerTemplates(tx);
    const answer = renderAnswer(templates[input.outcome].body, {
      summary,
      decisionDate: day(appeal.decision.createdAt),
      decisionAction: ACTION_WORDS[appeal.decision.action] ?? appeal.decision.action,
      newAction: replacement ? (ACTION_WORDS[replacement.action] ?? replacement.action) : (ACTION_WORDS[appeal.decision.action] ?? appeal.decision.action),
    });

    await tx.appeal.update({
      where: { id: appeal.id },
      data: {
        state: "decided",
        outcome: input.outcome,
        rationale: input.rationale,
        answer,
        decidedById: user.id,
        decidedAt: now,
        newDecisionId: replacement?.decisionId ?? null,
        claimId: null,
        claimedById: null,
        leaseExpiresAt: null,
      },
    });
    // The item rests as decided once no appeal on it is open; a new decision is its decision time.
    await tx.item.updateMany({
      where: { id: item.id, state: TRANSITIONS.answerAppeal.from[0], appeals: { none: { state: "open" } } },
      data: { state: TRANSITIONS.answerAppeal.to },
    });
    if (replacement) await tx.item.update({ where: { id: item.id }, data: { decidedAt: now } });
    await appendAuditEvent(tx, {
      actor,
      action: "appeal.decided",
      subjectType: "appeal",
      subjectId: appeal.id,
      payload: {
        appealId: appeal.id,
        itemId: item.id,
        decisionId: appeal.decisionId,
        outcome: input.outcome,
        rationale: input.rationale,
        answer,
        newDecisionId: replacement?.decisionId ?? null,
      },
    });
    return { appealId: appeal.id, outcome: input.outcome, newDecisionId: replacement?.decisionId ?? null, answer };
  });
}

async function resolveAppealLabels(tx: Tx, reason: string, input: AppealDecisionInput) {
  try {
    return resolveLabels(await liveLabelSetsForReason(reason, tx), { labelIds: input.labelIds ?? [] });
  } catch (e) {
    throw new AppealError(400, "invalid_request", (e as Error).message, "labelIds");
  }
}
