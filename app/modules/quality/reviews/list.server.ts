import { db } from "~/db.server.ts";
import { currentReviewClaim, waitingFor } from "./claims.server.ts";

/** What the quality page shows a reviewer: the review they hold and how many wait for them. */
export async function reviewerSummary(userId: string) {
  const [held, waiting, done] = await Promise.all([currentReviewClaim(userId), waitingFor(userId), db.qualityReview.count({ where: { reviewerId: userId } })]);
  return { held, waiting, done };
}

/** What the quality page shows a lead: disagreements to rule on, recent rulings, counts by state. */
export async function leadSummary() {
  const [disagreements, adjudicated, byState] = await Promise.all([
    db.qualityReview.findMany({
      where: { state: "disagreed" },
      orderBy: { reviewedAt: "asc" },
      take: 100,
      select: { id: true, itemId: true, queueId: true, sampledAt: true, reviewedAt: true },
    }),
    db.qualityReview.findMany({
      where: { state: "adjudicated" },
      orderBy: { adjudicatedAt: "desc" },
      take: 20,
      select: { id: true, itemId: true, ruling: true, errorType: true, adjudicatedAt: true, correctionDecisionId: true },
    }),
    db.qualityReview.groupBy({ by: ["state"], _count: { _all: true } }),
  ]);
  const itemIds = [...new Set([...disagreements, ...adjudicated].map((r) => r.itemId))];
  const items = new Map(
    (await db.item.findMany({ where: { id: { in: itemIds } }, select: { id: true, externalId: true, title: true } })).map((i) => [i.id, i]),
  );
  const queues = new Map((await db.queue.findMany({ select: { id: true, name: true } })).map((q) => [q.id, q.name]));
  const item = (id: string) => items.get(id) ?? { id, externalId: id, title: null };
  return {
    disagreements: disagreements.map((r) => ({ ...r, item: item(r.itemId), queue: r.queueId ? (queues.get(r.queueId) ?? null) : null })),
    adjudicated: adjudicated.map((r) => ({ ...r, item: item(r.itemId) })),
    counts: Object.fromEntries(byState.map((s) => [s.state, s._count._all])) as Record<string, number>,
  };
}
