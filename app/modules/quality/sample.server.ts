import { currentTime } from "~/modules/clock/clock.ts";
// Sampling a decision for blind second review, right after it is made. The decision is already
// committed and acknowledged; sampling is a second, small transaction that may be retried: a
// decision is sampled at most once (QualityReview.decisionId is unique) and its verdict is fixed.
import { db, isUniqueViolation, transaction } from "~/db.server.ts";
import { newId } from "~/modules/ids.ts";
import { appendAuditEvent } from "~/modules/audit/writer.server.ts";
import { activeSamplingRules } from "./sampling-rules.server.ts";
import { samplingVerdict, weekStart, type WeekCounts } from "./sampling.ts";

const SYSTEM = { kind: "system" as const, name: "quality sampling" };

/** Samples the decision when a rule says so; returns the quality review's id, or null. */
export async function sampleDecision(decisionId: string, now: Date = currentTime()): Promise<string | null> {
  const rules = await activeSamplingRules();
  if (rules.length === 0) return null;
  const decision = await db.decision.findUnique({
    where: { id: decisionId },
    select: {
      id: true,
      itemId: true,
      userId: true,
      action: true,
      versionId: true,
      copyOfDecisionId: true,
      supersedesId: true,
      item: { select: { queueId: true } },
      version: { select: { labelSetId: true } },
    },
  });
  // Copies repeat their original's judgement, and replacing decisions were already a second look.
  if (!decision || decision.copyOfDecisionId || decision.supersedesId) return null;
  const subject = {
    id: decision.id,
    userId: decision.userId,
    action: decision.action,
    queueId: decision.item.queueId,
    labelSetId: decision.version?.labelSetId ?? null,
  };
  const since = weekStart(now);
  const rows = await db.qualityReview.findMany({
    where: { firstUserId: decision.userId, sampledAt: { gte: since }, ruleId: { in: rules.map((r) => r.id) } },
    select: { ruleId: true, decisionId: true },
  });
  const actions = new Map(
    (await db.decision.findMany({ where: { id: { in: rows.map((r) => r.decisionId) } }, select: { id: true, action: true } })).map((d) => [d.id, d.action]),
  );
  const counts = (ruleId: string): WeekCounts => {
    const mine = rows.filter((r) => r.ruleId === ruleId);
    const byAction: Record<string, number> = {};
    for (const r of mine) {
      const a = actions.get(r.decisionId);
      if (a) byAction[a] = (byAction[a] ?? 0) + 1;
    }
    return { total: mine.length, byAction };
  };
  const verdict = samplingVerdict(rules, subject, counts);
  if (!verdict) return null;
  const id = newId();
  try {
    await transaction(async (tx) => {
      await tx.qualityReview.create({
        data: {
          id,
          decisionId: decision.id,
          itemId: decision.itemId,
          queueId: subject.queueId,
          ruleId: verdict.ruleId,
          sampledBecause: verdict.because,
          firstUserId: decision.userId,
          versionId: decision.versionId,
          sampledAt: now,
        },
      });
      await appendAuditEvent(tx, {
        actor: SYSTEM,
        action: "quality.sampled",
        subjectType: "quality_review",
        subjectId: id,
        payload: {
          qualityReviewId: id,
          decisionId: decision.id,
          itemId: decision.itemId,
          because: verdict.because,
          ruleId: verdict.ruleId,
          queueId: subject.queueId,
        },
      });
    });
  } catch (e) {
    if (isUniqueViolation(e)) return null;
    throw e;
  }
  return id;
}
