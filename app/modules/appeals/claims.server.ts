import { currentTime } from "~/modules/clock/clock.ts";
// Appeal leases: an appeal is claimed like an item (one live lease, renewed while worked, lapsing on
// its own), by a member of its queue who took no part in the contested decision. Each claim
// statement re-checks both, so a claim and a change of membership or a decision cannot cross.
import { db, dialect, Prisma, transaction, type Tx } from "~/db.server.ts";
import { newId } from "~/modules/ids.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { can, type Role } from "~/modules/auth/capabilities.ts";
import { leaseMs, lockClaimer } from "~/modules/queue/claims.server.ts";
import { heldLease, leaseFreeSql, liveLeaseOf, NO_LEASE } from "~/modules/queue/leases.server.ts";

export type AppealClaimer = { id: string; email: string; role: string };
export type ClaimedAppeal = { appealId: string; claimId: string; leaseExpiresAt: Date };
export type AppealClaimRefusal = "not_found" | "not_open" | "unrouted" | "not_member" | "took_part" | "held" | "holding" | "not_reviewer";

export const CLAIM_REFUSALS: Record<AppealClaimRefusal, string> = {
  not_found: "There is no such appeal.",
  not_open: "This appeal has been answered.",
  unrouted: "This appeal waits unrouted; a lead must move it to a queue first.",
  not_member: "You are not a member of this appeal's queue.",
  took_part: "You took part in the decision this appeal contests (you decided the item, or answered an appeal on it, before), so someone else must review it.",
  held: "Someone else is reviewing this appeal right now.",
  holding: "You are reviewing another appeal: answer or release it before taking this one.",
  not_reviewer: "Your role does not review appeals.",
};

const actorOf = (user: AppealClaimer): Actor => ({ kind: "user", id: user.id, email: user.email, role: user.role });

/**
 * The user decided the appeal's item at some point (the contested decision, or any before or since),
 * or answered an earlier appeal on it: an uphold writes no decision, but its reviewer stood by one.
 */
export const tookPartSql = (userId: string, alias = `"Appeal"`) =>
  Prisma.sql`(EXISTS (SELECT 1 FROM "Decision" d WHERE d."itemId" = ${Prisma.raw(alias)}."itemId" AND d."userId" = ${userId})
    OR EXISTS (SELECT 1 FROM "Appeal" p WHERE p."itemId" = ${Prisma.raw(alias)}."itemId" AND p."decidedById" = ${userId}))`;

const memberSql = (userId: string, alias = `"Appeal"`) =>
  Prisma.sql`EXISTS (SELECT 1 FROM "QueueMember" qm JOIN "Queue" qq ON qq."id" = qm."queueId"
    WHERE qm."queueId" = ${Prisma.raw(alias)}."queueId" AND qm."userId" = ${userId} AND qq."open" = ${true} AND qq."deletedAt" IS NULL)`;

/** Leases the appeal the WHERE clause names to the user, if it is still open, free, in their queue and not theirs to refuse. */
const leaseSql = (user: { id: string }, claimId: string, now: Date, expires: Date, which: Prisma.Sql) =>
  Prisma.sql`UPDATE "Appeal" SET "claimId" = ${claimId}, "claimedById" = ${user.id}, "leaseExpiresAt" = ${expires}, "updatedAt" = ${now}
    WHERE "id" = ${which} AND "state" = 'open' AND ${freeSql(now)} AND ${memberSql(user.id)} AND NOT ${tookPartSql(user.id)}
    RETURNING "id"`;

const freeSql = (now: Date, alias = `"Appeal"`) => leaseFreeSql(now, alias);

/** Whether the user decided the item an appeal is about, or answered an appeal on it (and so may not review it). */
export async function tookPart(userId: string, itemId: string, client: Tx | typeof db = db): Promise<boolean> {
  const [decided, answered] = await Promise.all([
    client.decision.count({ where: { itemId, userId } }),
    client.appeal.count({ where: { itemId, decidedById: userId } }),
  ]);
  return decided + answered > 0;
}

async function heldBy(tx: Tx | typeof db, userId: string, now: Date): Promise<ClaimedAppeal | null> {
  const held = await tx.appeal.findFirst({
    where: liveLeaseOf(userId, now),
    select: { id: true, claimId: true, leaseExpiresAt: true },
    orderBy: { leaseExpiresAt: "desc" },
  });
  const lease = heldLease(held);
  return lease && { appealId: lease.id, claimId: lease.claimId, leaseExpiresAt: lease.leaseExpiresAt };
}

/** The appeal lease the user holds, if any. */
export function currentAppealClaim(userId: string): Promise<ClaimedAppeal | null> {
  return heldBy(db, userId, currentTime());
}

async function recordClaim(tx: Tx, user: AppealClaimer, appealId: string, claimId: string, expires: Date) {
  await appendAuditEvent(tx, {
    actor: actorOf(user),
    action: "appeal.claimed",
    subjectType: "appeal",
    subjectId: appealId,
    payload: { appealId, claimId, leaseExpiresAt: expires },
  });
}

/**
 * The next appeal for the user: the one they hold, else the open appeal with the earliest deadline
 * (overdue ones first, as they are the earliest) in an open queue they are a member of, free, and
 * about an item they never decided. One statement picks and leases it; on PostgreSQL concurrent
 * claimers skip each other's rows.
 */
export async function claimNextAppeal(user: AppealClaimer, queueId?: string): Promise<ClaimedAppeal | null> {
  if (!can(user.role as Role, "appeals:review")) return null;
  return transaction(async (tx) => {
    const now = currentTime();
    await lockClaimer(tx, user.id);
    const held = await heldBy(tx, user.id, now);
    if (held) return held;
    const claimId = newId();
    const expires = new Date(now.getTime() + leaseMs());
    const inQueue = queueId ? Prisma.sql`AND a."queueId" = ${queueId}` : Prisma.empty;
    const next = Prisma.sql`(SELECT a."id" FROM "Appeal" a
        WHERE a."state" = 'open' AND a."queueId" IS NOT NULL ${inQueue} AND ${freeSql(now, "a")}
          AND ${memberSql(user.id, "a")} AND NOT ${tookPartSql(user.id, "a")}
        ORDER BY a."dueAt", a."id" LIMIT 1 ${Prisma.raw(dialect === "postgresql" ? "FOR UPDATE SKIP LOCKED" : "")})`;
    const [row] = await tx.$queryRaw<{ id: string }[]>(leaseSql(user, claimId, now, expires, next));
    if (!row) return null;
    await recordClaim(tx, user, row.id, claimId, expires);
    return { appealId: row.id, claimId, leaseExpiresAt: expires };
  });
}

/** Claims one named appeal (a lead picking it from the list, or the review screen's claim button), or says why not. */
export async function claimAppealOrWhy(user: AppealClaimer, appealId: string): Promise<ClaimedAppeal | { refused: AppealClaimRefusal }> {
  if (!can(user.role as Role, "appeals:review")) return { refused: "not_reviewer" };
  return transaction(async (tx) => {
    const now = currentTime();
    await lockClaimer(tx, user.id);
    const appeal = await tx.appeal.findUnique({ where: { id: appealId }, select: { state: true, queueId: true, itemId: true, claimedById: true } });
    if (!appeal) return { refused: "not_found" };
    if (appeal.state !== "open") return { refused: "not_open" };
    if (await tookPart(user.id, appeal.itemId, tx)) return { refused: "took_part" };
    const held = await heldBy(tx, user.id, now);
    if (held?.appealId === appealId) return held;
    if (!appeal.queueId) return { refused: "unrouted" };
    const member = await tx.queueMember.findFirst({ where: { userId: user.id, queueId: appeal.queueId, queue: { open: true, deletedAt: null } } });
    if (!member) return { refused: "not_member" };
    if (held) return { refused: "holding" };
    const claimId = newId();
    const expires = new Date(now.getTime() + leaseMs());
    const [row] = await tx.$queryRaw<{ id: string }[]>(leaseSql(user, claimId, now, expires, Prisma.sql`${appealId}`));
    if (!row) return { refused: "held" };
    await recordClaim(tx, user, appealId, claimId, expires);
    return { appealId, claimId, leaseExpiresAt: expires };
  });
}

/** Extends a live appeal lease the user holds; null when it has lapsed or passed to someone else. */
export async function renewAppealLease(user: { id: string }, appealId: string, claimId: string): Promise<Date | null> {
  const now = currentTime();
  const expires = new Date(now.getTime() + leaseMs());
  const { count } = await db.appeal.updateMany({
    where: { id: appealId, ...liveLeaseOf(user.id, now, claimId) },
    data: { leaseExpiresAt: expires },
  });
  return count === 1 ? expires : null;
}

/** Gives an appeal lease back (the holder, or a lead for anyone); false when it is no longer live. */
export async function releaseAppeal(user: AppealClaimer, input: { appealId: string; claimId: string; reason: string }): Promise<boolean> {
  const byLead = can(user.role as Role, "appeals:manage");
  return transaction(async (tx) => {
    const now = currentTime();
    const { count } = await tx.appeal.updateMany({
      where: { id: input.appealId, claimId: input.claimId, leaseExpiresAt: { gt: now }, state: "open", ...(byLead ? {} : { claimedById: user.id }) },
      data: NO_LEASE,
    });
    if (count !== 1) return false;
    await appendAuditEvent(tx, {
      actor: actorOf(user),
      action: "appeal.released",
      subjectType: "appeal",
      subjectId: input.appealId,
      payload: { appealId: input.appealId, claimId: input.claimId, reason: input.reason },
    });
    return true;
  });
}

/** Ends every live appeal lease a user holds, inside the caller's transaction (an account disabled or given another role). */
export async function releaseAppealLeasesOf(tx: Tx, userId: string): Promise<number> {
  const { count } = await tx.appeal.updateMany({
    where: liveLeaseOf(userId, currentTime()),
    data: NO_LEASE,
  });
  return count;
}
