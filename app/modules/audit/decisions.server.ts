import { db, Prisma } from "~/db.server.ts";
import { toLabelView, type LabelView } from "~/modules/labels/types.ts";
import { decisionTimings, parseSnapshot, type DecisionSnapshot, type DecisionTimings } from "./snapshot.ts";
import type { SorLabel } from "./statement-of-reasons.ts";

export type DecisionLabelView = LabelView & { setKey: string; setName: string; versionNumber: number; versionStatus: string };

/**
 * The labels each decision applied, read from the version-specific Label rows the decision points
 * at, for many decisions in one query (exports page through thousands at a time).
 */
export async function labelsForDecisions(decisionIds: string[]): Promise<Map<string, DecisionLabelView[]>> {
  const out = new Map<string, DecisionLabelView[]>();
  if (decisionIds.length === 0) return out;
  const rows = await db.decisionLabel.findMany({
    where: { decisionId: { in: decisionIds } },
    include: { label: { include: { version: { select: { number: true, status: true, labelSet: { select: { key: true, name: true } } } } } } },
  });
  for (const r of rows) {
    const view: DecisionLabelView = {
      ...toLabelView(r.label),
      setKey: r.label.version.labelSet.key,
      setName: r.label.version.labelSet.name,
      versionNumber: r.label.version.number,
      versionStatus: r.label.version.status,
    };
    const list = out.get(r.decisionId) ?? [];
    list.push(view);
    out.set(r.decisionId, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.setKey.localeCompare(b.setKey) || a.position - b.position);
  return out;
}

export function toSorLabels(labels: DecisionLabelView[]): SorLabel[] {
  return labels.map((l) => ({
    key: l.key,
    name: l.name,
    group: l.group,
    definition: l.definition,
    severity: l.severity,
    setName: l.setName,
    versionNumber: l.versionNumber,
    sor: l.sor,
  }));
}

export type DecisionRecord = {
  id: string;
  seq: number;
  action: string;
  rationale: string;
  labelKeys: string[];
  byLead: boolean;
  copyOfDecisionId: string | null;
  /** The decision this one replaced on appeal or after a quality review (its statement of reasons says so). */
  supersedesId: string | null;
  qualityReviewId: string | null;
  createdAt: Date;
  decidedBy: { id: string; email: string; name: string; role: string };
  version: { id: string; number: number; status: string; setName: string } | null;
  itemId: string;
  snapshot: DecisionSnapshot;
  labels: DecisionLabelView[];
  timings: DecisionTimings;
  event: { seq: number; hash: string; at: Date } | null;
};

/** Everything the decision page shows, from what was recorded at the time (never today's item row). */
export async function getDecisionRecord(decisionId: string): Promise<DecisionRecord | null> {
  const d = await db.decision.findUnique({
    where: { id: decisionId },
    include: {
      user: { select: { id: true, email: true, name: true, role: true } },
      version: { select: { id: true, number: true, status: true, labelSet: { select: { name: true } } } },
    },
  });
  if (!d) return null;
  const [labels, event] = await Promise.all([
    labelsForDecisions([d.id]),
    db.auditEvent.findUnique({ where: { seq: d.seq }, select: { seq: true, hash: true, at: true } }),
  ]);
  const snapshot = parseSnapshot(d.snapshot);
  return {
    id: d.id,
    seq: d.seq,
    action: d.action,
    rationale: d.rationale,
    labelKeys: JSON.parse(d.labelKeys) as string[],
    byLead: d.byLead,
    copyOfDecisionId: d.copyOfDecisionId,
    supersedesId: d.supersedesId,
    qualityReviewId: d.qualityReviewId,
    createdAt: d.createdAt,
    decidedBy: d.user,
    version: d.version ? { id: d.version.id, number: d.version.number, status: d.version.status, setName: d.version.labelSet.name } : null,
    itemId: d.itemId,
    snapshot,
    labels: labels.get(d.id) ?? [],
    timings: decisionTimings(snapshot, d.createdAt, d.action),
    event,
  };
}

export type DecisionExportRow = {
  id: string;
  seq: number;
  itemId: string;
  userId: string;
  action: string;
  rationale: string;
  labelKeys: string;
  versionId: string | null;
  snapshot: string;
  copyOfDecisionId: string | null;
  supersedesId: string | null;
  qualityReviewId: string | null;
  byLead: boolean;
  createdAt: Date;
};

/** A time range, optionally narrowed to one platform's items (what a platform's API key may see). */
export type DecisionRange = { from: Date; to: Date; platform?: string };

const platformFilter = (range: DecisionRange) =>
  range.platform ? Prisma.sql`AND "itemId" IN (SELECT "id" FROM "Item" WHERE "platform" = ${range.platform})` : Prisma.empty;

/**
 * One page of decisions in a time range, in (createdAt, seq) order after a cursor: a keyset walk of
 * the Decision(createdAt, seq) index, so page N costs what page 1 does.
 */
export async function decisionPage(range: DecisionRange, after: { at: Date; seq: number } | null, limit: number, actions?: readonly string[]) {
  const cursor = after ? Prisma.sql`AND ("createdAt", "seq") > (${after.at}, ${after.seq})` : Prisma.empty;
  const actionFilter = actions && actions.length > 0 ? Prisma.sql`AND CAST("action" AS TEXT) IN (${Prisma.join(actions as string[])})` : Prisma.empty;
  const rows = await db.$queryRaw<(Omit<DecisionExportRow, "seq" | "byLead"> & { seq: number | bigint; byLead: boolean | number })[]>`
    SELECT "id", "seq", "itemId", "userId", CAST("action" AS TEXT) AS "action", "rationale", "labelKeys", "versionId",
           "snapshot", "copyOfDecisionId", "supersedesId", "qualityReviewId", "byLead", "createdAt"
    FROM "Decision"
    WHERE "createdAt" >= ${range.from} AND "createdAt" < ${range.to} ${cursor} ${actionFilter} ${platformFilter(range)}
    ORDER BY "createdAt", "seq" LIMIT ${limit}`;
  return rows.map((r) => ({ ...r, seq: Number(r.seq), byLead: Boolean(r.byLead) }));
}

export async function countDecisions(range: DecisionRange, actions?: readonly string[]) {
  const actionFilter = actions && actions.length > 0 ? Prisma.sql`AND CAST("action" AS TEXT) IN (${Prisma.join(actions as string[])})` : Prisma.empty;
  const rows = await db.$queryRaw<{ n: number | bigint }[]>`
    SELECT COUNT(*) AS "n" FROM "Decision" WHERE "createdAt" >= ${range.from} AND "createdAt" < ${range.to} ${actionFilter} ${platformFilter(range)}`;
  return Number(rows[0]?.n ?? 0);
}
