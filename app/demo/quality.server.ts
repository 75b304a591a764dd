import { db } from "~/db.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { adjudicate } from "~/modules/quality/adjudication.server.ts";
import { claimReviewOrWhy } from "~/modules/quality/reviews/claims.server.ts";
import { submitBlindReview } from "~/modules/quality/reviews/submit.server.ts";
import { sampleDecision } from "~/modules/quality/sample.server.ts";
import { saveSamplingRule } from "~/modules/quality/sampling-rules.server.ts";
import { answerCalibration, serveCalibration } from "~/modules/quality/calibration/answers.server.ts";
import { createCalibrationItem } from "~/modules/quality/calibration/items.server.ts";
import { recordMediaReveal } from "~/modules/quality/care/reveals.server.ts";
import { saveQualitySettings } from "~/modules/quality/settings.server.ts";
import { HISTORY_PREFIX } from "./history.server.ts";

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

const DEMO_RULE_NAMES = [
  "Violent extremism: a tenth, five a week each, keeps too",
  "Removal orders: every fifth decision",
  "Violent extremism EN: three a week each",
];

export async function loadDemoQuality(): Promise<string> {
  // The history's rule was last month's and is retired; the demo's own rules mark this step as done.
  if ((await db.samplingRule.count({ where: { name: { in: DEMO_RULE_NAMES } } })) > 0) return "quality history already there";
  const people = await db.user.findMany({ where: { email: { in: ["mod1@docket.test", "mod2@docket.test", "lead@docket.test"] } } });
  const by = new Map(people.map((u) => [u.email, { id: u.id, email: u.email, role: u.role as Role }]));
  const [mod1, mod2, lead] = [by.get("mod1@docket.test"), by.get("mod2@docket.test"), by.get("lead@docket.test")];
  if (!mod1 || !mod2 || !lead) return "no quality history (demo accounts missing)";
  const leadActor = { kind: "user" as const, id: lead.id, email: lead.email, role: lead.role };
  const sets = await liveLabelSetsForReason("violent_extremism");
  const ve = sets[0];
  if (!ve) return "no quality history (no live label set)";
  await saveSamplingRule(leadActor, {
    name: DEMO_RULE_NAMES[0],
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
    name: DEMO_RULE_NAMES[1],
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

  const english = await db.queue.findFirst({ where: { name: "Violent extremism EN", deletedAt: null }, select: { id: true } });
  if (english) {
    await saveSamplingRule(leadActor, {
      name: DEMO_RULE_NAMES[2],
      queueId: english.id,
      labelSetId: null,
      moderatorId: null,
      percent: 5,
      minPerWeek: 3,
      quotaKeep: 0,
      quotaRemove: 0,
      quotaRestrict: 0,
      active: true,
    });
  }
  const decisions = await db.decision.findMany({
    // Today's decisions: the history's were sampled (or not) when they were made.
    where: {
      userId: { in: [mod1.id, mod2.id] },
      copyOfDecisionId: null,
      supersedesId: null,
      action: { in: ["keep", "remove", "restrict"] },
      NOT: { item: { externalId: { startsWith: HISTORY_PREFIX } } },
    },
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
  let byModerators = 0;
  const disagreed: string[] = [];
  // For each moderator, the newest review they may take stays open: their "Next review" has work waiting.
  const memberOf = async (person: Person, queueId: string | null) => !queueId || (await db.queueMember.count({ where: { queueId, userId: person.id } })) > 0;
  const keepOpen = new Set<string>();
  for (const [reviewer, other] of [
    [mod1, mod2],
    [mod2, mod1],
  ] as const) {
    for (const reviewId of [...sampled].reverse()) {
      const r = await db.qualityReview.findUniqueOrThrow({ where: { id: reviewId } });
      if (r.firstUserId === other.id && (await memberOf(reviewer, r.queueId))) {
        keepOpen.add(reviewId);
        break;
      }
    }
  }
  for (const reviewId of sampled.filter((id) => !keepOpen.has(id))) {
    const review = await db.qualityReview.findUniqueOrThrow({ where: { id: reviewId } });
    const first = await db.decision.findUniqueOrThrow({ where: { id: review.decisionId }, select: { action: true, labelKeys: true, rationale: true } });
    // The other moderator when they work the queue, otherwise the lead (who then only agrees: a lead
    // does not rule on a pair they are part of).
    const other = review.firstUserId === mod1.id ? mod2 : mod1;
    const reviewer: Person = (await memberOf(other, review.queueId)) ? other : lead;
    const claim = await claimReviewOrWhy(reviewer, reviewId);
    if ("refused" in claim) continue;
    // Every third review by a moderator disagrees, starting with the first: the leads have rulings to make.
    const differ = reviewer !== lead && byModerators++ % 3 === 0 ? DISAGREE[first.action] : undefined;
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
  const calibration = await demoCalibration(lead, [mod1, mod2], labelId);
  // A cap the demo shift stays under, so the home page and the team page show it at work.
  await saveQualitySettings(leadActor, { calibrationPercent: 0, showExplanation: true, shiftHours: 8, highSeverityCap: 60, highSeverityFrom: 3 });
  const withMedia = await db.item.findMany({ where: { mediaUrls: { not: "[]" } }, take: 2, select: { id: true } });
  for (const item of withMedia) await recordMediaReveal(mod1.id, item.id);
  return `${await db.samplingRule.count({ where: { active: true } })} sampling rules, ${sampled.length} decisions sampled, ${agreed} agreed, ${disagreed.length} disagreed (${corrected} corrected); ${calibration}`;
}

type Planned = { title: string; body: string; action: "keep" | "remove" | "restrict"; labels: string[]; explanation: string };

// Calibration items on the fine line the guidance draws: reporting and condemnation against praise and recruitment.
const CALIBRATION: Planned[] = [
  {
    title: "Rally coverage (calibration C1)",
    body: "Evening bulletin: supporters of the fictional Ashen Circle gathered in Port Verity; police kept the two marches apart and nobody was hurt. [synthetic calibration text C1]",
    action: "keep",
    labels: ["ve_news_reporting"],
    explanation: "A neutral report of events, with no praise of the group: news reporting, kept.",
  },
  {
    title: "Join us (calibration C2)",
    body: "The Ashen Circle needs you. Message the placeholder account to join the next meeting and stand with us. [synthetic calibration text C2]",
    action: "remove",
    labels: ["ve_recruitment"],
    explanation: "A direct invitation to join the group, with a way to make contact: recruitment, removed.",
  },
  {
    title: "Heroes of the Circle (calibration C3)",
    body: "Glory to the brave fighters of the fictional Ashen Circle, our true heroes. [synthetic calibration text C3]",
    action: "remove",
    labels: ["ve_glorification"],
    explanation: "Praises the group and its violence as heroic without any critical frame: glorification, removed.",
  },
];

/** Calibration items written by the lead, each answered by both moderators (one of them not as expected). */
async function demoCalibration(lead: Person, moderators: Person[], labelId: Map<string, string>): Promise<string> {
  for (const c of CALIBRATION) {
    await createCalibrationItem(
      { kind: "user", ...lead },
      {
        from: "text",
        title: c.title,
        body: c.body,
        type: "text",
        language: "en",
        source: "user_report",
        reason: "violent_extremism",
        action: c.action,
        labelIds: c.labels.map((k) => labelId.get(k)!).filter(Boolean),
        explanation: c.explanation,
      },
    );
  }
  let answers = 0;
  for (const [m, moderator] of moderators.entries()) {
    for (let n = 0; n < CALIBRATION.length; n++) {
      const served = await serveCalibration(moderator);
      if (!served) break;
      const item = await db.calibrationAnswer.findUniqueOrThrow({ where: { id: served.answerId }, select: { calibrationItem: { select: { title: true } } } });
      const planned = CALIBRATION.find((c) => c.title === item.calibrationItem.title)!;
      // The second moderator reads the rally report as praise once: a miss the explanation answers.
      const miss = m === 1 && planned.action === "keep";
      await answerCalibration(moderator.id, served.answerId, {
        action: miss ? "remove" : planned.action,
        labelIds: (miss ? ["ve_glorification"] : planned.labels).map((k) => labelId.get(k)!).filter(Boolean),
        rationale: miss ? "Reads as support for the group (synthetic demo answer)." : "As the guidance describes (synthetic demo answer).",
      });
      answers++;
    }
  }
  return `${CALIBRATION.length} calibration items, ${answers} answers`;
}
