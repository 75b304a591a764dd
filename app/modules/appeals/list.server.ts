import { currentTime } from "~/modules/clock/clock.ts";
import { db, type Prisma } from "~/db.server.ts";

export const APPEAL_PAGE = 100;

export type AppealFilter = {
  state?: "open" | "decided";
  queueId?: string | "unrouted";
  overdue?: boolean;
  /**
   * For a reviewer who reads no other appeals: the ones waiting in their queues and the ones they
   * answered (what the appeal page lets them open).
   */
  visibleTo?: { userId: string; queueIds: string[] };
};

/** Appeals for the leads' list: open ones by deadline (overdue first), decided ones latest first. */
export async function appealList(filter: AppealFilter, now: Date = currentTime()) {
  const where: Prisma.AppealWhereInput = {
    ...(filter.state ? { state: filter.state } : {}),
    ...(filter.queueId === "unrouted" ? { queueId: null, state: "open" } : filter.queueId ? { queueId: filter.queueId } : {}),
    ...(filter.overdue ? { state: "open", dueAt: { lt: now } } : {}),
  };
  if (filter.visibleTo) {
    where.AND = [{ OR: [{ state: "open", queueId: { in: filter.visibleTo.queueIds } }, { decidedById: filter.visibleTo.userId }] }];
  }
  const rows = await db.appeal.findMany({
    where,
    orderBy: filter.state === "decided" ? [{ decidedAt: "desc" }] : [{ state: "asc" }, { dueAt: "asc" }],
    take: APPEAL_PAGE,
    select: {
      id: true,
      externalId: true,
      platform: true,
      appellantRole: true,
      channel: true,
      state: true,
      outcome: true,
      receivedAt: true,
      dueAt: true,
      decidedAt: true,
      queueId: true,
      routeNote: true,
      claimedById: true,
      leaseExpiresAt: true,
      decision: { select: { id: true, action: true, labelKeys: true } },
      item: { select: { id: true, externalId: true, title: true, strongestSource: true } },
    },
  });
  return rows.map((r) => ({
    ...r,
    decision: { ...r.decision, labelKeys: JSON.parse(r.decision.labelKeys) as string[] },
    overdue: r.state === "open" && r.dueAt < now,
    inReview: r.state === "open" && !!r.leaseExpiresAt && r.leaseExpiresAt > now,
  }));
}

export type AppealQueueFigures = { queueId: string; name: string; waiting: number; overdue: number; earliestDueAt: Date | null };

/** The appeal queues a reviewer is a member of, with what waits in each (what their home page offers). */
export async function myAppealQueues(userId: string, now: Date = currentTime()): Promise<AppealQueueFigures[]> {
  const memberships = await db.queueMember.findMany({
    where: { userId, queue: { open: true, deletedAt: null } },
    select: { queue: { select: { id: true, name: true } } },
  });
  const ids = memberships.map((m) => m.queue.id);
  if (ids.length === 0) return [];
  const [waiting, overdue] = await Promise.all([
    db.appeal.groupBy({ by: ["queueId"], where: { queueId: { in: ids }, state: "open" }, _count: { _all: true }, _min: { dueAt: true } }),
    db.appeal.groupBy({ by: ["queueId"], where: { queueId: { in: ids }, state: "open", dueAt: { lt: now } }, _count: { _all: true } }),
  ]);
  return memberships
    .map((m) => {
      const here = waiting.find((r) => r.queueId === m.queue.id);
      return {
        queueId: m.queue.id,
        name: m.queue.name,
        waiting: here?._count._all ?? 0,
        overdue: overdue.find((r) => r.queueId === m.queue.id)?._count._all ?? 0,
        earliestDueAt: here?._min.dueAt ?? null,
      };
    })
    .filter((q) => q.waiting > 0);
}

/** The queues an appeal can be listed by or moved to: every live queue, open ones marked. */
export function appealQueueChoices() {
  return db.queue.findMany({ where: { deletedAt: null }, orderBy: { name: "asc" }, select: { id: true, name: true, open: true } });
}

/** The queues a reviewer is a member of (their appeals list shows these queues' appeals). */
export async function memberQueueIds(userId: string): Promise<string[]> {
  const rows = await db.queueMember.findMany({ where: { userId, queue: { deletedAt: null } }, select: { queueId: true } });
  return rows.map((r) => r.queueId);
}

/** How many open appeals wait with no queue (no appeal rule matched, its queue was closed, or it pointed at a closed one). */
export function unroutedAppealCount(): Promise<number> {
  return db.appeal.count({ where: { state: "open", queueId: null } });
}
