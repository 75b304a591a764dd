// Reading the report rollups: sums of ReportCount over a range of days, optionally for one queue or
// one platform. Every dashboard and transparency figure goes through here, so each is a range scan of
// the rollup's primary key, never a scan of items or decisions.
import { db, Prisma } from "~/db.server.ts";
import { daysBetween, daysOf, type DayRange, WEEKS_FROM_DAYS, weekSpans } from "./days.ts";
import { ALL } from "./fold.ts";
import { KEPT_WEEKLY, weekly, type Metric } from "./metrics.ts";

export type Scope = { queueId?: string | null; platform?: string | null };
export type Count = { k1: string; k2: string; n: number };
export type DayCount = Count & { day: string };
export type QueueDayCount = DayCount & { queueId: string };

// Every count is kept for its own platform and queue and for "*" (all of them, fold.ts): a scope picks
// one of those rows, so each read is one range of the key (metric, platform, queue, day).
function scopeSql(scope: Scope): Prisma.Sql {
  return Prisma.sql`AND "platform" = ${scope.platform ?? ALL} AND "queueId" = ${scope.queueId ?? ALL}`;
}

/** Every queue a count can name (queues are never removed from the table), and "" for unrouted. */
async function queueIdsSql(scope: Scope): Promise<Prisma.Sql> {
  const ids = scope.queueId != null ? [scope.queueId] : ["", ...(await db.queue.findMany({ select: { id: true } })).map((q) => q.id)];
  return Prisma.sql`AND "platform" = ${scope.platform ?? ALL} AND "queueId" IN (${Prisma.join(ids)})`;
}

const num = (v: number | bigint | null) => Number(v ?? 0);

/**
 * The rows of a metric over a range in scope, as one relation: whole weeks from the weekly rows (dated
 * their Monday) and the days at either end from the daily ones. Per-day reads of ranges up to a quarter
 * read days only, as the dashboards draw them; totals and longer ranges take weeks where they can.
 */
function rowsOf(metric: Metric, range: DayRange, where: Prisma.Sql, perDay: boolean): Prisma.Sql {
  const pieces: [string, DayRange][] = [];
  const spans = weekSpans(range);
  if (!KEPT_WEEKLY(metric) || !spans.weeks || (perDay && daysBetween(range.from, range.to) + 1 <= WEEKS_FROM_DAYS)) pieces.push([metric, range]);
  else {
    if (spans.before) pieces.push([metric, spans.before]);
    pieces.push([weekly(metric), spans.weeks]);
    if (spans.after) pieces.push([metric, spans.after]);
  }
  const selects = pieces.map(
    ([name, r]) =>
      Prisma.sql`SELECT "day", "queueId", "k1", "k2", "n" FROM "ReportCount" WHERE "metric" = ${name} AND "day" >= ${r.from} AND "day" <= ${r.to} ${where}`,
  );
  return Prisma.sql`(${Prisma.join(selects, " UNION ALL ")}) AS "r"`;
}

/** A metric's counts per day and keys (summed over platforms and queues in scope); past a quarter, per week (its Monday). */
export async function dailyCounts(metric: Metric, range: DayRange, scope: Scope = {}): Promise<DayCount[]> {
  const rows = await db.$queryRaw<{ day: string; k1: string; k2: string; n: number | bigint }[]>`
    SELECT "day", "k1", "k2", SUM("n") AS "n" FROM ${rowsOf(metric, range, scopeSql(scope), true)}
    GROUP BY "day", "k1", "k2" ORDER BY "day", "k1", "k2"`;
  return rows.map((r) => ({ day: r.day, k1: r.k1, k2: r.k2, n: num(r.n) }));
}

/** A metric's counts per day, queue and first key; past a quarter, per week (its Monday). */
export async function dailyCountsByQueue(metric: Metric, range: DayRange, scope: Scope = {}): Promise<QueueDayCount[]> {
  const rows = await db.$queryRaw<{ day: string; queueId: string; k1: string; n: number | bigint }[]>`
    SELECT "day", "queueId", "k1", SUM("n") AS "n" FROM ${rowsOf(metric, range, await queueIdsSql(scope), true)}
    GROUP BY "day", "queueId", "k1" ORDER BY "day", "queueId", "k1"`;
  return rows.map((r) => ({ day: r.day, queueId: r.queueId, k1: r.k1, k2: "", n: num(r.n) }));
}

/** A metric's totals over the range, per keys. */
export async function totalCounts(metric: Metric, range: DayRange, scope: Scope = {}): Promise<Count[]> {
  const rows = await db.$queryRaw<{ k1: string; k2: string; n: number | bigint }[]>`
    SELECT "k1", "k2", SUM("n") AS "n" FROM ${rowsOf(metric, range, scopeSql(scope), false)}
    GROUP BY "k1", "k2" ORDER BY "k1", "k2"`;
  return rows.map((r) => ({ k1: r.k1, k2: r.k2, n: num(r.n) }));
}

/** A metric's totals over the range, per queue and keys. */
export async function totalCountsByQueue(metric: Metric, range: DayRange, scope: Scope = {}): Promise<(Count & { queueId: string })[]> {
  const rows = await db.$queryRaw<{ queueId: string; k1: string; k2: string; n: number | bigint }[]>`
    SELECT "queueId", "k1", "k2", SUM("n") AS "n" FROM ${rowsOf(metric, range, await queueIdsSql(scope), false)}
    GROUP BY "queueId", "k1", "k2" ORDER BY "queueId", "k1", "k2"`;
  return rows.map((r) => ({ queueId: r.queueId, k1: r.k1, k2: r.k2, n: num(r.n) }));
}

/**
 * Open items at the end of each day of the range, per queue and strongest source: the sum of every
 * change up to that day (depth.delta). Only combinations that held items at some point are listed.
 */
export async function depthByDay(range: DayRange, scope: Scope = {}): Promise<QueueDayCount[]> {
  const [before, changes] = await Promise.all([
    db.$queryRaw<{ queueId: string; k1: string; n: number | bigint }[]>`
      SELECT "queueId", "k1", SUM("n") AS "n" FROM "ReportCount"
      WHERE "metric" = 'depth.delta' AND "day" < ${range.from} ${await queueIdsSql(scope)}
      GROUP BY "queueId", "k1"`,
    dailyCountsByQueue("depth.delta", range, scope),
  ]);
  const level = new Map<string, number>();
  const key = (q: string, s: string) => `${q}\u0000${s}`;
  for (const r of before) level.set(key(r.queueId, r.k1), num(r.n));
  const byDay = new Map<string, QueueDayCount[]>();
  for (const c of changes) byDay.set(c.day, [...(byDay.get(c.day) ?? []), c]);
  const out: QueueDayCount[] = [];
  for (const day of daysOf(range)) {
    for (const c of byDay.get(day) ?? []) level.set(key(c.queueId, c.k1), (level.get(key(c.queueId, c.k1)) ?? 0) + c.n);
    for (const [k, n] of level) {
      const [queueId, k1] = k.split("\u0000");
      out.push({ day, queueId, k1, k2: "", n });
    }
  }
  return out;
}

export type DeadlineMiss = { seq: number; itemId: string; day: string; platform: string; queueId: string; source: string; dueAt: Date; decidedAt: Date };

/** Deadlines missed in the range (closing decisions after the item's deadline), newest first. */
export async function deadlineMisses(range: DayRange, scope: Scope & { source?: string } = {}, limit = 200): Promise<DeadlineMiss[]> {
  return db.reportMiss.findMany({
    where: {
      day: { gte: range.from, lte: range.to },
      ...(scope.queueId != null ? { queueId: scope.queueId } : {}),
      ...(scope.platform != null ? { platform: scope.platform } : {}),
      ...(scope.source ? { source: scope.source } : {}),
    },
    orderBy: [{ day: "desc" }, { seq: "desc" }],
    take: limit,
  });
}
