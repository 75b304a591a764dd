import { db, dialect, type Prisma } from "~/db.server.ts";
import { INITIAL_STATE, isLeaseLive } from "~/modules/items/lifecycle.ts";
import { recentLiveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { careLimits } from "~/modules/quality/care/limits.server.ts";

// The one rule for which members a cluster decision reaches, in the three forms it is used in: a
// Prisma where (the review screen's "Whole cluster (N open members)" count), a predicate (the members
// the screen marks and the job picks) and a SQL condition (the statement that changes each member,
// which checks it again at the moment of writing). A member is decided only where its decider could
// have claimed and decided it alone.

export type Eligibility = {
  /** The decision's cluster and every cluster it was merged into since: a lead's merge moves members, not the decision. */
  clusterIds: string[];
  /** The served item's state before its decision: members in that state follow it. */
  state: string;
  deciderId: string;
  /** The open queues the decider belongs to. */
  queueIds: string[];
  /** Top reasons whose members the decision's labels fit and the decider's care limits let through (see decidableReasons). */
  reasons: string[];
  now: Date;
};

export type EligibleItem = {
  clusterId: string | null;
  state: string;
  queueId: string | null;
  assignedToId: string | null;
  claimedById: string | null;
  leaseExpiresAt: Date | null;
  topReason: string;
};

export function isEligible(item: EligibleItem, e: Eligibility): boolean {
  return (
    !!item.clusterId &&
    e.clusterIds.includes(item.clusterId) &&
    item.state === e.state &&
    !!item.queueId &&
    e.queueIds.includes(item.queueId) &&
    (!item.assignedToId || item.assignedToId === e.deciderId) &&
    (!isLeaseLive(item.leaseExpiresAt, e.now) || item.claimedById === e.deciderId) &&
    e.reasons.includes(item.topReason)
  );
}

export function eligibleWhere(e: Eligibility) {
  return {
    clusterId: { in: e.clusterIds },
    state: e.state as "pending" | "escalated",
    queueId: { in: e.queueIds },
    topReason: { in: e.reasons },
    AND: [
      { OR: [{ assignedToId: null }, { assignedToId: e.deciderId }] },
      { OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lte: e.now } }, { claimedById: e.deciderId }] },
    ],
  } satisfies Prisma.ItemWhereInput;
}

/**
 * The same as a SQL condition on "Item". `bind` adds a value to the statement's parameters and
 * returns its placeholder (`?` on SQLite, `$n` on PostgreSQL), in the order the condition reads.
 */
export function eligibleSql(e: Eligibility, bind: (value: unknown) => string): string {
  const list = (values: string[]) => (dialect === "sqlite" ? `IN (${values.length ? values.map(bind).join(", ") : "NULL"})` : `= ANY(${bind(values)}::text[])`);
  const state = () => (dialect === "sqlite" ? bind(e.state) : `CAST(${bind(e.state)} AS "ItemState")`);
  // Each placeholder binds its own value, in the order they appear (SQLite's `?` are positional).
  return `"clusterId" ${list(e.clusterIds)} AND "state" = ${state()} AND "queueId" ${list(e.queueIds)} AND "topReason" ${list(e.reasons)}
    AND ("assignedToId" IS NULL OR "assignedToId" = ${bind(e.deciderId)})
    AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" <= ${bind(e.now)} OR "claimedById" = ${bind(e.deciderId)})`;
}

/** The open, undeleted queues a decider belongs to. */
export async function deciderQueueIds(userId: string): Promise<string[]> {
  const rows = await db.queueMember.findMany({ where: { userId, queue: { open: true, deletedAt: null } }, select: { queueId: true } });
  return rows.map((r) => r.queueId);
}

/** A cluster and the clusters it was merged into, in order (a merged cluster's members all went to the next). */
export async function clusterLineage(clusterId: string): Promise<string[]> {
  const lineage = [clusterId];
  for (;;) {
    const cluster = await db.cluster.findUnique({ where: { id: lineage[lineage.length - 1] }, select: { mergedIntoId: true } });
    if (!cluster?.mergedIntoId || lineage.includes(cluster.mergedIntoId)) return lineage;
    lineage.push(cluster.mergedIntoId);
  }
}

/**
 * Of the members' top reasons, those a decision may carry over: the reason's live label sets include
 * the version the decision's labels belong to (`versionIds`: the decision's; before it is made, those
 * of the served item's reason), and, for a moderator's decision, the decider's care limits do not hold
 * the reason back. The served item's own reason is never held back: the decider already reviewed that
 * item, and its copies add no exposure (exposure counts the item read, not the copies decided with it).
 */
export async function decidableReasons(
  candidates: Iterable<string>,
  o: { versionIds: string[] | null; deciderId: string; state: string; servedReason: string; now: Date },
): Promise<string[]> {
  const reasons = [...new Set(candidates)];
  const excluded = new Set(o.state === INITIAL_STATE ? (await careLimits(o.deciderId, o.now)).excludeReasons : []);
  excluded.delete(o.servedReason);
  const fits = await Promise.all(
    reasons.map(async (reason) => {
      if (excluded.has(reason)) return false;
      if (o.versionIds === null) return true;
      const sets = await recentLiveLabelSetsForReason(reason);
      return sets.some((s) => o.versionIds!.includes(s.versionId));
    }),
  );
  return reasons.filter((_, i) => fits[i]);
}
