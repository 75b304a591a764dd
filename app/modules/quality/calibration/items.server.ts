import { db, transaction } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { DecisionInvalidError, resolveLabels, validateDecision } from "~/modules/decisions/decide.server.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { newId } from "~/modules/ids.ts";
import type { Source } from "~/modules/items/sources.ts";
import { liveLabelSets, liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { QualityError } from "~/modules/quality/errors.ts";
import type { CalibrationEditForm, CalibrationItemForm } from "./form.ts";

type Lead = Extract<Actor, { kind: "user" }>;

type Expectation = { action: DecisionAction; labelIds: string[]; explanation: string };

/**
 * The expected labels, checked as a decision on an item of this reason is: from one live label
 * set for the reason, and a rationale (the explanation) where a decision would need one. Returns
 * the version the labels belong to and their keys.
 */
async function expectedLabels(reason: string, input: Expectation): Promise<{ versionId: string; labelKeys: string[] }> {
  const sets = await liveLabelSetsForReason(reason);
  try {
    const { versionId, labels } = resolveLabels(sets, input);
    validateDecision({ action: input.action, rationale: input.explanation }, labels);
    if (!versionId) throw new QualityError(409, "no_live_label_set", "No label set is live: publish one before making calibration items.", "labelIds");
    return { versionId, labelKeys: labels.map((l) => l.key) };
  } catch (e) {
    if (!(e instanceof DecisionInvalidError)) throw e;
    const message =
      e.field === "labelIds" && e.message.startsWith("Those labels")
        ? `Those labels are not in the live label set for the reason "${reason}"; choose labels of that set.`
        : e.field === "rationale"
          ? "An explanation is required for these labels."
          : e.message;
    throw new QualityError(400, "invalid_expectation", message, e.field === "rationale" ? "explanation" : e.field === "form" ? undefined : e.field);
  }
}

/** The item a lead copies, by its external id (and platform, when two platforms use the id). */
async function sourceItem(externalId: string, platform: string | undefined) {
  const found = await db.item.findMany({ where: { externalId, ...(platform ? { platform } : {}) }, take: 2 });
  if (found.length === 0)
    throw new QualityError(404, "item_not_found", "No item has that external id" + (platform ? " on that platform." : "."), "itemExternalId");
  if (found.length > 1) throw new QualityError(400, "ambiguous_item", "Items of several platforms have that external id: name the platform.", "platform");
  return found[0]!;
}

function savedEvent(
  lead: Lead,
  row: { id: string; versionId: string; reason: string; expectedAction: DecisionAction; expectedLabelKeys: string; active: boolean },
  created: boolean,
) {
  return {
    actor: lead,
    action: "calibration.saved" as const,
    subjectType: "calibration_item",
    subjectId: row.id,
    payload: {
      calibrationItemId: row.id,
      versionId: row.versionId,
      reason: row.reason,
      expectedAction: row.expectedAction,
      expectedLabelKeys: JSON.parse(row.expectedLabelKeys) as string[],
      active: row.active,
      created,
    },
  };
}

/**
 * Makes a calibration item: a copy of an item's content and notice (its text, type, language,
 * media, strongest source and top reason), or a text the lead writes. The item itself is untouched.
 */
export async function createCalibrationItem(lead: Lead, input: CalibrationItemForm): Promise<{ id: string }> {
  const copied = input.from === "item" ? await sourceItem(input.itemExternalId!, input.platform) : null;
  const content = copied
    ? {
        title: copied.title,
        body: copied.body ?? "",
        type: copied.type,
        language: copied.language,
        mediaUrls: copied.mediaUrls,
        source: copied.strongestSource as Source,
        reason: copied.topReason,
        sourceItemId: copied.id,
      }
    : {
        title: input.title ?? null,
        body: input.body!,
        type: input.type,
        language: input.language ?? null,
        mediaUrls: "[]",
        source: input.source,
        reason: input.reason!,
        sourceItemId: null,
      };
  const { versionId, labelKeys } = await expectedLabels(content.reason, input);
  const id = newId();
  await transaction(async (tx) => {
    const row = await tx.calibrationItem.create({
      data: {
        id,
        ...content,
        versionId,
        expectedAction: input.action,
        expectedLabelKeys: JSON.stringify(labelKeys),
        explanation: input.explanation,
        createdById: lead.id,
      },
    });
    await appendAuditEvent(tx, savedEvent(lead, row, true));
  });
  return { id };
}

export async function updateCalibrationItem(lead: Lead, id: string, input: CalibrationEditForm): Promise<void> {
  const existing = await db.calibrationItem.findUnique({ where: { id } });
  if (!existing) throw new QualityError(404, "not_found", "That calibration item does not exist.");
  const { versionId, labelKeys } = await expectedLabels(input.reason!, input);
  await transaction(async (tx) => {
    const row = await tx.calibrationItem.update({
      where: { id },
      data: {
        title: input.title ?? null,
        body: input.body!,
        type: input.type,
        language: input.language ?? null,
        source: input.source,
        reason: input.reason!,
        versionId,
        expectedAction: input.action,
        expectedLabelKeys: JSON.stringify(labelKeys),
        explanation: input.explanation,
      },
    });
    await appendAuditEvent(tx, savedEvent(lead, row, false));
  });
}

/** Retired items are no longer served; their answers stay, and so does the accuracy they count in. */
export async function setCalibrationActive(lead: Lead, id: string, active: boolean): Promise<void> {
  await transaction(async (tx) => {
    const existing = await tx.calibrationItem.findUnique({ where: { id } });
    if (!existing) throw new QualityError(404, "not_found", "That calibration item does not exist.");
    if (existing.active === active) return;
    const row = await tx.calibrationItem.update({ where: { id }, data: { active } });
    await appendAuditEvent(tx, savedEvent(lead, row, false));
  });
}

export async function calibrationItems() {
  const rows = await db.calibrationItem.findMany({ orderBy: [{ active: "desc" }, { createdAt: "desc" }], take: 500 });
  const counts = await db.calibrationAnswer.groupBy({ by: ["calibrationItemId"], where: { outcome: "answered" }, _count: { _all: true } });
  const answered = new Map(counts.map((c) => [c.calibrationItemId, c._count._all]));
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    excerpt: r.body.slice(0, 140),
    reason: r.reason,
    source: r.source,
    expectedAction: r.expectedAction,
    expectedLabelKeys: JSON.parse(r.expectedLabelKeys) as string[],
    fromItem: r.sourceItemId !== null,
    active: r.active,
    answers: answered.get(r.id) ?? 0,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** One calibration item for its edit page, with its expected labels as ids of the live set (to check the boxes). */
export async function calibrationItem(id: string) {
  const row = await db.calibrationItem.findUnique({ where: { id } });
  if (!row) return null;
  const keys = JSON.parse(row.expectedLabelKeys) as string[];
  const sets = await liveLabelSetsForReason(row.reason);
  const set = sets.find((s) => s.versionId === row.versionId) ?? sets[0];
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    type: row.type,
    language: row.language,
    source: row.source,
    reason: row.reason,
    fromItem: row.sourceItemId !== null,
    expectedAction: row.expectedAction,
    expectedLabelKeys: keys,
    expectedLabelIds: set ? set.labels.filter((l) => keys.includes(l.key)).map((l) => l.id) : [],
    explanation: row.explanation,
    active: row.active,
  };
}

/** What the form offers: the reasons the live label sets cover, and each set's labels to choose the expected ones from. */
export async function calibrationFormOptions() {
  const sets = await liveLabelSets();
  const rows = await db.labelSet.findMany({ where: { id: { in: sets.map((s) => s.setId) } }, select: { id: true, reasons: true } });
  const reasonsOf = new Map(rows.map((r) => [r.id, JSON.parse(r.reasons) as string[]]));
  const labelSets = sets.map((s) => ({
    setId: s.setId,
    name: s.name,
    versionNumber: s.versionNumber,
    reasons: reasonsOf.get(s.setId) ?? [],
    labels: s.labels.map((l) => ({ id: l.id, key: l.key, name: l.name, group: l.group })),
  }));
  return { labelSets, reasons: [...new Set(labelSets.flatMap((s) => s.reasons))].sort() };
}
