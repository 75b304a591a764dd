import { currentTime } from "~/modules/clock/clock.ts";
import { unroutedCount } from "~/modules/queue/placement.server.ts";
import { db, dialect, Prisma } from "~/db.server.ts";
import { ACTIONS } from "~/modules/decisions/actions.ts";
import { OPEN_STATES, type ItemState } from "~/modules/items/lifecycle.ts";
import type { Source } from "~/modules/items/sources.ts";

export type DayCounts = { day: string; counts: Record<(typeof ACTIONS)[number], number> };

/** Decisions per UTC day and action for the last `days` days, counted by the database. */
async function decisionsPerDay(days: number, now: Date): Promise<DayCounts[]> {
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  const dayExpr =
    dialect === "postgresql"
      ? Prisma.sql`to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
      : Prisma.sql`strftime('%Y-%m-%d', "createdAt" / 1000, 'unixepoch')`;
  const rows = await db.$queryRaw<{ day: string; action: string; n: number | bigint }[]>`
    SELECT ${dayExpr} AS "day", CAST("action" AS TEXT) AS "action", COUNT(*) AS "n"
    FROM "Decision" WHERE "createdAt" >= ${since}
    GROUP BY 1, 2`;
  const byDay = new Map<string, DayCounts>();
  for (let i = 0; i < days; i++) {
    const day = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    byDay.set(day, { day, counts: { keep: 0, remove: 0, restrict: 0, escalate: 0 } });
  }
  for (const row of rows) {
    const entry = byDay.get(row.day);
    if (entry && (ACTIONS as readonly string[]).includes(row.action)) entry.counts[row.action as (typeof ACTIONS)[number]] = Number(row.n);
  }
  return [...byDay.values()];
}

/** The numbers a lead or an auditor checks first: what is waiting, what is late, what was decided. */
export async function overview(now = currentTime()) {
  const [byState, openBySource, overdue, perDay, removal, unrouted] = await Promise.all([
    db.item.groupBy({ by: ["state"], _count: { _all: true } }),
    db.item.groupBy({ by: ["strongestSource"], where: { state: { in: [...OPEN_STATES] } }, _count: { _all: true } }),
    db.item.count({ where: { state: { in: [...OPEN_STATES] }, dueAt: { lte: now } } }),
    decisionsPerDay(14, now),
    db.$queryRaw<{ met: number | bigint | null; total: number | bigint }[]>`
      SELECT SUM(CASE WHEN "decidedAt" <= "dueAt" THEN 1 ELSE 0 END) AS "met", COUNT(*) AS "total"
      FROM "Item" WHERE "strongestSource" = 'removal_order' AND "decidedAt" IS NOT NULL`,
    unroutedCount(),
  ]);
  return {
    byState: Object.fromEntries(byState.map((r) => [r.state, r._count._all])) as Partial<Record<ItemState, number>>,
    openBySource: Object.fromEntries(openBySource.map((r) => [r.strongestSource, r._count._all])) as Partial<Record<Source, number>>,
    overdue,
    unrouted,
    perDay,
    removalOrders: { met: Number(removal[0]?.met ?? 0), total: Number(removal[0]?.total ?? 0) },
  };
}
