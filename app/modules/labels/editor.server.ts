import { currentTime } from "~/modules/clock/clock.ts";
import { bumpRoutingGeneration } from "~/modules/routing/live.server.ts";
import { randomUUID } from "node:crypto";
import { db, isUniqueViolation, transaction, type Prisma, type Tx } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { LabelInput, LabelSetFile, publicationIssues, type Issue } from "./format.ts";
import { earlierGroups, getVersion, labelViewToInput, toLabelSetFile } from "./sets.server.ts";
import { toLabelView, type LabelView } from "./types.ts";

/**
 * Changing label sets. Published versions are frozen: every change happens in the set's one draft,
 * and publishing swaps the live version in one transaction with its audit event.
 */

export type LabelSetErrorCode = "not_found" | "conflict" | "invalid" | "not_editable";

export class LabelSetError extends Error {
  constructor(
    readonly code: LabelSetErrorCode,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

export function httpStatusOf(error: LabelSetError): number {
  return { not_found: 404, conflict: 409, invalid: 400, not_editable: 409 }[error.code];
}

function labelRowData(input: LabelInput) {
  return {
    key: input.key,
    name: input.name,
    group: input.group,
    definition: input.definition,
    cues: JSON.stringify(input.cues),
    notWhen: input.notWhen,
    positiveExamples: JSON.stringify(input.positiveExamples),
    negativeExamples: JSON.stringify(input.negativeExamples),
    severity: input.severity,
    defaultAction: input.defaultAction,
    rationaleRequired: input.rationaleRequired,
    retired: input.retired ?? false,
    sorCategory: input.sor?.category ?? null,
    sorKeywords: JSON.stringify(input.sor?.keywords ?? []),
    sorGround: input.sor?.ground ?? null,
  };
}

const userId = (actor: Actor) => (actor.kind === "user" ? actor.id : null);

/**
 * The set's draft, starting one copied from the live version when there is none. Two leads
 * starting at once end up in the same draft (the "one draft per set" index decides).
 */
export async function startDraft(actor: Actor, setId: string): Promise<{ versionId: string; number: number; created: boolean }> {
  const existing = await db.labelSetVersion.findFirst({ where: { labelSetId: setId, status: "draft" }, select: { id: true, number: true } });
  if (existing) return { versionId: existing.id, number: existing.number, created: false };
  try {
    return await transaction(async (tx) => {
      const set = await tx.labelSet.findUnique({ where: { id: setId }, select: { id: true, key: true } });
      if (!set) throw new LabelSetError("not_found", "That label set does not exist.");
      const last = await tx.labelSetVersion.findFirst({ where: { labelSetId: setId }, orderBy: { number: "desc" }, select: { number: true } });
      const live = await tx.labelSetVersion.findFirst({
        where: { labelSetId: setId, status: "published" },
        include: { labels: { orderBy: { position: "asc" } } },
      });
      const versionId = randomUUID();
      const number = (last?.number ?? 0) + 1;
      await tx.labelSetVersion.create({ data: { id: versionId, labelSetId: setId, number, status: "draft", createdById: userId(actor) } });
      if (live && live.labels.length > 0) {
        await tx.label.createMany({
          data: live.labels.map(({ id: _id, versionId: _v, ...rest }) => ({ ...rest, id: randomUUID(), versionId })),
        });
      }
      await appendAuditEvent(tx, {
        actor,
        action: "label_set.draft_created",
        subjectType: "label_set",
        subjectId: setId,
        payload: { setKey: set.key, versionId, number, fromVersionId: live?.id ?? null, fromNumber: live?.number ?? null },
      });
      return { versionId, number, created: true };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const draft = await db.labelSetVersion.findFirst({ where: { labelSetId: setId, status: "draft" }, select: { id: true, number: true } });
    if (!draft) throw new LabelSetError("conflict", "Another lead changed this set at the same moment; reload and try again.");
    return { versionId: draft.id, number: draft.number, created: false };
  }
}

/**
 * Takes the draft's row lock (PostgreSQL) or the write lock (SQLite) before reading anything, so
 * concurrent edits and publishes of one draft run one after another and each sees the other's result.
 */
async function lockDraft(tx: Tx, versionId: string) {
  const { count } = await tx.labelSetVersion.updateMany({ where: { id: versionId, status: "draft" }, data: { updatedAt: currentTime() } });
  const version = await tx.labelSetVersion.findUnique({ where: { id: versionId }, include: { labelSet: { select: { id: true, key: true } } } });
  if (!version) throw new LabelSetError("not_found", "That version does not exist.");
  if (count === 0) {
    if (version.status === "published" || version.status === "retired") {
      const by = version.publishedById ? (await tx.user.findUnique({ where: { id: version.publishedById }, select: { email: true } }))?.email : null;
      const when = version.publishedAt ? version.publishedAt.toISOString().slice(0, 16).replace("T", " ") + " UTC" : "";
      throw new LabelSetError(
        "conflict",
        `Version ${version.number} was already published${by ? ` by ${by}` : ""}${when ? ` at ${when}` : ""}; it is frozen now. Open the set again to see it, and start a new draft to change it further.`,
      );
    }
    throw new LabelSetError("not_editable", `Version ${version.number} cannot be changed.`);
  }
  return version;
}

async function draftLabels(tx: Tx, versionId: string) {
  return (await tx.label.findMany({ where: { versionId }, orderBy: { position: "asc" } })).map(toLabelView);
}

function fieldsChanged(before: LabelView, after: LabelInput): string[] {
  const a = labelViewToInput(before);
  return (Object.keys(after) as (keyof LabelInput)[]).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(after[k]));
}

/** Adds a label to the draft (labelId null) or edits one; keys and groups of labels from earlier versions stay fixed. */
export async function saveDraftLabel(actor: Actor, versionId: string, labelId: string | null, raw: unknown): Promise<{ labelId: string }> {
  const parsed = LabelInput.safeParse(raw);
  if (!parsed.success) {
    throw new LabelSetError(
      "invalid",
      "Check the highlighted fields.",
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    );
  }
  const input = parsed.data;
  return transaction(async (tx) => {
    const version = await lockDraft(tx, versionId);
    const labels = await draftLabels(tx, versionId);
    const earlier = await earlierGroups(version.labelSetId, tx);
    const current = labelId ? labels.find((l) => l.id === labelId) : undefined;
    if (labelId && !current) throw new LabelSetError("not_found", "That label is not in this draft.");
    const issues: Issue[] = [];
    if (labels.some((l) => l.key === input.key && l.id !== labelId))
      issues.push({ path: "key", message: `Another label in this draft already uses the key “${input.key}”.` });
    if (current && current.key !== input.key && earlier.has(current.key)) {
      issues.push({
        path: "key",
        message: `“${current.key}” is used by earlier versions, so its key stays. To change what it means, add a new label and retire this one.`,
      });
    }
    const earlierGroup = earlier.get(input.key);
    if (earlierGroup && earlierGroup !== input.group) {
      issues.push({ path: "group", message: `“${input.key}” was ${earlierGroup} in earlier versions; a label whose meaning changes needs a new key.` });
    }
    if (issues.length) throw new LabelSetError("invalid", "Check the highlighted fields.", issues);
    const data = { ...labelRowData(input), retired: current?.retired ?? false };
    let id = labelId;
    if (current) {
      const fields = fieldsChanged(current, { ...input, retired: current.retired });
      await tx.label.update({ where: { id: current.id }, data });
      await appendAuditEvent(tx, {
        actor,
        action: "label_set.draft_edited",
        subjectType: "label_set",
        subjectId: version.labelSetId,
        payload: { versionId, number: version.number, change: "label_edited", labelKey: input.key, fields },
      });
    } else {
      id = randomUUID();
      const position = labels.reduce((max, l) => Math.max(max, l.position), -1) + 1;
      await tx.label.create({ data: { ...data, id, versionId, position } });
      await appendAuditEvent(tx, {
        actor,
        action: "label_set.draft_edited",
        subjectType: "label_set",
        subjectId: version.labelSetId,
        payload: { versionId, number: version.number, change: "label_added", labelKey: input.key, group: input.group },
      });
    }
    return { labelId: id! };
  });
}

/** Moves a label one place up or down within its group. */
export async function moveDraftLabel(actor: Actor, versionId: string, labelId: string, direction: "up" | "down"): Promise<void> {
  await transaction(async (tx) => {
    const version = await lockDraft(tx, versionId);
    const labels = await draftLabels(tx, versionId);
    const label = labels.find((l) => l.id === labelId);
    if (!label) throw new LabelSetError("not_found", "That label is not in this draft.");
    const sameGroup = labels.filter((l) => l.group === label.group);
    const at = sameGroup.findIndex((l) => l.id === labelId);
    const other = sameGroup[direction === "up" ? at - 1 : at + 1];
    if (!other) return;
    await tx.label.update({ where: { id: label.id }, data: { position: other.position } });
    await tx.label.update({ where: { id: other.id }, data: { position: label.position } });
    await appendAuditEvent(tx, {
      actor,
      action: "label_set.draft_edited",
      subjectType: "label_set",
      subjectId: version.labelSetId,
      payload: { versionId, number: version.number, change: "label_moved", labelKey: label.key, direction },
    });
  });
}

/**
 * Takes a label out of use. A label that any earlier version has (and so decisions may cite) is
 * marked retired and kept; one that only this draft ever had is deleted.
 */
export async function retireDraftLabel(actor: Actor, versionId: string, labelId: string): Promise<{ outcome: "retired" | "deleted"; key: string }> {
  return transaction(async (tx) => {
    const version = await lockDraft(tx, versionId);
    const label = await tx.label.findFirst({ where: { id: labelId, versionId } });
    if (!label) throw new LabelSetError("not_found", "That label is not in this draft.");
    const earlier = await earlierGroups(version.labelSetId, tx);
    if (earlier.has(label.key)) {
      await tx.label.update({ where: { id: label.id }, data: { retired: true } });
      await appendAuditEvent(tx, {
        actor,
        action: "label_set.label_retired",
        subjectType: "label_set",
        subjectId: version.labelSetId,
        payload: { versionId, number: version.number, labelKey: label.key },
      });
      return { outcome: "retired" as const, key: label.key };
    }
    await tx.label.delete({ where: { id: label.id } });
    await appendAuditEvent(tx, {
      actor,
      action: "label_set.draft_edited",
      subjectType: "label_set",
      subjectId: version.labelSetId,
      payload: { versionId, number: version.number, change: "label_removed", labelKey: label.key },
    });
    return { outcome: "deleted" as const, key: label.key };
  });
}

/** Brings a retired label back into use in the draft. */
export async function restoreDraftLabel(actor: Actor, versionId: string, labelId: string): Promise<void> {
  await transaction(async (tx) => {
    const version = await lockDraft(tx, versionId);
    const label = await tx.label.findFirst({ where: { id: labelId, versionId } });
    if (!label) throw new LabelSetError("not_found", "That label is not in this draft.");
    await tx.label.update({ where: { id: label.id }, data: { retired: false } });
    await appendAuditEvent(tx, {
      actor,
      action: "label_set.draft_edited",
      subjectType: "label_set",
      subjectId: version.labelSetId,
      payload: { versionId, number: version.number, change: "label_restored", labelKey: label.key },
    });
  });
}

/** The publication rules applied to a draft, for the editor's live validation and for publish. */
export async function draftIssues(versionId: string, client: Tx = db): Promise<Issue[]> {
  const version = await client.labelSetVersion.findUnique({ where: { id: versionId }, select: { labelSetId: true } });
  if (!version) return [];
  const labels = await draftLabels(client, versionId);
  const issues = publicationIssues(labels.map(labelViewToInput), await earlierGroups(version.labelSetId, client));
  for (const [i, l] of labels.entries()) {
    const shape = LabelInput.safeParse(labelViewToInput(l));
    if (!shape.success) for (const issue of shape.error.issues) issues.push({ path: `labels.${i}.${issue.path.join(".")}`, message: issue.message });
  }
  if (labels.length === 0) issues.push({ path: "labels", message: "Add at least one label before publishing." });
  return issues;
}

/**
 * Publishes the draft: freezes it, records who, when and why, and retires the previous live
 * version, in one transaction with the audit event. A second lead publishing the same draft at
 * the same moment waits for the first and then gets a conflict; there is never a second live version.
 */
export async function publishDraft(
  actor: Actor,
  versionId: string,
  changeNote: string,
): Promise<{ versionId: string; number: number; retiredVersionId: string | null }> {
  const note = changeNote.trim();
  if (note.length < 3)
    throw new LabelSetError("invalid", "Say what changed and why: the change note is shown to every lead reading the history.", [
      { path: "changeNote", message: "Write a change note (at least 3 characters)." },
    ]);
  try {
    return await transaction(async (tx) => {
      // Routing rules can match on label sets: a publication changes where items go, so it moves the generation first.
      await bumpRoutingGeneration(tx);
      const version = await lockDraft(tx, versionId);
      const issues = await draftIssues(versionId, tx);
      if (issues.length) throw new LabelSetError("invalid", "This draft breaks the publication rules; fix the listed problems first.", issues);
      const now = currentTime();
      const live = await tx.labelSetVersion.findFirst({ where: { labelSetId: version.labelSetId, status: "published" }, select: { id: true, number: true } });
      if (live) await tx.labelSetVersion.update({ where: { id: live.id }, data: { status: "retired", retiredAt: now } });
      await tx.labelSetVersion.update({
        where: { id: versionId },
        data: { status: "published", publishedAt: now, publishedById: userId(actor), changeNote: note },
      });
      const labels = await tx.label.count({ where: { versionId } });
      await appendAuditEvent(tx, {
        actor,
        action: "label_set.published",
        subjectType: "label_set",
        subjectId: version.labelSetId,
        payload: {
          setKey: version.labelSet.key,
          versionId,
          number: version.number,
          changeNote: note,
          labels,
          retiredVersionId: live?.id ?? null,
          retiredNumber: live?.number ?? null,
        },
      });
      return { versionId, number: version.number, retiredVersionId: live?.id ?? null };
    });
  } catch (error) {
    // The partial unique index is the last line of defence: it is what makes two live versions impossible.
    if (isUniqueViolation(error))
      throw new LabelSetError("conflict", "Another lead published this set at the same moment; open the set again to see the live version.");
    throw error;
  }
}

/** Drops an unpublished draft (nothing can cite a draft's labels). */
export async function discardDraft(actor: Actor, versionId: string): Promise<void> {
  await transaction(async (tx) => {
    const version = await lockDraft(tx, versionId);
    await tx.label.deleteMany({ where: { versionId } });
    await tx.labelSetVersion.delete({ where: { id: versionId } });
    await appendAuditEvent(tx, {
      actor,
      action: "label_set.draft_discarded",
      subjectType: "label_set",
      subjectId: version.labelSetId,
      payload: { versionId, number: version.number },
    });
  });
}

function toIssues(error: import("zod").ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(file)", message: i.message }));
}

/**
 * Imports a set in the export format as a draft for a lead to review and publish: a new set gets
 * version 1, an existing set's draft is replaced. Labels of earlier versions missing from the file
 * are kept as retired, never dropped. Any problem refuses the whole file with field-level issues.
 */
export async function importLabelSet(actor: Actor, raw: unknown): Promise<{ setId: string; versionId: string; number: number; createdSet: boolean }> {
  const parsed = LabelSetFile.safeParse(raw);
  if (!parsed.success) throw new LabelSetError("invalid", "The file is not a valid label set; nothing was imported.", toIssues(parsed.error));
  const file = parsed.data;
  try {
    return await transaction(async (tx) => {
      const existing = await tx.labelSet.findUnique({ where: { key: file.key } });
      const earlier = existing ? await earlierGroups(existing.id, tx) : new Map<string, string>();
      const issues = publicationIssues(file.labels, earlier);
      if (issues.length) throw new LabelSetError("invalid", "The file breaks the publication rules; nothing was imported.", issues);
      const setId = existing?.id ?? randomUUID();
      if (!existing) {
        await tx.labelSet.create({ data: { id: setId, key: file.key, name: file.name, description: file.description, reasons: JSON.stringify(file.reasons) } });
      }
      let versionId: string;
      let number: number;
      const draft = await tx.labelSetVersion.findFirst({ where: { labelSetId: setId, status: "draft" } });
      if (draft) {
        await lockDraft(tx, draft.id);
        await tx.label.deleteMany({ where: { versionId: draft.id } });
        versionId = draft.id;
        number = draft.number;
      } else {
        const last = await tx.labelSetVersion.findFirst({ where: { labelSetId: setId }, orderBy: { number: "desc" }, select: { number: true } });
        versionId = randomUUID();
        number = (last?.number ?? 0) + 1;
        await tx.labelSetVersion.create({
          data: { id: versionId, labelSetId: setId, number, status: "draft", createdById: userId(actor), changeNote: file.changeNote },
        });
      }
      if (draft) await tx.labelSetVersion.update({ where: { id: versionId }, data: { changeNote: file.changeNote } });
      const rows: Prisma.LabelCreateManyInput[] = file.labels.map((l, position) => ({ ...labelRowData(l), id: randomUUID(), versionId, position }));
      const imported = new Set(file.labels.map((l) => l.key));
      const live = existing
        ? await tx.labelSetVersion.findFirst({ where: { labelSetId: setId, status: "published" }, include: { labels: { orderBy: { position: "asc" } } } })
        : null;
      const keptRetired: string[] = [];
      for (const old of live?.labels ?? []) {
        if (imported.has(old.key)) continue;
        const { id: _id, versionId: _v, ...rest } = old;
        rows.push({ ...rest, id: randomUUID(), versionId, position: rows.length, retired: true });
        keptRetired.push(old.key);
      }
      await tx.label.createMany({ data: rows });
      await appendAuditEvent(tx, {
        actor,
        action: "label_set.imported",
        subjectType: "label_set",
        subjectId: setId,
        payload: { setKey: file.key, versionId, number, labels: file.labels.length, createdSet: !existing, replacedDraft: Boolean(draft), keptRetired },
      });
      return { setId, versionId, number, createdSet: !existing };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new LabelSetError("conflict", "Another lead changed this set at the same moment; nothing was imported. Try again.");
    throw error;
  }
}

/** A version (default: the live one, else the newest) in the import format, recorded as an export. */
export async function exportLabelSet(actor: Actor, setId: string, versionId?: string, options: { includeDrafts?: boolean } = { includeDrafts: true }) {
  const set = await db.labelSet.findUnique({ where: { id: setId } });
  if (!set) throw new LabelSetError("not_found", "That label set does not exist.");
  const chosen =
    versionId ??
    (await db.labelSetVersion.findFirst({ where: { labelSetId: setId, status: "published" }, select: { id: true } }))?.id ??
    (
      await db.labelSetVersion.findFirst({
        where: { labelSetId: setId, ...(options.includeDrafts ? {} : { status: { not: "draft" } }) },
        orderBy: { number: "desc" },
        select: { id: true },
      })
    )?.id;
  const version = chosen ? await getVersion(chosen) : null;
  if (!version || version.setId !== setId || (version.status === "draft" && !options.includeDrafts))
    throw new LabelSetError("not_found", "That version does not exist in this set.");
  const file = toLabelSetFile({ key: set.key, name: set.name, description: set.description, reasons: JSON.parse(set.reasons) as string[] }, version);
  await transaction(async (tx) => {
    await appendAuditEvent(tx, {
      actor,
      action: "label_set.exported",
      subjectType: "label_set",
      subjectId: setId,
      payload: { setKey: set.key, versionId: version.id, number: version.number },
    });
  });
  return { file, filename: `${set.key}-v${version.number}.json` };
}
