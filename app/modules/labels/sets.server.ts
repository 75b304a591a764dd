import { db, type Tx } from "~/db.server.ts";
import { toLabelView, type LabelView } from "./types.ts";
import type { LabelInput, LabelSetFile } from "./format.ts";
import { diffLabels } from "./diff.ts";

/** Reads for the policy pages: sets, their versions, usage, and what a decision was made under. */

export async function listLabelSets() {
  const sets = await db.labelSet.findMany({
    orderBy: { name: "asc" },
    include: {
      versions: {
        orderBy: { number: "desc" },
        select: { id: true, number: true, status: true, publishedAt: true, changeNote: true, _count: { select: { labels: true } } },
      },
    },
  });
  return sets.map((s) => ({
    id: s.id,
    key: s.key,
    name: s.name,
    description: s.description,
    reasons: JSON.parse(s.reasons) as string[],
    live: s.versions.find((v) => v.status === "published") ?? null,
    draft: s.versions.find((v) => v.status === "draft") ?? null,
    versionCount: s.versions.filter((v) => v.status !== "draft").length,
  }));
}

async function userEmails(ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (wanted.length === 0) return new Map<string, string>();
  const users = await db.user.findMany({ where: { id: { in: wanted } }, select: { id: true, email: true } });
  return new Map(users.map((u) => [u.id, u.email]));
}

/** A set with its whole version history, newest first, and who created and published each. */
export async function getLabelSet(setId: string) {
  const set = await db.labelSet.findUnique({
    where: { id: setId },
    include: { versions: { orderBy: { number: "desc" }, include: { _count: { select: { labels: true, decisions: true } } } } },
  });
  if (!set) return null;
  const emails = await userEmails(set.versions.flatMap((v) => [v.createdById, v.publishedById]));
  return {
    id: set.id,
    key: set.key,
    name: set.name,
    description: set.description,
    reasons: JSON.parse(set.reasons) as string[],
    versions: set.versions.map((v) => ({
      id: v.id,
      number: v.number,
      status: v.status,
      changeNote: v.changeNote,
      createdAt: v.createdAt,
      createdBy: v.createdById ? (emails.get(v.createdById) ?? null) : null,
      updatedAt: v.updatedAt,
      publishedAt: v.publishedAt,
      publishedBy: v.publishedById ? (emails.get(v.publishedById) ?? null) : null,
      retiredAt: v.retiredAt,
      labelCount: v._count.labels,
      decisionCount: v._count.decisions,
    })),
  };
}

/** One version with every label (retired ones included), in position order. */
export async function getVersion(versionId: string, client: Tx = db) {
  const version = await client.labelSetVersion.findUnique({
    where: { id: versionId },
    include: { labelSet: true, labels: { orderBy: { position: "asc" } } },
  });
  if (!version) return null;
  const emails = await userEmails([version.createdById, version.publishedById]);
  return {
    id: version.id,
    setId: version.labelSetId,
    setKey: version.labelSet.key,
    setName: version.labelSet.name,
    number: version.number,
    status: version.status,
    changeNote: version.changeNote,
    createdAt: version.createdAt,
    createdBy: version.createdById ? (emails.get(version.createdById) ?? null) : null,
    updatedAt: version.updatedAt,
    publishedAt: version.publishedAt,
    publishedBy: version.publishedById ? (emails.get(version.publishedById) ?? null) : null,
    retiredAt: version.retiredAt,
    labels: version.labels.map(toLabelView),
  };
}

export type VersionDetail = NonNullable<Awaited<ReturnType<typeof getVersion>>>;

/** How often each label of a version was applied by decisions made under it (label id → count). */
export async function usageForVersion(versionId: string): Promise<Record<string, number>> {
  const rows = await db.decisionLabel.groupBy({
    by: ["labelId"],
    where: { label: { versionId } },
    _count: { _all: true },
  });
  return Object.fromEntries(rows.map((r) => [r.labelId, r._count._all]));
}

/**
 * The labels a decision applied, exactly as they read in the version it was made under, however
 * many versions later. The decision page and every export read them here.
 */
export async function labelsForDecision(decisionId: string, client: Tx = db): Promise<(LabelView & { setKey: string; versionNumber: number })[]> {
  const rows = await client.decisionLabel.findMany({
    where: { decisionId },
    include: { label: { include: { version: { select: { number: true, labelSet: { select: { key: true } } } } } } },
  });
  return rows
    .map((r) => ({ ...toLabelView(r.label), setKey: r.label.version.labelSet.key, versionNumber: r.label.version.number }))
    .sort((a, b) => a.setKey.localeCompare(b.setKey) || a.position - b.position);
}

/** A stored label as editable input: the shape the editor, the rules and the file format share. */
export function labelViewToInput(l: LabelView): LabelInput {
  return {
    key: l.key,
    name: l.name,
    group: l.group,
    definition: l.definition,
    cues: l.cues,
    notWhen: l.notWhen,
    positiveExamples: l.positiveExamples,
    negativeExamples: l.negativeExamples,
    severity: l.severity,
    defaultAction: l.defaultAction as LabelInput["defaultAction"],
    rationaleRequired: l.rationaleRequired,
    sor: l.sor ? { category: l.sor.category as never, keywords: l.sor.keywords as never, ground: l.sor.ground } : null,
    retired: l.retired,
  };
}

/** A version in the import/export format (the starter file's format), so export → import round-trips. */
export function toLabelSetFile(set: { key: string; name: string; description: string; reasons: string[] }, version: VersionDetail): LabelSetFile {
  return {
    key: set.key,
    name: set.name,
    description: set.description,
    reasons: set.reasons,
    changeNote: version.changeNote,
    labels: version.labels.map((l) => ({ ...labelViewToInput(l), retired: l.retired })),
  };
}

/** Every key a set's frozen (published or retired) versions have used, with its group. */
export async function earlierGroups(setId: string, client: Tx = db, beforeNumber?: number): Promise<Map<string, string>> {
  const labels = await client.label.findMany({
    where: { version: { labelSetId: setId, status: { not: "draft" }, ...(beforeNumber ? { number: { lt: beforeNumber } } : {}) } },
    select: { key: true, group: true },
    orderBy: { version: { number: "desc" } },
  });
  const groups = new Map<string, string>();
  for (const l of labels) if (!groups.has(l.key)) groups.set(l.key, l.group);
  return groups;
}

/** The frozen version just before `number`, for "changes from the previous version". */
export async function previousVersionId(setId: string, number: number): Promise<string | null> {
  const prev = await db.labelSetVersion.findFirst({
    where: { labelSetId: setId, number: { lt: number }, status: { not: "draft" } },
    orderBy: { number: "desc" },
    select: { id: true },
  });
  return prev?.id ?? null;
}

/** The label-by-label difference between two versions of one set (positions compared within each group). */
export async function diffVersions(fromId: string, toId: string) {
  const [from, to] = await Promise.all([getVersion(fromId), getVersion(toId)]);
  if (!from || !to || from.setId !== to.setId) return null;
  const ranked = (labels: LabelView[]) => labels.map((l) => ({ ...l, position: labels.filter((o) => o.group === l.group && o.position < l.position).length }));
  return { from, to, diff: diffLabels(ranked(from.labels), ranked(to.labels)) };
}

/**
 * Pairs of labels moderators applied to the same item under a version, most frequent first: a
 * pair that keeps appearing together often means two definitions are being confused.
 */
export async function labelsAppliedTogether(versionId: string, limit = 5): Promise<{ labelIds: [string, string]; count: number }[]> {
  const rows = await db.decisionLabel.findMany({ where: { label: { versionId } }, select: { decisionId: true, labelId: true } });
  const byDecision = new Map<string, string[]>();
  for (const r of rows) byDecision.set(r.decisionId, [...(byDecision.get(r.decisionId) ?? []), r.labelId]);
  const pairs = new Map<string, number>();
  for (const ids of byDecision.values()) {
    const sorted = [...ids].sort();
    for (let i = 0; i < sorted.length; i++)
      for (let j = i + 1; j < sorted.length; j++) {
        const key = `${sorted[i]} ${sorted[j]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
  }
  return [...pairs.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([key, count]) => ({ labelIds: key.split(" ") as [string, string], count }));
}
