// How many open items there are, by state and facet, read from the counters that triggers on "Item"
// keep (migration 060, docs/decisions/023-open-item-counters-and-keyset-pages.md). Whether an item is
// overdue changes as time passes, so that part cannot be a counter: it is counted from the overdue
// open items' own index entries, which is bounded by how many are overdue, not by the table.
import { db, Prisma } from "~/db.server.ts";
import { OPEN_STATES, type OpenState } from "~/modules/items/lifecycle.ts";
import type { Source } from "~/modules/items/sources.ts";

/** The open items of one state, source, reason and language: how many, and how many are overdue. */
export type OpenFacet = { state: OpenState; source: Source; reason: string; language: string | null; n: number; overdueN: number };

type FacetRow = { state: string; source: string; reason: string; language: string; n: number | bigint };

// Literals, not parameters: PostgreSQL compares them with the state enum, and the planner sees the
// (state, ...) index ranges they bound.
const openStatesSql = Prisma.raw(OPEN_STATES.map((s) => `'${s}'`).join(", "));

const keyOf = (r: FacetRow) => JSON.stringify([r.state, r.source, r.reason, r.language]);

/** Every non-empty group of open items. A few counter rows plus the overdue items' index entries. */
export async function openFacets(now: Date): Promise<OpenFacet[]> {
  const [counted, overdue] = await Promise.all([
    db.$queryRaw<FacetRow[]>`
      SELECT "state", "source", "reason", "language", SUM("n") AS "n"
      FROM "QueueFacetCount" GROUP BY "state", "source", "reason", "language" HAVING SUM("n") > 0`,
    db.$queryRaw<FacetRow[]>`
      SELECT "state", "strongestSource" AS "source", "topReason" AS "reason", COALESCE("language", '') AS "language", COUNT(*) AS "n"
      FROM "Item" WHERE "state" IN (${openStatesSql}) AND "dueAt" <= ${now}
      GROUP BY "state", "strongestSource", "topReason", COALESCE("language", '')`,
  ]);
  const overdueBy = new Map(overdue.map((r) => [keyOf(r), Number(r.n)]));
  return counted.map((r) => ({
    state: String(r.state) as OpenState,
    source: String(r.source) as Source,
    reason: r.reason,
    language: r.language === "" ? null : r.language,
    n: Number(r.n),
    overdueN: overdueBy.get(keyOf(r)) ?? 0,
  }));
}

/** How many items each open state holds. */
export async function openStateTotals(): Promise<Record<OpenState, number>> {
  const rows = await db.$queryRaw<{ state: string; n: number | bigint }[]>`
    SELECT "state", SUM("n") AS "n" FROM "QueueFacetCount" GROUP BY "state"`;
  const totals = Object.fromEntries(OPEN_STATES.map((s) => [s, 0])) as Record<OpenState, number>;
  for (const r of rows) if (String(r.state) in totals) totals[String(r.state) as OpenState] = Math.max(0, Number(r.n));
  return totals;
}

/**
 * Open items per queue ("" for unrouted), in one open state or in both, from the per-queue counters
 * the triggers of migration 080 keep, summed over their shards.
 */
export async function openCountsByQueue(state?: OpenState): Promise<Map<string, number>> {
  const inState = state ? Prisma.sql`WHERE "state" = ${Prisma.raw(`'${OPEN_STATES.find((s) => s === state)}'`)}` : Prisma.empty;
  const rows = await db.$queryRaw<{ queueId: string; n: number | bigint }[]>`
    SELECT "queueId", SUM("n") AS "n" FROM "QueueOpenCount" ${inState} GROUP BY "queueId"`;
  return new Map(rows.map((r) => [r.queueId, Math.max(0, Number(r.n))]));
}
