import { db } from "~/db.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { adjudicate } from "~/modules/quality/adjudication.server.ts";
import { claimReviewOrWhy } from "~/modules/quality/reviews/claims.server.ts";
import { submitBlindReview } from "~/modules/quality/reviews/submit.server.ts";
import { sampleDecision } from "~/modules/quality/sample.server.ts";
import { saveSamplingRule } from "~/modules/quality/sampling-rules.server.ts";

// Demo quality history, made through the sampling rules, the review leases, the blind review and the
// adjudication like any other: two rules, the demo decisions sampled under them, second reviews by the
// other moderator (most agree, some do not), and the lead's rulings, one of which corrects a decision.

type Person = { id: string; email: string; role: Role };

/** How the second reviewer answers the n-th sampled decision: the same as the first, or otherwise. */
const DISAGREE: Record<string, { action: "keep" | "remove" | "restrict"; labels: string[]; rationale: string }> = {
  keep: { action: "remove", labels: ["ve_glorification"], rationale: "Reads as praise of the group rather than reporting (synthetic demo review)." },
  remove: { action: "keep", labels: ["ve_condemnation"], rationale: "Quotes the group to condemn it (synthetic demo review)." },
  restrict: { action: "keep", labels: ["ve_news_reporting"], rationale: "The emblem appears in a news photo caption (synthetic demo review)." },
};

export async function loadDemoQuality(): Promise<string> {
  if ((await db.samplingRule.count()) > 0) return "quality history already there";
  const people = await db.user.findMany({ where: { email: { in: ["mod1@docket.test", "mod2@docket.test", "lead@docket.test"] } } });
  const by = new Map(people.map((u) => [u.email, { id: u.id, email: u.email, role: u.role as Role }]));
  const [mod1, mod2, lead] = [by.get("mod1@docket.test"), by.get("mod2@docket.test"), by.get("lead@docket.test")];
  if (!mod1 || !mod2 || !lead) return "no quality history (demo accounts missing)";
  const leadActor = { kind: "user" as const, id: lead.id, email: lead.email, role: lead.role };
  const sets = await liveLabelSetsForReason("violent_extremism");
  const ve = sets[0];
  if (!ve) return "no quality history (no live label set)";
  await saveSamplingRule(leadActor, {
    name: "Violent extremism: a tenth, five a week each, keeps too",
    queueId: null,
    labelSetId: ve.setId,
    moderatorId: null,
    percent: 10,
    minPerWeek: 5,
    quotaKeep: 2,
    quotaRemove: 0,
    quotaRestrict: 0,
    active: true,
  });
  const removalQueue = await db.queue.findFirst({ where: { name: { contains: "Removal" }, deletedAt: null }, select: { id: true } });
  await saveSamplingRule(leadActor, {
    name: "Removal orders: every fifth decision",
    queueId: removalQueue?.id ?? null,
    labelSetId: null,
    moderatorId: null,
    percent: 20,
    minPerWeek: 0,
    quotaKeep: 0,
    quotaRemove: 0,
    quotaRestrict: 0,
    active: !!removalQueue,
  });

  const decisions = await db.decision.findMany({
    where: { userId: { in: [mod1.id, mod2.id] }, copyOfDecisionId: null, supersedesId: null, action: { in: ["keep", "remove", "restrict"] } },
    orderBy: { seq: "asc" },
    select: { id: true },
  });
  const sampled: string[] = [];
  for (const d of decisions) {
    const id = await sampleDecision(d.id);
    if (id) sampled.push(id);
  }
  const labelId = new Map(ve.labels.map((l) => [l.key, l.id]));
  let agreed = 0;
  const disagreed: string[] = [];
  // The last two stay open: the moderators' "Next review" has work waiting.
  for (const [n, reviewId] of sampled.slice(0, -2).entries()) {
    const review = await db.qualityReview.findUniqueOrThrow({ where: { id: reviewId } });
    const first = await db.decision.findUniqueOrThrow({ where: { id: review.decisionId }, select: { action: true, labelKeys: true, rationale: true } });
    const reviewer: Person = review.firstUserId === mod1.id ? mod2 : mod1;
    const claim = await claimReviewOrWhy(reviewer, reviewId);
    if ("refused" in claim) continue;
    const differ = n % 4 === 1 ? DISAGREE[first.action] : undefined;
    const keys = differ ? differ.labels : (JSON.parse(first.labelKeys) as string[]);
    // The second review labels under the first decision's version, which a later edit may have replaced.
    const underVersion = new Map(
      (await db.label.findMany({ where: { versionId: review.versionId ?? "" }, select: { key: true, id: true } })).map((l) => [l.key, l.id]),
    );
    const result = await submitBlindReview(reviewer, {
      reviewId,
      claimId: claim.claimId,
      action: differ?.action ?? (first.action as "keep" | "remove" | "restrict"),
      labelIds: keys.map((k) => underVersion.get(k)).filter((id): id is string => !!id),
      rationale: differ?.rationale ?? (first.rationale || "Agrees with the guidance examples (synthetic demo review)."),
    });
    if (result.agreed) agreed++;
    else disagreed.push(reviewId);
  }
  // The lead rules on all but the newest disagreement; the first ruling corrects the decision.
  let corrected = 0;
  for (const [n, reviewId] of disagreed.slice(0, -1).entries()) {
    const review = await db.qualityReview.findUniqueOrThrow({ where: { id: reviewId }, select: { action: true, labelKeys: true } });
    const correct = n === 0;
    await adjudicate(lead, reviewId, {
      ruling: correct ? "second" : "first",
      errorType: correct ? "false_positive" : "wrong_label",
      note: correct
        ? "The second review is right: the post reports on the group. Add a news example to the guidance (synthetic demo ruling)."
        : "The first decision stands; the second reviewer read the quote as condemnation (synthetic demo ruling).",
      correct,
      action: correct ? (review.action as "keep" | "remove" | "restrict") : undefined,
      labelIds: correct ? (JSON.parse(review.labelKeys) as string[]).map((k) => labelId.get(k)!).filter(Boolean) : [],
      rationale: correct ? "Corrected after quality review (synthetic demo)." : "",
    });
    if (correct) corrected++;
  }
  return `2 sampling rules, ${sampled.length} decisions sampled, ${agreed} agreed, ${disagreed.length} disagreed (${corrected} corrected)`;
}
