import { currentTime } from "~/modules/clock/clock.ts";
import { db, transaction } from "~/db.server.ts";
import { resolveLabels, validateDecision } from "~/modules/decisions/decide.server.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { newId } from "~/modules/ids.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { leaseMs, lockClaimer } from "~/modules/queue/claims.server.ts";
import { scoreAnswer } from "./score.ts";

/**
 * A calibration item is served the way an item is claimed: one at a time, for a lease's length.
 * A served answer past its expiry is ignored (as a lapsed lease is) and the item may be served again.
 */
export async function servedAnswerOf(userId: string, now = currentTime()): Promise<{ id: string } | null> {
  return db.calibrationAnswer.findFirst({ where: { userId, outcome: null, expiresAt: { gt: now } }, orderBy: { servedAt: "desc" }, select: { id: true } });
}

/**
 * Serves the user a calibration item they have not answered, whose reason is not left out (a
 * moderator at their care cap gets no high-severity one): the one served to them least often,
 * any of those at random. Null when there is none, or when one is already served to them.
 */
export async function serveCalibration(user: { id: string }, excludeReasons: string[] = []): Promise<{ answerId: string } | null> {
  return transaction(async (tx) => {
    // The same turn a claim takes: two presses of "Next item" at once serve at most one.
    await lockClaimer(tx, user.id);
    const now = currentTime();
    const served = await tx.calibrationAnswer.findFirst({ where: { userId: user.id, outcome: null, expiresAt: { gt: now } }, select: { id: true } });
    if (served) return { answerId: served.id };
    const answered = await tx.calibrationAnswer.findMany({ where: { userId: user.id }, select: { calibrationItemId: true, outcome: true } });
    const done = new Set(answered.filter((a) => a.outcome === "answered").map((a) => a.calibrationItemId));
    const servings = new Map<string, number>();
    for (const a of answered) servings.set(a.calibrationItemId, (servings.get(a.calibrationItemId) ?? 0) + 1);
    const candidates = (
      await tx.calibrationItem.findMany({
        where: { active: true, ...(excludeReasons.length > 0 ? { reason: { notIn: excludeReasons } } : {}) },
        select: { id: true },
      })
    ).filter((c) => !done.has(c.id));
    if (candidates.length === 0) return null;
    const least = Math.min(...candidates.map((c) => servings.get(c.id) ?? 0));
    const pool = candidates.filter((c) => (servings.get(c.id) ?? 0) === least);
    const chosen = pool[Math.floor(Math.random() * pool.length)]!;
    const answerId = newId(now.getTime());
    await tx.calibrationAnswer.create({
      data: { id: answerId, calibrationItemId: chosen.id, userId: user.id, claimId: newId(), servedAt: now, expiresAt: new Date(now.getTime() + leaseMs()) },
    });
    return { answerId };
  });
}

/** The answer served to this user and still open (not answered, released or expired), with its item; null for anyone else. */
export async function openAnswer(userId: string, answerId: string, now = currentTime()) {
  const answer = await db.calibrationAnswer.findUnique({ where: { id: answerId }, include: { calibrationItem: true } });
  if (!answer || answer.userId !== userId || answer.outcome !== null || answer.expiresAt <= now) return null;
  return answer;
}

/** The serving an id names, when it was served to this user (open or not): such ids never reach the item modules. */
export async function calibrationServingOf(userId: string, answerId: string): Promise<{ claimId: string } | null> {
  const answer = await db.calibrationAnswer.findUnique({ where: { id: answerId }, select: { userId: true, claimId: true } });
  return answer?.userId === userId ? { claimId: answer.claimId } : null;
}

export type CalibrationAnswerInput = { action: DecisionAction; labelIds: string[]; rationale: string };

/**
 * Scores an answer, with the checks a decision on an item gets (labels of one live set for the
 * reason, a rationale where one is needed), so answering feels the same. Null when the answer is
 * no longer open to this user. Throws DecisionInvalidError as deciding does.
 */
export async function answerCalibration(userId: string, answerId: string, input: CalibrationAnswerInput): Promise<{ answerId: string } | null> {
  const answer = await openAnswer(userId, answerId);
  if (!answer) return null;
  const item = answer.calibrationItem;
  const { labels } = resolveLabels(await liveLabelSetsForReason(item.reason), input);
  validateDecision(input, labels);
  const labelKeys = labels.map((l) => l.key);
  const score = scoreAnswer({ action: item.expectedAction, labelKeys: JSON.parse(item.expectedLabelKeys) as string[] }, { action: input.action, labelKeys });
  const now = currentTime();
  const { count } = await db.calibrationAnswer.updateMany({
    where: { id: answerId, userId, outcome: null, expiresAt: { gt: now } },
    data: { outcome: "answered", answeredAt: now, action: input.action, labelKeys: JSON.stringify(labelKeys), rationale: input.rationale, ...score },
  });
  return count === 1 ? { answerId } : null;
}

/** A skipped or released calibration item goes back unanswered; it may be served again later. */
export async function releaseCalibration(userId: string, answerId: string): Promise<boolean> {
  const { count } = await db.calibrationAnswer.updateMany({
    where: { id: answerId, userId, outcome: null, expiresAt: { gt: currentTime() } },
    data: { outcome: "released" },
  });
  return count === 1;
}

/** Extends a served answer as a lease is renewed; null when it is no longer open. */
export async function renewCalibration(userId: string, answerId: string): Promise<Date | null> {
  const now = currentTime();
  const expires = new Date(now.getTime() + leaseMs());
  const { count } = await db.calibrationAnswer.updateMany({
    where: { id: answerId, userId, outcome: null, expiresAt: { gt: now } },
    data: { expiresAt: expires },
  });
  return count === 1 ? expires : null;
}

/**
 * An answered calibration item read afterwards, their answer beside the expected one: by the
 * moderator who answered it, or (`anyone`) by a lead who reads every moderator's accuracy.
 */
export async function answeredCalibration(userId: string, answerId: string, anyone = false) {
  const answer = await db.calibrationAnswer.findUnique({ where: { id: answerId }, include: { calibrationItem: true } });
  if (!answer || (answer.userId !== userId && !anyone) || answer.outcome !== "answered") return null;
  const item = answer.calibrationItem;
  const labels = await db.label.findMany({ where: { versionId: item.versionId }, select: { key: true, name: true } });
  const nameOf = new Map(labels.map((l) => [l.key, l.name]));
  const named = (keys: string) => (JSON.parse(keys) as string[]).map((key) => ({ key, name: nameOf.get(key) ?? key }));
  return {
    id: answer.id,
    own: answer.userId === userId,
    title: item.title,
    body: item.body,
    answeredAt: answer.answeredAt!.toISOString(),
    given: { action: answer.action!, labels: named(answer.labelKeys), rationale: answer.rationale ?? "" },
    expected: { action: item.expectedAction, labels: named(item.expectedLabelKeys) },
    explanation: item.explanation,
    actionCorrect: answer.actionCorrect === true,
    labelsCorrect: answer.labelsCorrect === true,
  };
}
