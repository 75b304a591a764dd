import { currentTime } from "~/modules/clock/clock.ts";
import { db, dialect, Prisma, transaction, type Tx } from "~/db.server.ts";
import { literal, pgValue, pgWrite, type SqliteTx, sqliteRead, sqliteValue, sqliteWrite, withLiterals } from "~/db-direct.server.ts";
import { env } from "~/env.server.ts";
import { newId } from "~/modules/ids.ts";
import { appendAuditEvent, prepareAuditEvent, sealOnPostgresSql, sealOnSqlite, type Actor } from "~/modules/audit/writer.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import {
  CLAIM_END,
  ESCALATED_STATE,
  INITIAL_STATE,
  isOpen,
  OPEN_STATES,
  workableStates,
  type ClaimEndReason,
  type OpenState,
} from "~/modules/items/lifecycle.ts";

/** The open states a claim may draw from: moderators take pending items, policy leads escalated ones too. */
export type QueueName = OpenState;

/**
 * What "Next item" draws from: by default every queue the user is a member of, in every state they
 * may work. `excludeReasons` keeps pending items with those top reasons from being offered (a
 * moderator at the care cap, quality/care/limits.server.ts); escalated work is never held back.
 */
export type ClaimScope = { queueId?: string; state?: OpenState; excludeReasons?: string[] };

export type Claimer = { id: string; email: string; role: string };

export type ClaimedItem = { itemId: string; claimId: string; leaseExpiresAt: Date };

export const leaseMs = () => env.DOCKET_LEASE_SECONDS * 1000;

const actorOf = (user: Claimer): Actor => ({ kind: "user", id: user.id, email: user.email, role: user.role });
// A literal, not a parameter: PostgreSQL compares it with the state enum, and the planner picks the (queueId, state, ...) index for it.
const stateSql = (state: OpenState) => {
  if (!isOpen(state)) throw new Error(`not an open state: ${String(state)}`);
  return Prisma.raw(`'${state}'`);
};
const skipLocked = () => Prisma.raw(dialect === "postgresql" ? "FOR UPDATE SKIP LOCKED" : "");

/** One queue's items in one state: the unit a claim walks. */
export type Lane = { queueId: string; state: OpenState };

/** Top reasons a claim must not take in pending lanes; empty for an ordinary claim. */
type Excluded = readonly string[];

/** The condition that keeps excluded reasons out of a lane (none outside pending, none when nothing is excluded). */
function offered(state: OpenState, excluded: Excluded, alias = `"Item"`) {
  if (excluded.length === 0 || state !== INITIAL_STATE) return Prisma.empty;
  return Prisma.sql`AND ${Prisma.raw(alias)}."topReason" NOT IN (${Prisma.join([...excluded])})`;
}

/** The same for a statement over several states (an assignment): only its pending items are held back. */
function excludedPending(excluded: Excluded, alias = `"Item"`) {
  if (excluded.length === 0) return Prisma.empty;
  const a = Prisma.raw(alias);
  return Prisma.sql`AND (${a}."state" <> ${stateSql(INITIAL_STATE)} OR ${a}."topReason" NOT IN (${Prisma.join([...excluded])}))`;
}

/** The user is a member of the item's queue and the queue is open: checked again by every claim statement, since membership can change under a claim. */
function memberOfItsQueue(userId: string) {
  return Prisma.sql`EXISTS (SELECT 1 FROM "QueueMember" qm JOIN "Queue" qq ON qq."id" = qm."queueId"
      WHERE qm."queueId" = "Item"."queueId" AND qm."userId" = ${userId} AND qq."open" = ${true} AND qq."deletedAt" IS NULL)`;
}

/** Free for this user to take: no live lease, not assigned to someone else, not skipped by them. */
function freeFor(userId: string, now: Date, alias = `"Item"`) {
  const a = Prisma.raw(alias);
  return Prisma.sql`(${a}."leaseExpiresAt" IS NULL OR ${a}."leaseExpiresAt" < ${now})
      AND (${a}."assignedToId" IS NULL OR ${a}."assignedToId" = ${userId})
      AND NOT EXISTS (SELECT 1 FROM "Claim" s WHERE s."itemId" = ${a}."id" AND s."userId" = ${userId} AND s."endReason" = ${CLAIM_END.skipped})`;
}

const claimSet = (userId: string, claimId: string, now: Date, expires: Date) =>
  Prisma.sql`UPDATE "Item" SET "claimId" = ${claimId}, "claimedById" = ${userId}, "leaseExpiresAt" = ${expires}, "updatedAt" = ${now}`;
// Whether an earlier claim on the item is still open (its lease lapsed): only then is there one to close.
const claimReturning = Prisma.sql`RETURNING "id", "queueId", CASE WHEN EXISTS (SELECT 1 FROM "Claim" c WHERE c."itemId" = "Item"."id" AND c."endedAt" IS NULL) THEN 1 ELSE 0 END AS "lapsed"`;

/**
 * The claim statements of one lane. The overdue one walks the (queueId, state, dueAt) index from the
 * oldest deadline, the other the (queueId, state, priority DESC, firstFlaggedAt) index: one index walk
 * each, never a sort. Each picks and leases one row atomically: SQLite holds the write lock for the
 * statement, PostgreSQL locks the chosen row and lets other claimers skip past it.
 */
export function claimStatements(lane: Lane, user: { id: string }, claimId: string, now: Date, expires: Date, excluded: Excluded = []) {
  const inLane = Prisma.sql`"queueId" = ${lane.queueId} AND "state" = ${stateSql(lane.state)} ${offered(lane.state, excluded)}`;
  const available = Prisma.sql`${inLane} AND ${freeFor(user.id, now)}`;
  const guard = Prisma.sql`AND ${inLane} AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now}) AND ("assignedToId" IS NULL OR "assignedToId" = ${user.id})
    AND ${memberOfItsQueue(user.id)}`;
  const set = claimSet(user.id, claimId, now, expires);
  const overdue = Prisma.sql`${set} WHERE "id" = (
      SELECT "id" FROM "Item" WHERE ${available} AND "dueAt" <= ${now}
      ORDER BY "queueId", "state", "dueAt" LIMIT 1 ${skipLocked()}) ${guard} ${claimReturning}`;
  const byPriority = Prisma.sql`${set} WHERE "id" = (
      SELECT "id" FROM "Item" WHERE ${available}
      ORDER BY "queueId", "state", "priority" DESC, "firstFlaggedAt" LIMIT 1 ${skipLocked()}) ${guard} ${claimReturning}`;
  return { overdue, byPriority };
}

/**
 * Claims one named item for the user when it is free for them (their assignment, or the item they
 * asked for) and still waits in the queue it was read in, which they are a member of.
 */
function claimByIdStatement(
  itemId: string,
  user: { id: string },
  claimId: string,
  now: Date,
  expires: Date,
  states: OpenState[],
  queueId?: string,
  excluded: Excluded = [],
) {
  return Prisma.sql`${claimSet(user.id, claimId, now, expires)} WHERE "id" = ${itemId}
    AND "state" IN (${Prisma.join(states.map(stateSql))}) AND "queueId" IS NOT NULL ${queueId ? Prisma.sql`AND "queueId" = ${queueId}` : Prisma.empty}
    ${excludedPending(excluded)}
    AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now}) AND ("assignedToId" IS NULL OR "assignedToId" = ${user.id})
    AND ${memberOfItsQueue(user.id)} ${claimReturning}`;
}

/**
 * What a claim reads first, in its transaction after the user's row is locked: the live lease the
 * user already holds (one item at a time), their oldest assignment, and for each lane of their
 * queues the head's deadline (if overdue) and priority, each one index probe. The claim then walks
 * the lanes in that order: overdue first across queues, then by priority.
 */
function claimReads(user: Claimer, states: OpenState[], queueId: string | undefined, now: Date, excluded: Excluded = []) {
  const held = Prisma.sql`SELECT "id", "claimId", "leaseExpiresAt" FROM "Item" WHERE "claimedById" = ${user.id} AND "leaseExpiresAt" > ${now}
    ORDER BY "leaseExpiresAt" DESC LIMIT 1`;
  const assigned = Prisma.sql`SELECT i."id" FROM "Item" i WHERE i."assignedToId" = ${user.id} AND i."state" IN (${Prisma.join(states.map(stateSql))})
    AND i."queueId" IS NOT NULL ${queueId ? Prisma.sql`AND i."queueId" = ${queueId}` : Prisma.empty} AND (i."leaseExpiresAt" IS NULL OR i."leaseExpiresAt" < ${now})
    ${excludedPending(excluded, "i")}
    ORDER BY CASE WHEN i."dueAt" IS NULL THEN 1 ELSE 0 END, i."dueAt", i."priority" DESC LIMIT 1`;
  const lanes = states.map(
    (state) => Prisma.sql`SELECT m."queueId" AS "queueId", ${stateSql(state)} AS "state",
      (SELECT i."dueAt" FROM "Item" i WHERE i."queueId" = m."queueId" AND i."state" = ${stateSql(state)} AND i."dueAt" <= ${now} AND ${freeFor(user.id, now, "i")} ${offered(state, excluded, "i")}
        ORDER BY i."queueId", i."state", i."dueAt" LIMIT 1) AS "overdueAt",
      (SELECT i."priority" FROM "Item" i WHERE i."queueId" = m."queueId" AND i."state" = ${stateSql(state)} AND ${freeFor(user.id, now, "i")} ${offered(state, excluded, "i")}
        ORDER BY i."queueId", i."state", i."priority" DESC, i."firstFlaggedAt" LIMIT 1) AS "top"
    FROM "QueueMember" m JOIN "Queue" q ON q."id" = m."queueId"
    WHERE m."userId" = ${user.id} AND q."open" = ${true} AND q."deletedAt" IS NULL ${queueId ? Prisma.sql`AND m."queueId" = ${queueId}` : Prisma.empty}`,
  );
  return { held, assigned, lanes: Prisma.sql`${Prisma.join(lanes, " UNION ALL ")}` };
}

type LaneHead = { queueId: string; state: OpenState; overdueAt: unknown; top: unknown };

/** The claim statements in the order to try them: an assignment, overdue lanes by deadline, then lanes by priority. */
function claimOrder(
  assignedId: string | null,
  heads: LaneHead[],
  user: Claimer,
  claimId: string,
  now: Date,
  expires: Date,
  states: OpenState[],
  excluded: Excluded = [],
) {
  const order: Prisma.Sql[] = [];
  if (assignedId) order.push(claimByIdStatement(assignedId, user, claimId, now, expires, states, undefined, excluded));
  const time = (v: unknown) => (v instanceof Date ? v.getTime() : Number(v));
  const overdue = heads.filter((h) => h.overdueAt !== null).sort((a, b) => time(a.overdueAt) - time(b.overdueAt));
  for (const h of overdue) order.push(claimStatements(h, user, claimId, now, expires, excluded).overdue);
  const waiting = heads.filter((h) => h.top !== null).sort((a, b) => Number(b.top) - Number(a.top));
  for (const h of waiting) order.push(claimStatements(h, user, claimId, now, expires, excluded).byPriority);
  return order;
}

function scopeOf(user: Claimer, scope: ClaimScope | OpenState | undefined): { states: OpenState[]; queueId?: string; excluded: Excluded } {
  const s: ClaimScope = typeof scope === "string" ? { state: scope } : (scope ?? {});
  const workable = workableStates(user.role as Role);
  return { states: s.state ? workable.filter((w) => w === s.state) : workable, queueId: s.queueId, excluded: [...new Set(s.excludeReasons ?? [])] };
}

/**
 * Leases the best item the user may take, or returns the live lease they already hold: a user holds
 * at most one item at a time, however many tabs press "Next item" at once. "Next item" draws from
 * the open queues the user is a member of (or the one they chose): an item assigned to them first,
 * then overdue items across their queues by deadline, then by priority and age. One transaction takes
 * the user's turn, reads the lanes' heads, runs the claim statements in order until one takes an item,
 * closes a lapsed earlier claim on it, records the Claim row and seals its audit event: synchronously
 * on SQLite, and on PostgreSQL in three round trips with the Claim row and the event sent with the COMMIT.
 */
export async function claimNext(user: Claimer, scope?: ClaimScope | OpenState): Promise<ClaimedItem | null> {
  const now = currentTime();
  const claimId = newId();
  const expires = new Date(now.getTime() + leaseMs());
  const { states, queueId, excluded } = scopeOf(user, scope);
  if (states.length === 0) return null;
  const event = (itemId: string, queue: string) =>
    prepareAuditEvent(
      { actor: actorOf(user), action: "item.claimed", subjectType: "item", subjectId: itemId, payload: { itemId, claimId, queue, leaseExpiresAt: expires } },
      now,
    );
  if (dialect === "sqlite") {
    const reads = claimReads(user, states, queueId, now, excluded);
    const run = <R>(conn: SqliteTx, q: Prisma.Sql) => conn.prepare(q.sql).all(...q.values.map(sqliteValue)) as R[];
    // The lanes' heads only order the attempts (each claim statement checks again), so they are read
    // before the write lock is taken: the lock is then held for the claim itself.
    const heads = await sqliteRead((conn) => run<LaneHead>(conn, reads.lanes));
    return sqliteWrite((conn) => {
      const [held] = run<{ id: string; claimId: string; leaseExpiresAt: number }>(conn, reads.held);
      if (held) return { itemId: held.id, claimId: held.claimId, leaseExpiresAt: new Date(held.leaseExpiresAt) };
      const [assigned] = run<{ id: string }>(conn, reads.assigned);
      for (const statement of claimOrder(assigned?.id ?? null, heads, user, claimId, now, expires, states, excluded)) {
        const row = conn.prepare(statement.sql).get(...statement.values.map(sqliteValue)) as ClaimedRow | undefined;
        if (!row) continue;
        if (row.lapsed === 1) conn.prepare(CLOSE_LAPSED).run(sqliteValue(now), CLAIM_END.expired, row.id);
        conn.prepare(INSERT_CLAIM).run(claimId, row.id, user.id, sqliteValue(now), sqliteValue(expires));
        sealOnSqlite(conn, [event(row.id, row.queueId)]);
        return { itemId: row.id, claimId, leaseExpiresAt: expires };
      }
      return null;
    });
  }
  // docket_claim_next knows nothing of excluded reasons: a claim that holds some back takes the
  // general path, with the same reads and statements and the same order.
  if (excluded.length > 0) return claimNextExcluding(user, states, queueId, excluded, claimId, now, expires);
  // The claimer's user row is locked first (one claim at a time per user, across processes), then
  // docket_claim_next (migration 090) runs the same reads and statements with cached plans; the
  // Claim row and the audit event go with the COMMIT: two round trips.
  const claimNextSql = `SELECT * FROM "docket_claim_next"(${[user.id, claimId, now, expires].map(literal).join(", ")},
    ARRAY[${states.map((s) => literal(s)).join(", ")}]::"ItemState"[], ${literal(queueId ?? null)}::text)`;
  return pgWrite(
    async (tx) => {
      const [, [row]] = tx.begun as [unknown[], ClaimNextRow[]];
      if (!row) return null;
      if (row.kind === "held") return { itemId: row.item_id, claimId: row.claim_id, leaseExpiresAt: row.lease_expires };
      await tx.commitWith(
        [
          ...(Number(row.lapsed) === 1 ? [withLiterals(CLOSE_LAPSED, [now, CLAIM_END.expired, row.item_id])] : []),
          withLiterals(INSERT_CLAIM, [claimId, row.item_id, user.id, now, expires]),
          sealOnPostgresSql(event(row.item_id, row.queue_id)),
        ].join(";\n"),
      );
      return { itemId: row.item_id, claimId, leaseExpiresAt: expires };
    },
    { begin: [`SELECT 1 FROM "User" WHERE "id" = ${literal(user.id)} FOR NO KEY UPDATE`, claimNextSql].join(";\n") },
  );
}

/**
 * claimNext on PostgreSQL for a claim that holds some reasons back: in one transaction, the
 * claimer's row lock, the lease they hold, then their assignment, overdue lanes by deadline and
 * lanes by priority, each claim statement skipping the excluded reasons in pending lanes.
 */
async function claimNextExcluding(
  user: Claimer,
  states: OpenState[],
  queueId: string | undefined,
  excluded: Excluded,
  claimId: string,
  now: Date,
  expires: Date,
): Promise<ClaimedItem | null> {
  return transaction(async (tx) => {
    await lockClaimer(tx, user.id);
    const reads = claimReads(user, states, queueId, now, excluded);
    const [held] = await tx.$queryRaw<{ id: string; claimId: string; leaseExpiresAt: Date }[]>(reads.held);
    if (held) return { itemId: held.id, claimId: held.claimId, leaseExpiresAt: new Date(held.leaseExpiresAt) };
    const [assigned] = await tx.$queryRaw<{ id: string }[]>(reads.assigned);
    const heads = await tx.$queryRaw<LaneHead[]>(reads.lanes);
    for (const statement of claimOrder(assigned?.id ?? null, heads, user, claimId, now, expires, states, excluded)) {
      const [row] = await tx.$queryRaw<{ id: string; queueId: string; lapsed: number | bigint }[]>(statement);
      if (!row) continue;
      await recordClaim(tx, user, row.id, claimId, now, expires, row.queueId, Number(row.lapsed) === 1);
      return { itemId: row.id, claimId, leaseExpiresAt: expires };
    }
    return null;
  });
}

type ClaimNextRow = { kind: "held" | "claimed"; item_id: string; claim_id: string; lease_expires: Date; queue_id: string; lapsed: number };

const CLOSE_LAPSED = `UPDATE "Claim" SET "endedAt" = ?, "endReason" = ? WHERE "itemId" = ? AND "endedAt" IS NULL`;
const INSERT_CLAIM = `INSERT INTO "Claim" ("id", "itemId", "userId", "claimedAt", "expiresAt") VALUES (?, ?, ?, ?, ?)`;

type ClaimedRow = { id: string; queueId: string; lapsed: number };

/** Why a named item cannot be claimed by this user, or null when it can. */
export type ClaimRefusal = "not_found" | "not_open" | "not_member" | "unrouted" | "assigned" | "held" | "at_limit";

/**
 * Claims one named item (the review screen's "claim" button) when it is free and waits in an open
 * queue the user is a member of, in a state they may work, and is not assigned to someone else. A
 * user who already holds an item gets that lease back instead (its itemId is then not the one asked for).
 */
export async function claimItem(user: Claimer, itemId: string): Promise<ClaimedItem | null> {
  const outcome = await claimItemOrWhy(user, itemId);
  return "refused" in outcome ? null : outcome;
}

export async function claimItemOrWhy(
  user: Claimer,
  itemId: string,
  scope: Pick<ClaimScope, "excludeReasons"> = {},
): Promise<ClaimedItem | { refused: ClaimRefusal }> {
  return transaction(async (tx) => {
    const now = currentTime();
    await lockClaimer(tx, user.id);
    const held = await tx.item.findFirst({
      where: { claimedById: user.id, leaseExpiresAt: { gt: now } },
      select: { id: true, claimId: true, leaseExpiresAt: true },
      orderBy: { leaseExpiresAt: "desc" },
    });
    if (held?.claimId && held.leaseExpiresAt) return { itemId: held.id, claimId: held.claimId, leaseExpiresAt: held.leaseExpiresAt };
    const item = await tx.item.findUnique({
      where: { id: itemId },
      select: { state: true, queueId: true, assignedToId: true, leaseExpiresAt: true, topReason: true },
    });
    if (!item) return { refused: "not_found" };
    const state = item.state;
    if (!isOpen(state) || !workableStates(user.role as Role).includes(state)) return { refused: "not_open" };
    // The care cap holds back pending work of these reasons, whichever way it is asked for.
    if (state === INITIAL_STATE && scope.excludeReasons?.includes(item.topReason)) return { refused: "at_limit" };
    if (!item.queueId) return { refused: "unrouted" };
    const member = await tx.queueMember.findFirst({ where: { userId: user.id, queueId: item.queueId, queue: { open: true, deletedAt: null } } });
    if (!member) return { refused: "not_member" };
    if (item.assignedToId && item.assignedToId !== user.id) return { refused: "assigned" };
    const claimId = newId();
    const expires = new Date(now.getTime() + leaseMs());
    const [row] = await tx.$queryRaw<{ id: string; lapsed: number | bigint }[]>(claimByIdStatement(itemId, user, claimId, now, expires, [state], item.queueId));
    if (!row) return { refused: "held" };
    await recordClaim(tx, user, itemId, claimId, now, expires, item.queueId, Number(row.lapsed) === 1);
    return { itemId, claimId, leaseExpiresAt: expires };
  });
}

/**
 * Serialises one user's claims, inside the claim's transaction: on PostgreSQL by locking the
 * user's row until commit; on SQLite the transaction already holds the database's write lock.
 * Whatever the user holds when this returns cannot change under the claim that follows.
 */
export async function lockClaimer(tx: Tx, userId: string) {
  if (dialect === "postgresql") await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId} FOR NO KEY UPDATE`;
}

// Raw statements: claiming is the hottest write path and the ORM's per-call cost is several times the statement's.
async function recordClaim(tx: Tx, user: Claimer, itemId: string, claimId: string, now: Date, expires: Date, queue: string, lapsed: boolean) {
  if (lapsed) await tx.$executeRaw`UPDATE "Claim" SET "endedAt" = ${now}, "endReason" = ${CLAIM_END.expired} WHERE "itemId" = ${itemId} AND "endedAt" IS NULL`;
  await tx.$executeRaw`INSERT INTO "Claim" ("id", "itemId", "userId", "claimedAt", "expiresAt") VALUES (${claimId}, ${itemId}, ${user.id}, ${now}, ${expires})`;
  await appendAuditEvent(tx, {
    actor: actorOf(user),
    action: "item.claimed",
    subjectType: "item",
    subjectId: itemId,
    payload: { itemId, claimId, queue, leaseExpiresAt: expires },
  });
}

/** Extends a live lease the user holds; false when it has lapsed or passed to someone else. */
export async function renewLease(user: { id: string }, itemId: string, claimId: string): Promise<Date | null> {
  const now = currentTime();
  const expires = new Date(now.getTime() + leaseMs());
  const { count } = await db.item.updateMany({
    where: { id: itemId, claimId, claimedById: user.id, leaseExpiresAt: { gt: now } },
    data: { leaseExpiresAt: expires },
  });
  if (count !== 1) return null;
  await db.claim.updateMany({ where: { id: claimId, endedAt: null }, data: { expiresAt: expires } });
  return expires;
}

/** The user's live lease, if any: what "next item" returns them to. */
export async function currentClaim(userId: string): Promise<ClaimedItem | null> {
  const item = await db.item.findFirst({
    where: { claimedById: userId, leaseExpiresAt: { gt: currentTime() }, state: { in: [...OPEN_STATES] } },
    select: { id: true, claimId: true, leaseExpiresAt: true },
    orderBy: { leaseExpiresAt: "desc" },
  });
  return item && item.claimId && item.leaseExpiresAt ? { itemId: item.id, claimId: item.claimId, leaseExpiresAt: item.leaseExpiresAt } : null;
}

export type EndKind = Extract<ClaimEndReason, "released" | "skipped" | "lead_released">;

/**
 * Ends a lease early. The holder may release or skip (a skipped item is not offered to them
 * again); a lead may release anyone's. Returns false when the lease is no longer live.
 */
export async function endClaim(user: Claimer, input: { itemId: string; claimId: string; kind: EndKind; reason: string }): Promise<boolean> {
  const now = currentTime();
  const byLead = input.kind === CLAIM_END.leadReleased;
  const event = (holderId: string) =>
    prepareAuditEvent(
      {
        actor: actorOf(user),
        action: input.kind === CLAIM_END.skipped ? "claim.skipped" : "claim.released",
        subjectType: "item",
        subjectId: input.itemId,
        payload: { itemId: input.itemId, claimId: input.claimId, holderId, reason: input.reason, byLead },
      },
      now,
    );
  // The holder may end only their own lease; a lead may end anyone's.
  const holder = byLead ? null : user.id;
  // An assignee who skips their assignment gives it back to the queue: otherwise Next item would
  // offer it to them again, and nobody else could take it.
  const skipping = input.kind === CLAIM_END.skipped;
  const unassigned = (assigneeId: string) =>
    prepareAuditEvent(
      {
        actor: actorOf(user),
        action: "item.unassigned",
        subjectType: "item",
        subjectId: input.itemId,
        payload: { itemId: input.itemId, assigneeId, reason: `Skipped by the assignee: ${input.reason}` },
      },
      now,
    );
  if (dialect === "sqlite") {
    return sqliteWrite((conn) => {
      const row = conn
        .prepare(
          `SELECT "claimedById" AS "holderId", "assignedToId" FROM "Item" WHERE "id" = ? AND "claimId" = ? AND "leaseExpiresAt" > ? AND (? IS NULL OR "claimedById" = ?)`,
        )
        .get(input.itemId, input.claimId, sqliteValue(now), holder, holder) as { holderId: string; assignedToId: string | null } | undefined;
      if (!row) return false;
      const giveBack = skipping && row.assignedToId === row.holderId;
      conn
        .prepare(
          `UPDATE "Item" SET "claimId" = NULL, "claimedById" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = ?,
             "assignedToId" = CASE WHEN ? = 1 THEN NULL ELSE "assignedToId" END, "assignedAt" = CASE WHEN ? = 1 THEN NULL ELSE "assignedAt" END
           WHERE "id" = ?`,
        )
        .run(sqliteValue(now), Number(giveBack), Number(giveBack), input.itemId);
      conn
        .prepare(`UPDATE "Claim" SET "endedAt" = ?, "endReason" = ?, "note" = ? WHERE "id" = ? AND "endedAt" IS NULL`)
        .run(sqliteValue(now), input.kind, input.reason, input.claimId);
      sealOnSqlite(conn, giveBack ? [event(row.holderId), unassigned(row.holderId)] : [event(row.holderId)]);
      return true;
    });
  }
  // The item is locked with BEGIN, so whether its assignee is the one skipping cannot change before the update.
  return pgWrite(
    async (tx) => {
      const [[locked]] = tx.begun as [{ claimedById: string | null; assignedToId: string | null }[]];
      const giveBack = skipping && !!locked?.assignedToId && locked.assignedToId === locked.claimedById;
      const [row] = await tx.query<{ holderId: string }>(
        `WITH "freed" AS (
           UPDATE "Item" SET "claimId" = NULL, "claimedById" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = $1,
             "assignedToId" = CASE WHEN $7 THEN NULL ELSE "assignedToId" END, "assignedAt" = CASE WHEN $7 THEN NULL ELSE "assignedAt" END
           WHERE "id" = $2 AND "claimId" = $3 AND "leaseExpiresAt" > $1 AND ($4::text IS NULL OR "claimedById" = $4)
           RETURNING (SELECT "userId" FROM "Claim" WHERE "id" = $3) AS "holderId"),
         "ended" AS (UPDATE "Claim" SET "endedAt" = $1, "endReason" = $5, "note" = $6 WHERE "id" = $3 AND "endedAt" IS NULL AND EXISTS (SELECT 1 FROM "freed"))
         SELECT "holderId" FROM "freed"`,
        [now, input.itemId, input.claimId, holder, input.kind, input.reason, giveBack].map(pgValue),
      );
      if (!row) return false;
      await tx.commitWith([sealOnPostgresSql(event(row.holderId)), ...(giveBack ? [sealOnPostgresSql(unassigned(row.holderId))] : [])].join(";\n"));
      return true;
    },
    { begin: withLiterals(`SELECT "claimedById", "assignedToId" FROM "Item" WHERE "id" = ? FOR NO KEY UPDATE`, [input.itemId]) },
  );
}

/** Every live lease, for the leads' "who holds what" screen. */
export async function liveClaims() {
  const now = currentTime();
  const items = await db.item.findMany({
    where: { leaseExpiresAt: { gt: now }, claimId: { not: null } },
    select: {
      id: true,
      externalId: true,
      title: true,
      state: true,
      claimId: true,
      leaseExpiresAt: true,
      dueAt: true,
      claimedById: true,
      strongestSource: true,
      queueId: true,
    },
    orderBy: { leaseExpiresAt: "asc" },
    take: 500,
  });
  const users = await db.user.findMany({
    where: { id: { in: [...new Set(items.map((i) => i.claimedById!))] } },
    select: { id: true, email: true, name: true },
  });
  const byId = new Map(users.map((u) => [u.id, u]));
  const claims = await db.claim.findMany({ where: { id: { in: items.map((i) => i.claimId!) } }, select: { id: true, claimedAt: true } });
  const claimedAt = new Map(claims.map((c) => [c.id, c.claimedAt]));
  return items.map((i) => ({ ...i, holder: byId.get(i.claimedById!) ?? null, claimedAt: claimedAt.get(i.claimId!) ?? null }));
}

/** Which queue an item belongs to, so skipping an escalation leads to the next escalation. */
export async function queueOf(itemId: string): Promise<QueueName> {
  const item = await db.item.findUnique({ where: { id: itemId }, select: { state: true } });
  return item?.state === ESCALATED_STATE ? ESCALATED_STATE : INITIAL_STATE;
}

/**
 * Ends every live lease a user holds, inside the caller's transaction (an admin disabling the
 * account or changing its role). The caller's audit event records how many items were freed.
 */
export async function releaseLeasesOf(tx: Tx, userId: string, note: string): Promise<number> {
  const now = currentTime();
  const held = await tx.item.findMany({ where: { claimedById: userId, leaseExpiresAt: { gt: now } }, select: { id: true, claimId: true } });
  if (held.length === 0) return 0;
  await tx.item.updateMany({
    where: { id: { in: held.map((h) => h.id) }, claimedById: userId },
    data: { claimId: null, claimedById: null, leaseExpiresAt: null },
  });
  await tx.claim.updateMany({
    where: { id: { in: held.map((h) => h.claimId).filter((c): c is string => !!c) }, endedAt: null },
    data: { endedAt: now, endReason: CLAIM_END.leadReleased, note },
  });
  return held.length;
}
