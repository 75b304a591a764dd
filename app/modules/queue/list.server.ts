import { z } from "zod";
import { db, type Prisma } from "~/db.server.ts";
import { ESCALATED_STATE, INITIAL_STATE, ITEM_STATES } from "~/modules/items/lifecycle.ts";
import { SOURCES } from "~/modules/items/sources.ts";

export const PAGE_SIZE = 50;

const empty = (v: unknown) => (v === "" || v === null ? undefined : v);

export const ListFilters = z.object({
  state: z.preprocess(empty, z.enum(ITEM_STATES).default(INITIAL_STATE)),
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
  page: z.preprocess(empty, z.coerce.number().int().min(1).max(10_000).default(1)),
});
export type ListFilters = z.infer<typeof ListFilters>;

/** Parses list filters from a URL, dropping anything malformed rather than failing the page. */
export function parseListFilters(url: URL): ListFilters {
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

function whereFor(f: ListFilters, now: Date, omit?: keyof ListFilters): Prisma.ItemWhereInput {
  const where: Prisma.ItemWhereInput = {};
  if (omit !== "state") where.state = f.state;
  if (f.source && omit !== "source") where.strongestSource = f.source;
  if (f.reason && omit !== "reason") where.topReason = f.reason;
  if (f.language && omit !== "language") where.language = f.language;
  if (f.overdue && omit !== "overdue") where.dueAt = { lte: now };
  return where;
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
} as const;

/**
 * One page of the queue in claim order (overdue first by deadline, then priority and age), with
 * counts for each filter. Two ordered reads, each an index walk for the chosen state, instead of
 * one sort over the whole table.
 */
export async function listQueue(f: ListFilters, now = new Date()) {
  const where = whereFor(f, now);
  const overdueWhere: Prisma.ItemWhereInput = { ...where, dueAt: { lte: now } };
  const restWhere: Prisma.ItemWhereInput = f.overdue ? { id: "" } : { ...where, OR: [{ dueAt: null }, { dueAt: { gt: now } }] };
  const skip = (f.page - 1) * PAGE_SIZE;
  const overdueTotal = await db.item.count({ where: overdueWhere });
  const rows = [];
  if (skip < overdueTotal) {
    rows.push(...(await db.item.findMany({ where: overdueWhere, orderBy: [{ dueAt: "asc" }], skip, take: PAGE_SIZE, select: listSelect })));
  }
  if (rows.length < PAGE_SIZE && !f.overdue) {
    rows.push(
      ...(await db.item.findMany({
        where: restWhere,
        orderBy: [{ priority: "desc" }, { firstFlaggedAt: "asc" }],
        skip: Math.max(0, skip - overdueTotal),
        take: PAGE_SIZE - rows.length,
        select: listSelect,
      })),
    );
  }
  const { counts, total } = await facetCounts(f, now);
  const holders = await db.user.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.claimedById).filter((x): x is string => !!x))] } },
    select: { id: true, email: true },
  });
  const holderEmail = new Map(holders.map((h) => [h.id, h.email]));
  return {
    items: rows.map((r) => ({
      ...r,
      body: r.body ? r.body.slice(0, 160) : null,
      heldBy: r.leaseExpiresAt && r.leaseExpiresAt > now && r.claimedById ? (holderEmail.get(r.claimedById) ?? "someone") : null,
    })),
    total,
    overdueTotal,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    counts,
  };
}

type Facet = { state: string; source: string; reason: string; language: string | null; n: number; overdueN: number };

/**
 * Counts for every filter, each under the other filters (so a count says what choosing it would
 * give). One grouped pass answers all of them; it walks the Item(strongestSource, topReason,
 * language, state, dueAt) index in order, so it neither reads the table nor sorts.
 */
async function facetCounts(f: ListFilters, now: Date) {
  const rows = await db.$queryRaw<
    { state: string; source: string; reason: string; language: string | null; n: number | bigint; overdueN: number | bigint | null }[]
  >`
    SELECT "state", "strongestSource" AS "source", "topReason" AS "reason", "language",
      COUNT(*) AS "n", SUM(CASE WHEN "dueAt" <= ${now} THEN 1 ELSE 0 END) AS "overdueN"
    FROM "Item" GROUP BY "strongestSource", "topReason", "language", "state"`;
  const facets: Facet[] = rows.map((r) => ({
    state: String(r.state),
    source: String(r.source),
    reason: r.reason,
    language: r.language,
    n: Number(r.n),
    overdueN: Number(r.overdueN ?? 0),
  }));
  const keep = (r: Facet, omit?: keyof ListFilters) =>
    (omit === "state" || r.state === f.state) &&
    (omit === "source" || !f.source || r.source === f.source) &&
    (omit === "reason" || !f.reason || r.reason === f.reason) &&
    (omit === "language" || !f.language || r.language === f.language);
  const size = (r: Facet, omit?: keyof ListFilters) => (f.overdue && omit !== "overdue" ? r.overdueN : r.n);
  const tally = (omit: keyof ListFilters, key: (r: Facet) => string) => {
    const out: Record<string, number> = {};
    for (const r of facets) if (keep(r, omit)) out[key(r)] = (out[key(r)] ?? 0) + size(r, omit);
    return out;
  };
  return {
    total: facets.filter((r) => keep(r)).reduce((n, r) => n + size(r), 0),
    counts: {
      state: tally("state", (r) => r.state),
      source: tally("source", (r) => r.source),
      reason: tally("reason", (r) => r.reason),
      language: tally("language", (r) => r.language ?? "unknown"),
    },
  };
}

/** The moderator's and the lead's home figures. */
export async function queueSummary(userId: string, now = new Date()) {
  const [pending, pendingOverdue, escalated, escalatedOverdue, available, heldByMe, decidedByMeToday] = await Promise.all([
    db.item.count({ where: { state: INITIAL_STATE } }),
    db.item.count({ where: { state: INITIAL_STATE, dueAt: { lte: now } } }),
    db.item.count({ where: { state: ESCALATED_STATE } }),
    db.item.count({ where: { state: ESCALATED_STATE, dueAt: { lte: now } } }),
    db.item.count({ where: { state: INITIAL_STATE, OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] } }),
    db.item.count({ where: { claimedById: userId, leaseExpiresAt: { gt: now } } }),
    db.decision.count({ where: { userId, createdAt: { gte: new Date(now.getTime() - 86_400_000) } } }),
  ]);
  const nextDue = await db.item.findFirst({
    where: { state: INITIAL_STATE, dueAt: { not: null } },
    orderBy: { dueAt: "asc" },
    select: { dueAt: true },
  });
  return { pending, pendingOverdue, escalated, escalatedOverdue, available, heldByMe, decidedByMeToday, nextDueAt: nextDue?.dueAt ?? null };
}

/** The escalated items, for the leads' home, in the order they will be claimed. */
export async function escalatedItems(now = new Date()) {
  return listQueue({ state: ESCALATED_STATE, page: 1 }, now);
}
