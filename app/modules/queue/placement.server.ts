// Reads about where items wait: a user's queues with their waiting and overdue counts and earliest
// deadline, what is assigned to them, the unrouted list, and one item's placement for a lead. Counts
// come from the trigger-kept QueueOpenCount rows and from index ranges led by the queue, never from
// counting the table.
import { db, Prisma } from "~/db.server.ts";
import { can, type Role } from "~/modules/auth/capabilities.ts";
import { OPEN_STATES } from "~/modules/items/lifecycle.ts";
import { openCountsByQueue } from "./open-counts.server.ts";

const openStatesSql = Prisma.raw(OPEN_STATES.map((s) => `'${s}'`).join(", "));

export type QueueFigures = { id: string; name: string; description: string; open: boolean; waiting: number; overdue: number; earliestDueAt: Date | null };

/** How many open items wait unrouted. */
export async function unroutedCount(): Promise<number> {
  return (await openCountsByQueue()).get("") ?? 0;
}

/**
 * Waiting, overdue and earliest deadline of some queues. Overdue and the earliest deadline are
 * ranges of the (queueId, state, dueAt) index, one per queue and open state.
 */
export async function queueFigures(queueIds: string[], now: Date): Promise<Map<string, Omit<QueueFigures, "name" | "description" | "open">>> {
  const out = new Map<string, Omit<QueueFigures, "name" | "description" | "open">>();
  if (queueIds.length === 0) return out;
  const counts = await openCountsByQueue();
  const ids = Prisma.join(queueIds);
  const [overdue, earliest] = await Promise.all([
    db.$queryRaw<{ queueId: string; n: number | bigint }[]>`
      SELECT "queueId", COUNT(*) AS "n" FROM "Item" WHERE "queueId" IN (${ids}) AND "state" IN (${openStatesSql}) AND "dueAt" <= ${now} GROUP BY "queueId"`,
    db.$queryRaw<{ queueId: string; dueAt: Date | number | bigint | null }[]>`
      SELECT q."id" AS "queueId", (SELECT MIN(i."dueAt") FROM "Item" i WHERE i."queueId" = q."id" AND i."state" IN (${openStatesSql}) AND i."dueAt" IS NOT NULL) AS "dueAt"
      FROM "Queue" q WHERE q."id" IN (${ids})`,
  ]);
  const overdueBy = new Map(overdue.map((r) => [r.queueId, Number(r.n)]));
  // An aggregate loses the column's type: SQLite answers the stored epoch milliseconds (a BigInt), PostgreSQL a Date.
  const earliestBy = new Map(earliest.map((r) => [r.queueId, r.dueAt === null ? null : new Date(typeof r.dueAt === "bigint" ? Number(r.dueAt) : r.dueAt)]));
  for (const id of queueIds) out.set(id, { id, waiting: counts.get(id) ?? 0, overdue: overdueBy.get(id) ?? 0, earliestDueAt: earliestBy.get(id) ?? null });
  return out;
}

/** The live queues a user is a member of, with their figures, open ones first. */
export async function myQueues(userId: string, now: Date): Promise<QueueFigures[]> {
  const queues = await db.queue.findMany({
    where: { deletedAt: null, members: { some: { userId } } },
    select: { id: true, name: true, description: true, open: true },
    orderBy: { name: "asc" },
  });
  const figures = await queueFigures(
    queues.map((q) => q.id),
    now,
  );
  return queues.map((q) => ({ ...q, ...figures.get(q.id)! })).sort((a, b) => Number(b.open) - Number(a.open) || a.name.localeCompare(b.name));
}

const itemRow = {
  id: true,
  externalId: true,
  title: true,
  state: true,
  strongestSource: true,
  topReason: true,
  dueAt: true,
  queueId: true,
  assignedAt: true,
  assignedToId: true,
  routeNote: true,
  claimedById: true,
  leaseExpiresAt: true,
  firstFlaggedAt: true,
} as const;

/** Open items assigned to the user, soonest deadline first. */
export async function assignedTo(userId: string) {
  return db.item.findMany({
    where: { assignedToId: userId, state: { in: [...OPEN_STATES] } },
    select: itemRow,
    orderBy: [{ dueAt: { sort: "asc", nulls: "last" } }, { priority: "desc" }],
    take: 100,
  });
}

export const UNROUTED_PAGE = 100;

/** Unrouted open items, soonest deadline first: the list a lead works through after fixing a rule. */
export async function unroutedItems() {
  const [items, total] = await Promise.all([
    db.item.findMany({
      where: { queueId: null, state: { in: [...OPEN_STATES] } },
      select: itemRow,
      orderBy: [{ dueAt: { sort: "asc", nulls: "last" } }, { firstFlaggedAt: "asc" }, { id: "asc" }],
      take: UNROUTED_PAGE,
    }),
    unroutedCount(),
  ]);
  return { items, total };
}

/** The live queues, for a lead choosing where to move an item. */
export async function liveQueues() {
  return db.queue.findMany({ where: { deletedAt: null }, select: { id: true, name: true, open: true }, orderBy: { name: "asc" } });
}

/** One item's placement for a lead: its queue, assignee, holder, the queue's members and every live queue. */
export async function itemPlacement(itemId: string) {
  const item = await db.item.findUnique({ where: { id: itemId }, select: { ...itemRow, claimId: true, routedBy: true } });
  if (!item) return null;
  const [queue, members, queues, people] = await Promise.all([
    item.queueId ? db.queue.findUnique({ where: { id: item.queueId }, select: { id: true, name: true, open: true, deletedAt: true } }) : null,
    item.queueId
      ? db.queueMember.findMany({
          where: { queueId: item.queueId, user: { disabled: false } },
          select: { user: { select: { id: true, name: true, email: true, role: true } } },
          orderBy: { user: { name: "asc" } },
        })
      : [],
    liveQueues(),
    db.user.findMany({
      where: { id: { in: [item.assignedToId, item.claimedById].filter((x): x is string => !!x) } },
      select: { id: true, name: true, email: true },
    }),
  ]);
  const person = (id: string | null) => people.find((p) => p.id === id) ?? null;
  // Only members who may decide the item in its state can be given it (an escalation needs a lead).
  const capability = item.state === "escalated" ? "escalations:decide" : "queue:review";
  const eligible = members.map((m) => m.user).filter((u) => can(u.role as Role, capability));
  return { item, queue, members: eligible, queues, assignee: person(item.assignedToId), holder: person(item.claimedById) };
}

/** Assigned items that nobody holds yet, for the leads' claims screen. */
export async function waitingAssignments() {
  const items = await db.item.findMany({
    where: { assignedToId: { not: null }, state: { in: [...OPEN_STATES] } },
    select: itemRow,
    orderBy: [{ assignedAt: "asc" }],
    take: 500,
  });
  const users = await db.user.findMany({
    where: { id: { in: [...new Set(items.map((i) => i.assignedToId!))] } },
    select: { id: true, name: true, email: true },
  });
  const byId = new Map(users.map((u) => [u.id, u]));
  return items.map((i) => ({ ...i, assignee: byId.get(i.assignedToId!) ?? null }));
}

/** Queue names by id (deleted ones included: old items and the log still name them). */
export async function queueNames(): Promise<Record<string, string>> {
  const queues = await db.queue.findMany({ select: { id: true, name: true } });
  return Object.fromEntries(queues.map((q) => [q.id, q.name]));
}
