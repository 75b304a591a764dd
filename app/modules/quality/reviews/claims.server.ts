import { currentTime } from "~/modules/clock/clock.ts";
// Leases on quality reviews, as on items and appeals: one at a time per reviewer, lapsing on their
// own. A review is offered only to a member of its queue who never decided the item (the first
// decider above all) nor reviewed it for quality before; each claim statement checks that itself.
import { db, dialect, Prisma, transaction, type Tx } from "~/db.server.ts";
import { newId } from "~/modules/ids.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { can, type Role } from "~/modules/auth/capabilities.ts";
import { leaseMs, lockClaimer } from "~/modules/queue/claims.server.ts";
import { heldLease, leaseFreeSql, liveLeaseOf, NO_LEASE } from "~/modules/queue/leases.server.ts";
import { careLimits } from "../care/limits.server.ts";

export type QualityReviewer = { id: string; email: string; role: string };
export type ClaimedReview = { reviewId: string; claimId: string; leaseExpiresAt: Date };
export type ReviewClaimRefusal = "not_found" | "not_open" | "not_member" | "took_part" | "held" | "holding" | "not_reviewer" | "at_limit";

export const REVIEW_CLAIM_REFUSALS: Record<ReviewClaimRefusal, string> = {
  not_found: "There is no such quality review.",
  not_open: "This quality review is done.",
  not_member: "This quality review belongs to a queue you are not a member of.",
  took_part: "You decided this item (or reviewed it for quality before), so someone else must review it.",
  held: "Someone else is doing this quality review right now.",
  holding: "You hold another quality review: finish or release it first.",
  not_reviewer: "Your role does not do quality reviews.",
  at_limit: "You have reviewed as many high-severity items as a shift allows; this review waits for someone else, or for your limit to lift.",
};

const actorOf = (user: QualityReviewer): Actor => ({ kind: "user", id: user.id, email: user.email, role: user.role });
const q = (alias: string) => Prisma.raw(alias);

/** The user decided the item at some point, or reviewed it for quality before. */
export const tookPartSql = (userId: string, alias = `"QualityReview"`) =>
  Prisma.sql`(${q(alias)}."firstUserId" = ${userId}
    OR EXISTS (SELECT 1 FROM "Decision" d WHERE d."itemId" = ${q(alias)}."itemId" AND d."userId" = ${userId})
    OR EXISTS (SELECT 1 FROM "QualityReview" p WHERE p."itemId" = ${q(alias)}."itemId" AND p."reviewerId" = ${userId}))`;

const memberSql = (userId: string, alias = `"QualityReview"`) =>
  Prisma.sql`(${q(alias)}."queueId" IS NULL OR EXISTS (SELECT 1 FROM "QueueMember" qm JOIN "Queue" qq ON qq."id" = qm."queueId"
    WHERE qm."queueId" = ${q(alias)}."queueId" AND qm."userId" = ${userId} AND qq."deletedAt" IS NULL))`;

/** A reviewer at the care cap is not offered reviews of items reported for a high-severity reason (known before review). */
const withinCareSql = (excludeReasons: string[], alias: string) =>
  excludeReasons.length === 0
    ? Prisma.empty
    : Prisma.sql`AND NOT EXISTS (SELECT 1 FROM "Item" ci WHERE ci."id" = ${q(alias)}."itemId" AND ci."topReason" IN (${Prisma.join(excludeReasons)}))`;

/** Open reviews this user may take, as a condition on the alias. */
export const claimableSql = (userId: string, now: Date, alias: string, excludeReasons: string[] = []) =>
  Prisma.sql`${q(alias)}."state" = 'open' AND ${leaseFreeSql(now, alias)} AND ${memberSql(userId, alias)} AND NOT ${tookPartSql(userId, alias)} ${withinCareSql(excludeReasons, alias)}`;

const leaseSql = (user: { id: string }, claimId: string, now: Date, expires: Date, which: Prisma.Sql, excludeReasons: string[]) =>
  Prisma.sql`UPDATE "QualityReview" SET "claimId" = ${claimId}, "claimedById" = ${user.id}, "leaseExpiresAt" = ${expires}, "updatedAt" = ${now}
    WHERE "id" = ${which} AND ${claimableSql(user.id, now, `"QualityReview"`, excludeReasons)} RETURNING "id"`;

/** Whether the user decided the item or reviewed it for quality before. */
export async function tookPart(userId: string, review: { itemId: string; firstUserId: string }, client: Tx | typeof db = db): Promise<boolean> {
  if (review.firstUserId === userId) return true;
  const [decided, reviewed] = await Promise.all([
    client.decision.count({ where: { itemId: review.itemId, userId } }),
    client.qualityReview.count({ where: { itemId: review.itemId, reviewerId: userId } }),
  ]);
  return decided + reviewed > 0;
}

async function heldBy(client: Tx | typeof db, userId: string, now: Date): Promise<ClaimedReview | null> {
  const held = await client.qualityReview.findFirst({
    where: liveLeaseOf(userId, now),
    select: { id: true, claimId: true, leaseExpiresAt: true },
    orderBy: { leaseExpiresAt: "desc" },
  });
  const lease = heldLease(held);
  return lease && { reviewId: lease.id, claimId: lease.claimId, leaseExpiresAt: lease.leaseExpiresAt };
}

export function currentReviewClaim(userId: string): Promise<ClaimedReview | null> {
  return heldBy(db, userId, currentTime());
}

/** How many open reviews wait for this user (claimable now). */
export async function waitingFor(userId: string, now: Date = currentTime()): Promise<number> {
  const { excludeReasons } = await careLimits(userId, now);
  const [row] = await db.$queryRaw<
    { n: number | bigint }[]
  >`SELECT COUNT(*) AS "n" FROM "QualityReview" r WHERE ${claimableSql(userId, now, `r`, excludeReasons)}`;
  return Number(row?.n ?? 0);
}

async function recordClaim(tx: Tx, user: QualityReviewer, reviewId: string, claimId: string, expires: Date) {
  await appendAuditEvent(tx, {
    actor: actorOf(user),
    action: "quality.claimed",
    subjectType: "quality_review",
    subjectId: reviewId,
    payload: { qualityReviewId: reviewId, claimId, leaseExpiresAt: expires },
  });
}

/** The review the user holds, or the oldest sampled one they may take; null when none waits for them. */
export async function claimNextReview(user: QualityReviewer): Promise<ClaimedReview | null> {
  if (!can(user.role as Role, "quality:review")) return null;
  const { excludeReasons } = await careLimits(user.id);
  return transaction(async (tx) => {
    const now = currentTime();
    await lockClaimer(tx, user.id);
    const held = await heldBy(tx, user.id, now);
    if (held) return held;
    const claimId = newId();
    const expires = new Date(now.getTime() + leaseMs());
    const skip = Prisma.raw(dialect === "postgresql" ? "FOR UPDATE SKIP LOCKED" : "");
    const [row] = await tx.$queryRaw<{ id: string }[]>(
      leaseSql(
        user,
        claimId,
        now,
        expires,
        Prisma.sql`(SELECT c."id" FROM "QualityReview" c WHERE ${claimableSql(user.id, now, `c`, excludeReasons)} ORDER BY c."sampledAt", c."id" LIMIT 1 ${skip})`,
        excludeReasons,
      ),
    );
    if (!row) return null;
    await recordClaim(tx, user, row.id, claimId, expires);
    return { reviewId: row.id, claimId, leaseExpiresAt: expires };
  });
}

/** Claims the named review, or says why not. */
export async function claimReviewOrWhy(user: QualityReviewer, reviewId: string): Promise<ClaimedReview | { refused: ReviewClaimRefusal }> {
  if (!can(user.role as Role, "quality:review")) return { refused: "not_reviewer" };
  const { excludeReasons } = await careLimits(user.id);
  return transaction(async (tx) => {
    const now = currentTime();
    await lockClaimer(tx, user.id);
    const review = await tx.qualityReview.findUnique({ where: { id: reviewId } });
    if (!review) return { refused: "not_found" };
    const held = await heldBy(tx, user.id, now);
    if (held) return held.reviewId === reviewId ? held : { refused: "holding" };
    if (review.state !== "open") return { refused: "not_open" };
    if (await tookPart(user.id, review, tx)) return { refused: "took_part" };
    if (review.queueId && !(await tx.queueMember.findFirst({ where: { queueId: review.queueId, userId: user.id, queue: { deletedAt: null } } })))
      return { refused: "not_member" };
    const item = await tx.item.findUnique({ where: { id: review.itemId }, select: { topReason: true } });
    if (item && excludeReasons.includes(item.topReason)) return { refused: "at_limit" };
    const claimId = newId();
    const expires = new Date(now.getTime() + leaseMs());
    const [row] = await tx.$queryRaw<{ id: string }[]>(leaseSql(user, claimId, now, expires, Prisma.sql`${reviewId}`, excludeReasons));
    if (!row) return { refused: "held" };
    await recordClaim(tx, user, reviewId, claimId, expires);
    return { reviewId, claimId, leaseExpiresAt: expires };
  });
}

/** Gives a held review back to its queue; false when the lease is no longer the user's. */
export async function releaseReview(user: QualityReviewer, reviewId: string, claimId: string, reason: string): Promise<boolean> {
  return transaction(async (tx) => {
    const { count } = await tx.qualityReview.updateMany({
      where: { id: reviewId, ...liveLeaseOf(user.id, currentTime(), claimId) },
      data: NO_LEASE,
    });
    if (count !== 1) return false;
    await appendAuditEvent(tx, {
      actor: actorOf(user),
      action: "quality.released",
      subjectType: "quality_review",
      subjectId: reviewId,
      payload: { qualityReviewId: reviewId, claimId, reason },
    });
    return true;
  });
}

/** Extends a live lease the user holds. */
export async function renewReviewLease(user: { id: string }, reviewId: string, claimId: string): Promise<Date | null> {
  const now = currentTime();
  const expires = new Date(now.getTime() + leaseMs());
  const { count } = await db.qualityReview.updateMany({
    where: { id: reviewId, ...liveLeaseOf(user.id, now, claimId) },
    data: { leaseExpiresAt: expires },
  });
  return count === 1 ? expires : null;
}

/**
 * What this user must not see while a blind review they could take (or hold) is open: the decisions
 * under review and their items. The item's page and every trace of those decisions elsewhere (the
 * author's history, a copy's decision) stay closed to them until the review is done.
 */
export async function blindTo(userId: string): Promise<{ decisionIds: Set<string>; itemIds: Set<string> }> {
  const rows = await db.$queryRaw<{ decisionId: string; itemId: string }[]>`SELECT r."decisionId", r."itemId" FROM "QualityReview" r
    WHERE r."state" = 'open' AND ${memberSql(userId, "r")} AND NOT ${tookPartSql(userId, "r")}`;
  return { decisionIds: new Set(rows.map((r) => r.decisionId)), itemIds: new Set(rows.map((r) => r.itemId)) };
}
