import { currentTime } from "~/modules/clock/clock.ts";
import { z } from "zod";
import { db, dialect, Prisma } from "~/db.server.ts";
import { ESCALATED_STATE, INITIAL_STATE, OPEN_STATES } from "~/modules/items/lifecycle.ts";
import { SOURCES } from "~/modules/items/sources.ts";
import { decodeCursor, encodeCursor, type ListCursor } from "./list-cursor.ts";
import { openCountsByQueue, openFacets, openStateTotals, type OpenFacet } from "./open-counts.server.ts";
import { UNROUTED } from "./unrouted.ts";

export const PAGE_SIZE = 50;

const empty = (v: unknown) => (v === "" || v === null ? undefined : v);
const cursor = z.preprocess(
  empty,
  z
    .string()
    .refine((s) => decodeCursor(s) !== null)
    .optional(),
);

/**
 * The queue list's filters. The list shows the open states only: each is a queue, counted by the
 * open-item counters; decided history is the audit's to search. `after` and `before` are cursors
 * (list-cursor.ts): the page after a row, or the page before one.
 */
export const ListFilters = z.object({
  state: z.preprocess(empty, z.enum(OPEN_STATES).default(INITIAL_STATE)),
  source: z.preprocess(empty, z.enum(SOURCES).optional()),
  reason: z.preprocess(
    empty,
    z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/)
      .optional(),
  ),
  language: z.preprocess(
    empty,
    z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/)
      .optional(),
  ),
  overdue: z.preprocess(empty, z.enum(["1"]).optional()),
  /** A queue's id, or "unrouted" for the open items no queue holds. */
  queue: z.preprocess(
    empty,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
  ),
  after: cursor,
  before: cursor,
});
type Filters = z.infer<typeof ListFilters>;
/** What listQueue takes: the filters as a query string gives them. Other keys (such as the `page` of old links) are ignored. */
export type ListQuery = z.input<ReturnType<typeof ListFilters.passthrough>>;

/** Parses list filters from a URL, dropping anything malformed (a broken cursor included) rather than failing the page. */
export function parseListFilters(url: URL): Filters {
  const raw = Object.fromEntries(url.searchParams);
  const parsed = ListFilters.safeParse(raw);
  if (parsed.success) return parsed.data;
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const one = (ListFilters.shape as Record<string, z.ZodTypeAny>)[k]?.safeParse(v);
    if (one?.success) clean[k] = v;
  }
  return ListFilters.parse(clean);
}

const listSelect = {
  id: true,
  externalId: true,
  title: true,
  body: true,
  type: true,
  language: true,
  state: true,
  priority: true,
  dueAt: true,
  strongestSource: true,
  topReason: true,
  flagCount: true,
  firstFlaggedAt: true,
  claimedById: true,
  leaseExpiresAt: true,
  contentDigest: true,
  queueId: true,
  clusterId: true,
} as const;

/**
 * The page-walking statements. Every one is a seek into an index led by "state" and a walk of at most
 * one page: overdue items along (state, dueAt, id), the rest along (state, priority DESC,
 * firstFlaggedAt, id). A "rest" cursor needs two seeks (the rest of its priority, then the lower
 * priorities) because the index mixes directions, which a row comparison cannot span.
 */
function walker(f: Filters, now: Date) {
  // The state is a literal, as in the claim statements: PostgreSQL compares it with its enum, and the
  // planner then sees the index range it bounds. Source is one of SOURCES, so a literal too.
  const conditions = [Prisma.raw(`"state" = '${f.state}'`)];
  // A queue filter puts "queueId" before the state, so the walks use the queue-led indexes.
  if (f.queue) conditions.unshift(f.queue === UNROUTED ? Prisma.sql`"queueId" IS NULL` : Prisma.sql`"queueId" = ${f.queue}`);
  if (f.source) conditions.push(Prisma.raw(`"strongestSource" = '${f.source}'`));
  if (f.reason) conditions.push(Prisma.sql`"topReason" = ${f.reason}`);
  if (f.language) conditions.push(Prisma.sql`"language" = ${f.language}`);
  const scope = Prisma.join(conditions, " AND ");
  const ids = async (where: Prisma.Sql, order: string, limit: number) => {
    if (limit <= 0) return [];
    const rows = await db.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Item" WHERE ${scope} AND ${where} ORDER BY ${Prisma.raw(order)} LIMIT ${limit}`;
    return rows.map((r) => r.id);
  };
  const overdue = Prisma.sql`"dueAt" <= ${now}`;
  const rest = Prisma.sql`("dueAt" IS NULL OR "dueAt" > ${now})`;
  const byDue = `"state", "dueAt", "id"`;
  const byDueBack = `"state" DESC, "dueAt" DESC, "id" DESC`;
  const byPriority = `"state", "priority" DESC, "firstFlaggedAt", "id"`;
  const byPriorityBack = `"state" DESC, "priority", "firstFlaggedAt" DESC, "id" DESC`;

  /** Up to `limit` ids in claim order after `from` (from the start without one). */
  async function forward(from: ListCursor | null, limit: number) {
    const out: string[] = [];
    if (!from) out.push(...(await ids(overdue, byDue, limit)));
    else if (from.phase === "overdue") {
      out.push(...(await ids(Prisma.sql`${overdue} AND ("dueAt", "id") > (${new Date(from.dueAt)}, ${from.id})`, byDue, limit)));
    }
    if (f.overdue) return out;
    if (from?.phase === "rest") {
      const same = Prisma.sql`${rest} AND "priority" = ${from.priority} AND ("firstFlaggedAt", "id") > (${new Date(from.firstFlaggedAt)}, ${from.id})`;
      out.push(...(await ids(same, byPriority, limit - out.length)));
      out.push(...(await ids(Prisma.sql`${rest} AND "priority" < ${from.priority}`, byPriority, limit - out.length)));
    } else {
      out.push(...(await ids(rest, byPriority, limit - out.length)));
    }
    return out;
  }

  /** Up to `limit` ids before `from`, nearest first (so in reverse claim order). */
  async function backward(from: ListCursor, limit: number) {
    const out: string[] = [];
    if (from.phase === "rest") {
      const same = Prisma.sql`${rest} AND "priority" = ${from.priority} AND ("firstFlaggedAt", "id") < (${new Date(from.firstFlaggedAt)}, ${from.id})`;
      out.push(...(await ids(same, byPriorityBack, limit)));
      out.push(...(await ids(Prisma.sql`${rest} AND "priority" > ${from.priority}`, byPriorityBack, limit - out.length)));
      out.push(...(await ids(overdue, byDueBack, limit - out.length)));
    } else {
      out.push(...(await ids(Prisma.sql`${overdue} AND ("dueAt", "id") < (${new Date(from.dueAt)}, ${from.id})`, byDueBack, limit)));
    }
    return out;
  }

  return { forward, backward };
}

type Page = { ids: string[]; start: number; hasPrevious: boolean; hasNext: boolean };

/** Which ids the requested page holds, and whether pages lie before and after it. */
async function pageIds(f: Filters, now: Date, size: number): Promise<Page> {
  const walk = walker(f, now);
  const after = decodeCursor(f.after);
  const before = after ? null : decodeCursor(f.before);
  if (before) {
    const ids = await walk.backward(before, size + 1);
    // A page before the first full one is the first page: walking back never shows a short page.
    if (ids.length > size) return { ids: ids.slice(0, size).reverse(), start: Math.max(1, before.at - size), hasPrevious: true, hasNext: true };
    if (ids.length === size) return { ids: ids.reverse(), start: 0, hasPrevious: false, hasNext: true };
  }
  const ids = await walk.forward(after, size + 1);
  return { ids: ids.slice(0, size), start: after ? after.at + 1 : 0, hasPrevious: after !== null, hasNext: ids.length > size };
}

type Row = { id: string; dueAt: Date | null; priority: number; firstFlaggedAt: Date };

function cursorAt(row: Row, at: number, now: Date): string {
  return encodeCursor(
    row.dueAt && row.dueAt <= now
      ? { phase: "overdue", dueAt: row.dueAt.getTime(), id: row.id, at }
      : { phase: "rest", priority: row.priority, firstFlaggedAt: row.firstFlaggedAt.getTime(), id: row.id, at },
  );
}

/**
 * One page of the queue in claim order (overdue first by deadline, then priority and age, the id
 * breaking ties), found from a cursor rather than an offset, with counts for each filter from the
 * open-item counters. However deep the page, its reads are a few index seeks.
 */
export async function listQueue(input: ListQuery, now = currentTime(), pageSize = PAGE_SIZE) {
  const f = ListFilters.parse(input);
  const [page, facets, byQueue] = await Promise.all([pageIds(f, now, pageSize), openFacets(now), queueCounts(f, now)]);
  const found = await db.item.findMany({ where: { id: { in: page.ids } }, select: listSelect });
  const byId = new Map(found.map((r) => [r.id, r]));
  const rows = page.ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
  const holders = await db.user.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.claimedById).filter((x): x is string => !!x))] } },
    select: { id: true, email: true },
  });
  const holderEmail = new Map(holders.map((h) => [h.id, h.email]));
  const tallied = tally(f, facets);
  // Under a queue filter the facet counters (which know no queues) cannot count: the queue's own figures do.
  const { counts, total, overdueTotal } = byQueue.totals ? { ...tallied, ...byQueue.totals } : tallied;
  return {
    /** Open items per queue in the chosen state ("unrouted" for none). */
    queueTotals: byQueue.queueTotals,
    /** Whether the per-option counts apply: the facet counters cannot narrow to one queue. */
    optionCounts: !f.queue,
    /** The page's rows, a cluster's members on the page folded into one row where its first member sorts. */
    items: await grouped(
      rows.map((r) => ({
        ...r,
        body: r.body ? r.body.slice(0, 160) : null,
        heldBy: r.leaseExpiresAt && r.leaseExpiresAt > now && r.claimedById ? (holderEmail.get(r.claimedById) ?? "someone") : null,
      })),
      f.state,
      f.queue,
    ),
    total,
    overdueTotal,
    counts,
    page: {
      /** 1-based number of the first row shown (0 on an empty page). */
      from: rows.length ? page.start + 1 : 0,
      to: page.start + rows.length,
      previous: page.hasPrevious && rows.length ? cursorAt(rows[0], page.start, now) : null,
      next: page.hasNext && rows.length ? cursorAt(rows[rows.length - 1], page.start + rows.length - 1, now) : null,
      isFirst: !page.hasPrevious,
    },
  };
}

type ListedItem = { id: string; externalId: string; title: string | null; dueAt: Date | null; strongestSource: string; clusterId: string | null };

/**
 * Folds the page's members of one cluster into the row of the first of them (the keyset read and its
 * cursors are untouched: they walk items), when the cluster has two or more open members in the listed
 * state (and the listed queue, under a queue filter). Two reads whatever the page: the open members of
 * the page's clusters counted in one grouped query along the (clusterId, state) index, and the
 * clusters' representatives.
 */
async function grouped<T extends ListedItem>(rows: T[], state: string, queue: string | undefined) {
  const clusterIds = [...new Set(rows.map((r) => r.clusterId).filter((c): c is string => !!c))];
  const counts = clusterIds.length
    ? await db.item.groupBy({
        by: ["clusterId"],
        where: {
          clusterId: { in: clusterIds },
          state: state as (typeof OPEN_STATES)[number],
          ...(queue ? { queueId: queue === UNROUTED ? null : queue } : {}),
        },
        _count: { _all: true },
      })
    : [];
  const openSize = new Map(counts.filter((c) => c._count._all >= 2).map((c) => [c.clusterId!, c._count._all]));
  const clusters = openSize.size
    ? await db.cluster.findMany({ where: { id: { in: [...openSize.keys()] } }, select: { id: true, size: true, representativeItemId: true } })
    : [];
  const representatives = new Map(
    (
      await db.item.findMany({
        where: { id: { in: clusters.map((c) => c.representativeItemId) } },
        select: { id: true, externalId: true, title: true, body: true },
      })
    ).map((r) => [r.id, { ...r, body: r.body ? r.body.slice(0, 160) : null }]),
  );
  const byId = new Map(clusters.map((c) => [c.id, c]));
  type Grouped = T & {
    cluster: {
      id: string;
      size: number;
      open: number;
      representative: { id: string; externalId: string; title: string | null; body: string | null } | null;
      members: T[];
      sources: Record<string, number>;
      earliestDueAt: Date | null;
    } | null;
  };
  const out: Grouped[] = [];
  const rowOf = new Map<string, Grouped>();
  for (const r of rows) {
    const c = r.clusterId ? byId.get(r.clusterId) : undefined;
    if (!c) {
      out.push({ ...r, cluster: null });
      continue;
    }
    let row = rowOf.get(c.id);
    if (!row) {
      const representative = representatives.get(c.representativeItemId) ?? null;
      row = { ...r, cluster: { id: c.id, size: c.size, open: openSize.get(c.id)!, representative, members: [], sources: {}, earliestDueAt: null } };
      rowOf.set(c.id, row);
      out.push(row);
    }
    const cl = row.cluster!;
    cl.members.push(r);
    cl.sources[r.strongestSource] = (cl.sources[r.strongestSource] ?? 0) + 1;
    if (r.dueAt && (!cl.earliestDueAt || r.dueAt < cl.earliestDueAt)) cl.earliestDueAt = r.dueAt;
  }
  return out;
}

/**
 * Totals under a queue filter: the trigger-kept per-queue counter when only the state narrows it,
 * otherwise a count over the queue's own index range (bounded by the queue, not the table).
 */
async function queueCounts(f: Filters, now: Date): Promise<{ queueTotals: Record<string, number>; totals: { total: number; overdueTotal: number } | null }> {
  const queueTotals = Object.fromEntries([...(await openCountsByQueue(f.state))].map(([queueId, n]) => [queueId === "" ? UNROUTED : queueId, n]));
  if (!f.queue) return { queueTotals, totals: null };
  const inQueue = f.queue === UNROUTED ? Prisma.sql`"queueId" IS NULL` : Prisma.sql`"queueId" = ${f.queue}`;
  const conditions = [inQueue, Prisma.raw(`"state" = '${f.state}'`)];
  if (f.source) conditions.push(Prisma.raw(`"strongestSource" = '${f.source}'`));
  if (f.reason) conditions.push(Prisma.sql`"topReason" = ${f.reason}`);
  if (f.language) conditions.push(Prisma.sql`"language" = ${f.language}`);
  const where = Prisma.join(conditions, " AND ");
  const [[overdue], all] = await Promise.all([
    db.$queryRaw<{ n: number | bigint }[]>`SELECT COUNT(*) AS "n" FROM "Item" WHERE ${where} AND "dueAt" <= ${now}`,
    f.source || f.reason || f.language ? db.$queryRaw<{ n: number | bigint }[]>`SELECT COUNT(*) AS "n" FROM "Item" WHERE ${where}` : null,
  ]);
  const overdueTotal = Number(overdue.n);
  const total = f.overdue ? overdueTotal : all ? Number(all[0].n) : (queueTotals[f.queue] ?? 0);
  return { queueTotals, totals: { total, overdueTotal } };
}

type Facet = keyof Pick<Filters, "state" | "source" | "reason" | "language" | "overdue">;

/** Counts for every filter, each under the other filters (so a count says what choosing it would give). */
function tally(f: Filters, facets: OpenFacet[]) {
  const keep = (r: OpenFacet, omit?: Facet) =>
    (omit === "state" || r.state === f.state) &&
    (omit === "source" || !f.source || r.source === f.source) &&
    (omit === "reason" || !f.reason || r.reason === f.reason) &&
    (omit === "language" || !f.language || r.language === f.language);
  const size = (r: OpenFacet, omit?: Facet) => (f.overdue && omit !== "overdue" ? r.overdueN : r.n);
  const by = (omit: Facet, key: (r: OpenFacet) => string) => {
    const out: Record<string, number> = {};
    for (const r of facets) if (keep(r, omit)) out[key(r)] = (out[key(r)] ?? 0) + size(r, omit);
    return out;
  };
  const matching = facets.filter((r) => keep(r));
  return {
    total: matching.reduce((n, r) => n + size(r), 0),
    overdueTotal: matching.reduce((n, r) => n + r.overdueN, 0),
    counts: {
      state: by("state", (r) => r.state),
      source: by("source", (r) => r.source),
      reason: by("reason", (r) => r.reason),
      language: by("language", (r) => r.language ?? "unknown"),
    },
  };
}

/** The moderator's and the lead's home figures: whole states from the counters, the rest from bounded index reads. */
export async function queueSummary(userId: string, now = currentTime()) {
  const [totals, pendingOverdue, escalatedOverdue, heldPending, heldByMe, decidedByMeToday, nextDue] = await Promise.all([
    openStateTotals(),
    db.item.count({ where: { state: INITIAL_STATE, dueAt: { lte: now } } }),
    db.item.count({ where: { state: ESCALATED_STATE, dueAt: { lte: now } } }),
    leasedPending(now),
    db.item.count({ where: { claimedById: userId, leaseExpiresAt: { gt: now } } }),
    db.decision.count({ where: { userId, createdAt: { gte: new Date(now.getTime() - 86_400_000) } } }),
    db.item.findFirst({ where: { state: INITIAL_STATE, dueAt: { not: null } }, orderBy: { dueAt: "asc" }, select: { dueAt: true } }),
  ]);
  return {
    pending: totals[INITIAL_STATE],
    pendingOverdue,
    escalated: totals[ESCALATED_STATE],
    escalatedOverdue,
    available: Math.max(0, totals[INITIAL_STATE] - heldPending),
    heldByMe,
    decidedByMeToday,
    nextDueAt: nextDue?.dueAt ?? null,
  };
}

/**
 * How many pending items are under a live lease. A leased item carries its holder until a decision or a
 * release clears it, so this walks the claimedById index over the items in someone's hands, never the
 * queue; SQLite would otherwise prefer the state index and visit every pending row.
 */
async function leasedPending(now: Date) {
  const index = dialect === "sqlite" ? Prisma.raw(`INDEXED BY "Item_claimedById_idx"`) : Prisma.empty;
  const [row] = await db.$queryRaw<{ n: number | bigint }[]>`
    SELECT COUNT(*) AS "n" FROM "Item" ${index}
    WHERE "claimedById" > '' AND "state" = ${Prisma.raw(`'${INITIAL_STATE}'`)} AND "leaseExpiresAt" >= ${now}`;
  return Number(row?.n ?? 0);
}

/** The escalated items, for the leads' home, in the order they will be claimed. */
export async function escalatedItems(now = currentTime()) {
  return listQueue({ state: ESCALATED_STATE }, now);
}
