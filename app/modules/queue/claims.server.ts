import { db, dialect, Prisma, transaction, type Tx } from "~/db.server.ts";
import { literal, pgValue, pgWrite, type SqliteTx, sqliteValue, sqliteWrite, withLiterals } from "~/db-direct.server.ts";
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

/** Which queue a claimer draws from: each open state is one (moderators take pending items, policy leads escalated ones). */
export type QueueName = OpenState;

export type Claimer = { id: string; email: string; role: string };

export type ClaimedItem = { itemId: string; claimId: string; leaseExpiresAt: Date };

export const leaseMs = () => env.DOCKET_LEASE_SECONDS * 1000;

const actorOf = (user: Claimer): Actor => ({ kind: "user", id: user.id, email: user.email, role: user.role });
// A literal, not a parameter: PostgreSQL compares it with the state enum, and the planner picks the (state, ...) index for it.
const stateSql = (queue: QueueName) => {
  if (!isOpen(queue)) throw new Error(`not a queue: ${String(queue)}`);
  return Prisma.raw(`'${queue}'`);
};
const skipLocked = () => Prisma.raw(dialect === "postgresql" ? "FOR UPDATE SKIP LOCKED" : "");

/**
 * The claim statements. Overdue items go first (walking the (state, dueAt) index from the oldest
 * deadline), then the rest by priority and age (walking (state, priority DESC, firstFlaggedAt)).
 * Each statement picks and leases one row atomically: SQLite holds the write lock for the whole
 * statement, PostgreSQL locks the chosen row and lets other claimers skip past it.
 */
export function claimStatements(queue: QueueName, user: { id: string }, claimId: string, now: Date, expires: Date, options: { unlessHolding?: boolean } = {}) {
  // Claiming for a user who already holds an item of this queue picks nothing (they get that item back instead).
  const notHolding = options.unlessHolding
    ? Prisma.sql`AND NOT EXISTS (SELECT 1 FROM "Item" h WHERE h."claimedById" = ${user.id} AND h."state" = ${stateSql(queue)} AND h."leaseExpiresAt" > ${now})`
    : Prisma.empty;
  const available = Prisma.sql`"state" = ${stateSql(queue)}
      AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})
      AND NOT EXISTS (SELECT 1 FROM "Claim" s WHERE s."itemId" = "Item"."id" AND s."userId" = ${user.id} AND s."endReason" = ${CLAIM_END.skipped})
      ${notHolding}`;
  const set = Prisma.sql`UPDATE "Item" SET "claimId" = ${claimId}, "claimedById" = ${user.id}, "leaseExpiresAt" = ${expires}, "updatedAt" = ${now}`;
  const guard = Prisma.sql`AND "state" = ${stateSql(queue)} AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})`;
  // Whether an earlier claim on the item is still open (its lease lapsed): only then is there one to close.
  const returning = Prisma.sql`RETURNING "id", CASE WHEN EXISTS (SELECT 1 FROM "Claim" c WHERE c."itemId" = "Item"."id" AND c."endedAt" IS NULL) THEN 1 ELSE 0 END AS "lapsed"`;
  const overdue = Prisma.sql`${set} WHERE "id" = (
      SELECT "id" FROM "Item" WHERE ${available} AND "dueAt" <= ${now}
      ORDER BY "state", "dueAt" LIMIT 1 ${skipLocked()}) ${guard} ${returning}`;
  const byPriority = Prisma.sql`${set} WHERE "id" = (
      SELECT "id" FROM "Item" WHERE ${available}
      ORDER BY "state", "priority" DESC, "firstFlaggedAt" LIMIT 1 ${skipLocked()}) ${guard} ${returning}`;
  return [overdue, byPriority];
}

/**
 * Serialises one user's claims, inside the claim's transaction: on PostgreSQL by locking the
 * user's row until commit; on SQLite the transaction already holds the database's write lock.
 * Whatever the user holds when this returns cannot change under the claim that follows.
 */
async function lockClaimer(tx: Tx, userId: string) {
  if (dialect === "postgresql") await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId} FOR NO KEY UPDATE`;
}

/** The live lease a user holds in a queue, read inside the claim's transaction. */
async function heldIn(tx: Tx, userId: string, queue: QueueName, now: Date): Promise<ClaimedItem | null> {
  const item = await tx.item.findFirst({
    where: { claimedById: userId, leaseExpiresAt: { gt: now }, state: queue },
    select: { id: true, claimId: true, leaseExpiresAt: true },
    orderBy: { leaseExpiresAt: "desc" },
  });
  return item && item.claimId && item.leaseExpiresAt ? { itemId: item.id, claimId: item.claimId, leaseExpiresAt: item.leaseExpiresAt } : null;
}

/**
 * Leases the best available item to the user, or returns the live lease they already hold in this
 * queue: a user holds at most one item of a queue, however many tabs press "Next item" at once.
 * One transaction takes the user's turn, runs the claim statement, closes a lapsed earlier claim
 * on the item, records the new Claim row and seals its audit event: synchronously on SQLite, and
 * on PostgreSQL with the Claim row and the event sent with the COMMIT, so the audit head is locked
 * only for that last round trip.
 */
export async function claimNext(user: Claimer, queue: QueueName = INITIAL_STATE): Promise<ClaimedItem | null> {
  const now = new Date();
  const claimId = newId();
  const expires = new Date(now.getTime() + leaseMs());
  const statements = claimStatements(queue, user, claimId, now, expires, { unlessHolding: true });
  const event = (itemId: string) =>
    prepareAuditEvent(
      { actor: actorOf(user), action: "item.claimed", subjectType: "item", subjectId: itemId, payload: { itemId, claimId, queue, leaseExpiresAt: expires } },
      now,
    );
  if (dialect === "sqlite") {
    return sqliteWrite((conn) => {
      for (const statement of statements) {
        const row = conn.prepare(statement.sql).get(...statement.values.map(sqliteValue)) as { id: string; lapsed: number } | undefined;
        if (!row) continue;
        if (row.lapsed === 1) conn.prepare(CLOSE_LAPSED).run(sqliteValue(now), CLAIM_END.expired, row.id);
        conn.prepare(INSERT_CLAIM).run(claimId, row.id, user.id, sqliteValue(now), sqliteValue(expires));
        sealOnSqlite(conn, [event(row.id)]);
        return { itemId: row.id, claimId, leaseExpiresAt: expires };
      }
      return heldOnSqlite(conn, user.id, queue, now);
    });
  }
  // The claimer's user row is locked with BEGIN: one claim at a time per user, across processes.
  return pgWrite(
    async (tx) => {
      for (const statement of statements) {
        const [row] = await tx.query<{ id: string; lapsed: number }>(statement.text, statement.values.map(pgValue));
        if (!row) continue;
        await tx.commitWith(
          [
            ...(Number(row.lapsed) === 1 ? [withLiterals(CLOSE_LAPSED, [now, CLAIM_END.expired, row.id])] : []),
            withLiterals(INSERT_CLAIM, [claimId, row.id, user.id, now, expires]),
            sealOnPostgresSql(event(row.id)),
          ].join(";\n"),
        );
        return { itemId: row.id, claimId, leaseExpiresAt: expires };
      }
      const [held] = await tx.query<{ id: string; claimId: string; leaseExpiresAt: Date }>(HELD.postgresql, [user.id, queue, pgValue(now)]);
      return held ? { itemId: held.id, claimId: held.claimId, leaseExpiresAt: held.leaseExpiresAt } : null;
    },
    { begin: `SELECT 1 FROM "User" WHERE "id" = ${literal(user.id)} FOR NO KEY UPDATE` },
  );
}

// The statements of a claim on the direct connections, per engine.
const HELD = {
  sqlite: `SELECT "id", "claimId", "leaseExpiresAt" FROM "Item" WHERE "claimedById" = ? AND "state" = ? AND "leaseExpiresAt" > ? ORDER BY "leaseExpiresAt" DESC LIMIT 1`,
  postgresql: `SELECT "id", "claimId", "leaseExpiresAt" FROM "Item" WHERE "claimedById" = $1 AND "state" = CAST($2 AS "ItemState") AND "leaseExpiresAt" > $3 ORDER BY "leaseExpiresAt" DESC LIMIT 1`,
};
const CLOSE_LAPSED = `UPDATE "Claim" SET "endedAt" = ?, "endReason" = ? WHERE "itemId" = ? AND "endedAt" IS NULL`;
const INSERT_CLAIM = `INSERT INTO "Claim" ("id", "itemId", "userId", "claimedAt", "expiresAt") VALUES (?, ?, ?, ?, ?)`;

function heldOnSqlite(conn: SqliteTx, userId: string, queue: QueueName, now: Date): ClaimedItem | null {
  const held = conn.prepare(HELD.sqlite).get(userId, queue, sqliteValue(now)) as { id: string; claimId: string; leaseExpiresAt: number } | undefined;
  return held ? { itemId: held.id, claimId: held.claimId, leaseExpiresAt: new Date(held.leaseExpiresAt) } : null;
}

/**
 * Claims one named item (the review screen's "claim" button, or a lead taking over) when it is free
 * and in a queue the user may work. A user who already holds an item of that queue gets that
 * lease back instead (its itemId is then not the one asked for).
 */
export async function claimItem(user: Claimer, itemId: string): Promise<ClaimedItem | null> {
  return transaction(async (tx) => {
    const now = new Date();
    await lockClaimer(tx, user.id);
    const item = await tx.item.findUnique({ where: { id: itemId }, select: { state: true } });
    const queue = item?.state;
    if (!queue || !isOpen(queue) || !workableStates(user.role as Role).includes(queue)) return null;
    const held = await heldIn(tx, user.id, queue, now);
    if (held) return held;
    const claimId = newId();
    const expires = new Date(now.getTime() + leaseMs());
    const { count } = await tx.item.updateMany({
      where: { id: itemId, state: queue, OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] },
      data: { claimId, claimedById: user.id, leaseExpiresAt: expires },
    });
    if (count !== 1) return null;
    await recordClaim(tx, user, itemId, claimId, now, expires, queue, true);
    return { itemId, claimId, leaseExpiresAt: expires };
  });
}

// Raw statements: claiming is the hottest write path and the ORM's per-call cost is several times the statement's.
async function recordClaim(tx: Tx, user: Claimer, itemId: string, claimId: string, now: Date, expires: Date, queue: QueueName, lapsed: boolean) {
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
  const now = new Date();
  const expires = new Date(now.getTime() + leaseMs());
  const { count } = await db.item.updateMany({
    where: { id: itemId, claimId, claimedById: user.id, leaseExpiresAt: { gt: now } },
    data: { leaseExpiresAt: expires },
  });
  if (count !== 1) return null;
  await db.claim.updateMany({ where: { id: claimId, endedAt: null }, data: { expiresAt: expires } });
  return expires;
}

/** The user's live lease (in one queue, or in any), if any: what "next item" returns them to. */
export async function currentClaim(userId: string, queue?: QueueName): Promise<ClaimedItem | null> {
  const item = await db.item.findFirst({
    where: { claimedById: userId, leaseExpiresAt: { gt: new Date() }, state: queue ?? { in: [...OPEN_STATES] } },
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
  const now = new Date();
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
  if (dialect === "sqlite") {
    return sqliteWrite((conn) => {
      const row = conn
        .prepare(
          `SELECT "claimedById" AS "holderId" FROM "Item" WHERE "id" = ? AND "claimId" = ? AND "leaseExpiresAt" > ? AND (? IS NULL OR "claimedById" = ?)`,
        )
        .get(input.itemId, input.claimId, sqliteValue(now), holder, holder) as { holderId: string } | undefined;
      if (!row) return false;
      conn
        .prepare(`UPDATE "Item" SET "claimId" = NULL, "claimedById" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = ? WHERE "id" = ?`)
        .run(sqliteValue(now), input.itemId);
      conn
        .prepare(`UPDATE "Claim" SET "endedAt" = ?, "endReason" = ?, "note" = ? WHERE "id" = ? AND "endedAt" IS NULL`)
        .run(sqliteValue(now), input.kind, input.reason, input.claimId);
      sealOnSqlite(conn, [event(row.holderId)]);
      return true;
    });
  }
  return pgWrite(async (tx) => {
    const [row] = await tx.query<{ holderId: string }>(
      `WITH "freed" AS (
         UPDATE "Item" SET "claimId" = NULL, "claimedById" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = $1
         WHERE "id" = $2 AND "claimId" = $3 AND "leaseExpiresAt" > $1 AND ($4::text IS NULL OR "claimedById" = $4)
         RETURNING (SELECT "userId" FROM "Claim" WHERE "id" = $3) AS "holderId"),
       "ended" AS (UPDATE "Claim" SET "endedAt" = $1, "endReason" = $5, "note" = $6 WHERE "id" = $3 AND "endedAt" IS NULL AND EXISTS (SELECT 1 FROM "freed"))
       SELECT "holderId" FROM "freed"`,
      [now, input.itemId, input.claimId, holder, input.kind, input.reason].map(pgValue),
    );
    if (!row) return false;
    await tx.commitWith(sealOnPostgresSql(event(row.holderId)));
    return true;
  });
}

/** Every live lease, for the leads' "who holds what" screen. */
export async function liveClaims() {
  const now = new Date();
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
  const now = new Date();
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
