import { currentTime } from "~/modules/clock/clock.ts";
// A lead's ruling on a disagreement between a decision and its blind second review, with the type of
// error and a note; when the first decision was wrong, optionally a correction: a new decision that
// supersedes it, written as an appeal's overturn is (audited, in the feed, with its statement).
import { db, transaction } from "~/db.server.ts";
import type { Actor } from "~/modules/audit/writer.server.ts";
import { appendAuditEvent } from "~/modules/audit/writer.server.ts";
import { can, type Role } from "~/modules/auth/capabilities.ts";
import { DecisionInvalidError, loadItem, resolveLabels, validateDecision } from "~/modules/decisions/decide.server.ts";
import { writeSupersedingDecision } from "~/modules/decisions/supersede.server.ts";
import { parseSnapshot } from "~/modules/audit/snapshot.ts";
import { isOpen } from "~/modules/items/lifecycle.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { latestDecision, lockItem } from "~/modules/appeals/item.server.ts";
import type { AdjudicationInput } from "./adjudication-form.ts";
import { QualityError } from "./errors.ts";
import { mediaOf } from "./reviews/screen.server.ts";

export type Adjudicator = { id: string; email: string; role: string };

export async function adjudicate(
  user: Adjudicator,
  reviewId: string,
  input: AdjudicationInput,
  now: Date = currentTime(),
): Promise<{ correctionDecisionId: string | null }> {
  if (!can(user.role as Role, "quality:manage")) throw new QualityError(403, "forbidden", "Only a policy lead adjudicates quality reviews.");
  const actor: Actor = { kind: "user", id: user.id, email: user.email, role: user.role };
  return transaction(async (tx) => {
    const review = await tx.qualityReview.findUnique({ where: { id: reviewId } });
    if (!review) throw new QualityError(404, "not_found", "There is no such quality review.");
    if (review.firstUserId === user.id || review.reviewerId === user.id) {
      throw new QualityError(403, "took_part", "You made one of the two reviews; another lead must rule on them.");
    }
    // The state guard takes the row: two leads ruling at once cannot both pass.
    const { count } = await tx.qualityReview.updateMany({ where: { id: reviewId, state: "disagreed" }, data: { updatedAt: now } });
    if (count !== 1)
      throw new QualityError(
        409,
        "not_disagreed",
        review.state === "adjudicated" ? "This disagreement has been ruled on already." : "Only a disagreement is adjudicated.",
      );
    let correctionDecisionId: string | null = null;
    if (input.correct) {
      await lockItem(tx, review.itemId);
      const item = (await loadItem(tx, review.itemId))!;
      if (isOpen(item.state))
        throw new QualityError(
          409,
          "under_review",
          "The item is being reviewed again after new notices; rule without a correction, or wait for that decision.",
          "correct",
        );
      const latest = await latestDecision(tx, item.id);
      if (latest?.id !== review.decisionId) {
        throw new QualityError(
          409,
          "decision_replaced",
          "The first decision has been replaced since (an appeal or a new decision); there is nothing left to correct.",
          "correct",
        );
      }
      let resolved: ReturnType<typeof resolveLabels>;
      try {
        resolved = resolveLabels(await liveLabelSetsForReason(item.topReason, tx), { labelIds: input.labelIds });
        validateDecision({ action: input.action!, rationale: input.rationale }, resolved.labels);
      } catch (e) {
        if (e instanceof DecisionInvalidError) throw new QualityError(400, "invalid_form", e.message, e.field === "form" ? undefined : e.field);
        throw e;
      }
      correctionDecisionId = await writeSupersedingDecision(tx, actor, {
        item,
        userId: user.id,
        supersedes: review.decisionId,
        action: input.action!,
        labels: resolved.labels,
        versionId: resolved.versionId,
        rationale: input.rationale,
        qualityReviewId: review.id,
        byLead: true,
        now,
      });
    }
    await tx.qualityReview.update({
      where: { id: reviewId },
      data: {
        state: "adjudicated",
        ruling: input.ruling,
        errorType: input.errorType,
        adjudicationNote: input.note,
        adjudicatedById: user.id,
        adjudicatedAt: now,
        correctionDecisionId,
      },
    });
    await appendAuditEvent(tx, {
      actor,
      action: "quality.adjudicated",
      subjectType: "quality_review",
      subjectId: reviewId,
      payload: {
        qualityReviewId: reviewId,
        decisionId: review.decisionId,
        itemId: review.itemId,
        ruling: input.ruling,
        errorType: input.errorType,
        note: input.note,
        correctionDecisionId,
      },
    });
    return { correctionDecisionId };
  });
}

const nameOf = async (ids: (string | null)[]) => {
  const users = await db.user.findMany({ where: { id: { in: ids.filter((i): i is string => !!i) } }, select: { id: true, name: true, email: true } });
  return new Map(users.map((u) => [u.id, u]));
};

/** Both reviews side by side for a lead, with what a correction would be made under. */
export async function adjudicationScreen(reviewId: string) {
  const review = await db.qualityReview.findUnique({ where: { id: reviewId } });
  if (!review) return null;
  const decision = await db.decision.findUniqueOrThrow({
    where: { id: review.decisionId },
    select: { id: true, action: true, labelKeys: true, rationale: true, userId: true, createdAt: true, snapshot: true, versionId: true },
  });
  const item = await db.item.findUniqueOrThrow({ where: { id: review.itemId }, select: { id: true, externalId: true, state: true, topReason: true } });
  const [people, version, liveSets, replacedBy] = await Promise.all([
    nameOf([decision.userId, review.reviewerId, review.adjudicatedById]),
    review.versionId ? db.label.findMany({ where: { versionId: review.versionId }, select: { key: true, name: true, group: true } }) : Promise.resolve([]),
    liveLabelSetsForReason(item.topReason),
    db.decision.findFirst({ where: { supersedesId: decision.id }, select: { id: true, action: true, appealId: true, qualityReviewId: true } }),
  ]);
  const labelName = new Map(version.map((l) => [l.key, l]));
  const named = (keys: string[]) => keys.map((k) => ({ key: k, name: labelName.get(k)?.name ?? k, group: labelName.get(k)?.group ?? "allowed" }));
  const secondKeys = JSON.parse(review.labelKeys) as string[];
  const liveLabels = liveSets.flatMap((s) => s.labels);
  const { item: snapshot } = parseSnapshot(decision.snapshot);
  return {
    review: {
      id: review.id,
      state: review.state,
      sampledAt: review.sampledAt,
      sampledBecause: review.sampledBecause,
      ruling: review.ruling,
      errorType: review.errorType,
      note: review.adjudicationNote,
      adjudicatedAt: review.adjudicatedAt,
      adjudicatedBy: review.adjudicatedById ? (people.get(review.adjudicatedById) ?? null) : null,
      correctionDecisionId: review.correctionDecisionId,
      firstUserId: review.firstUserId,
      reviewerId: review.reviewerId,
    },
    item: { id: item.id, externalId: item.externalId, state: item.state },
    content: {
      platform: snapshot.platform ?? "",
      externalId: snapshot.externalId,
      type: snapshot.type,
      title: snapshot.title ?? null,
      body: snapshot.body ?? null,
      url: snapshot.url ?? null,
      mediaUrls: mediaOf(snapshot.mediaUrls),
      language: snapshot.language ?? null,
      postedAt: snapshot.postedAt?.toISOString() ?? null,
      authorExternalId: snapshot.authorExternalId ?? null,
      authorHandle: snapshot.authorHandle ?? null,
    },
    first: {
      decisionId: decision.id,
      action: decision.action,
      labels: named(JSON.parse(decision.labelKeys) as string[]),
      rationale: decision.rationale,
      by: people.get(decision.userId) ?? null,
      at: decision.createdAt,
    },
    second: review.reviewedAt
      ? {
          action: review.action,
          labels: named(secondKeys),
          rationale: review.rationale ?? "",
          by: review.reviewerId ? (people.get(review.reviewerId) ?? null) : null,
          at: review.reviewedAt,
        }
      : null,
    replacedBy,
    liveSets: liveSets.map((s) => ({ name: s.name, versionNumber: s.versionNumber, labels: s.labels })),
    // The correction form starts from the second review's answer, under the live labels with the same keys.
    prefill: { action: review.action ?? "", labelIds: liveLabels.filter((l) => secondKeys.includes(l.key)).map((l) => l.id) },
  };
}

export type AdjudicationScreen = NonNullable<Awaited<ReturnType<typeof adjudicationScreen>>>;
