import { db } from "~/db.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { exportLabelSet, importLabelSet, publishDraft } from "~/modules/labels/editor.server.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { makeUser } from "./fixtures.ts";
import { leadActor } from "./labels.ts";
import { flagRequest, seedItems, starterLabels } from "./queue-fixtures.ts";

type Reviewer = { id: string; email: string; role: Role };

/**
 * The starter set (violent extremism, severities up to 4) and a published low-severity set for the
 * fictional reason "spam" (every label's severity capped at 1): items of the one are high-severity
 * work, items of the other are not.
 */
export async function careLabelSets() {
  const starter = await starterLabels();
  const lead = await makeUser("policy_lead");
  const existing = await db.labelSet.findUnique({ where: { key: "care_test_spam" } });
  if (!existing) {
    const starterSet = await db.labelSet.findUniqueOrThrow({ where: { key: "violent_extremism" } });
    const { file } = await exportLabelSet(leadActor(lead), starterSet.id);
    const low = {
      ...file,
      key: "care_test_spam",
      name: "Spam (care tests)",
      reasons: ["spam"],
      labels: file.labels.map((l) => ({ ...l, severity: Math.min(l.severity, 1) })),
    };
    const imported = await importLabelSet(leadActor(lead), JSON.parse(JSON.stringify(low)));
    await publishDraft(leadActor(lead), imported.versionId, "A low-severity set for the care tests.");
  }
  const spam = await db.labelSetVersion.findFirstOrThrow({ where: { labelSet: { key: "care_test_spam" }, status: "published" } });
  return { starterVersionId: starter.versionId, spamVersionId: spam.id };
}

/** Ingests one item flagged for `reason` (and any other part of the request) and returns its id. */
export async function itemFor(reason: "violent_extremism" | "spam", overrides: { content?: Record<string, unknown>; flag?: Record<string, unknown> } = {}) {
  const [id] = await seedItems(1, undefined, () => flagRequest({ ...overrides, flag: { reason, ...overrides.flag } }));
  return id;
}

/** A decision by `reviewer` on a new item of `reason`, with the labels `keys` of that reason's live version. */
export async function reviewWith(reviewer: Reviewer, reason: "violent_extremism" | "spam", keys: string[]) {
  const itemId = await itemFor(reason);
  const item = await db.item.findUniqueOrThrow({ where: { id: itemId }, select: { topReason: true } });
  const setKey = item.topReason === "spam" ? "care_test_spam" : "violent_extremism";
  const labels = await db.label.findMany({ where: { key: { in: keys }, version: { status: "published", labelSet: { key: setKey } } } });
  if (labels.length !== keys.length) throw new Error(`labels ${keys.join(", ")} not all live in ${setKey}`);
  const claim = await claimItem(reviewer, itemId);
  if (!claim || claim.itemId !== itemId) throw new Error(`could not claim ${itemId}`);
  const result = await decide(reviewer, {
    itemId,
    claimId: claim.claimId,
    action: labels.some((l) => l.group === "violating") ? "remove" : "keep",
    labelIds: labels.map((l) => l.id),
    rationale: "Fictional test rationale about the made-up Northern Ember Front.",
  });
  const decision = await db.decision.findUniqueOrThrow({ where: { id: result.decisionId }, select: { createdAt: true } });
  return { itemId, decisionId: result.decisionId, at: decision.createdAt };
}

export async function careSettings(settings: { highSeverityCap: number | null; highSeverityFrom?: number; shiftHours?: number }) {
  await db.qualitySettings.update({
    where: { id: 1 },
    data: { highSeverityCap: settings.highSeverityCap, highSeverityFrom: settings.highSeverityFrom ?? 3, shiftHours: settings.shiftHours ?? 8 },
  });
}
