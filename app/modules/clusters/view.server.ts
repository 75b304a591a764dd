import { db } from "~/db.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { OPEN_STATES } from "~/modules/items/lifecycle.ts";
import { decodeSignature, similarity } from "./minhash.ts";
import { wordDiff, type DiffSegment } from "./diff.ts";

/** Members shown per page of a cluster. */
export const MEMBERS_PAGE = 50;

type Viewer = { id: string; role: Role };
/** What the viewer must not see: decisions under a blind review they may still do, and those decisions' items. */
export type Blind = { decisionIds: ReadonlySet<string>; itemIds: ReadonlySet<string> };

export type ClusterMember = {
  id: string;
  externalId: string;
  /** Null when the member's decision waits for a blind review this viewer may do. */
  state: string | null;
  /** The member's standing decision's action, if decided and not hidden. */
  decidedAs: string | null;
  blind: boolean;
  strongestSource: string;
  countsBySource: Record<string, number>;
  authorHandle: string | null;
  authorExternalId: string | null;
  /** Estimated similarity to the representative (0 to 1); null when either text is too short to have a signature. */
  similarity: number | null;
  representative: boolean;
  /** The item the review screen serves. */
  served: boolean;
  /** Whether a cluster decision by this viewer on the served item would decide this member too. */
  decidable: boolean;
  diff: DiffSegment[];
};

export const textOf = (item: { title: string | null; body: string | null }) => [item.title, item.body].filter((p): p is string => !!p).join("\n\n");

const memberSelect = {
  id: true,
  externalId: true,
  title: true,
  body: true,
  state: true,
  strongestSource: true,
  countsBySource: true,
  authorHandle: true,
  authorExternalId: true,
  signature: true,
  shingleCount: true,
  contentDigest: true,
  queueId: true,
  assignedToId: true,
  claimedById: true,
  leaseExpiresAt: true,
} as const;

/**
 * A cluster as the review screen and the cluster page show it: its figures (members, open members,
 * their sources and earliest deadline), the representative, and one page of members in the order they
 * were first flagged, each with its differences from the representative. `served` is the item the
 * viewer holds on the review screen: members a cluster decision on it would reach are marked decidable.
 * Null when the cluster does not exist.
 */
export async function clusterView(viewer: Viewer, clusterId: string, options: { page?: number; served?: { id: string; state: string } | null; blind: Blind }) {
  const cluster = await db.cluster.findUnique({ where: { id: clusterId } });
  if (!cluster) return null;
  const now = new Date();
  const open = { clusterId, state: { in: [...OPEN_STATES] } };
  const [openBySource, memberCount, representative, queueIds] = await Promise.all([
    db.item.groupBy({ by: ["strongestSource"], where: open, _count: { _all: true }, _min: { dueAt: true } }),
    db.item.count({ where: { clusterId } }),
    db.item.findUnique({ where: { id: cluster.representativeItemId }, select: memberSelect }),
    options.served ? db.queueMember.findMany({ where: { userId: viewer.id }, select: { queueId: true } }).then((r) => r.map((q) => q.queueId)) : [],
  ]);
  const pages = Math.max(1, Math.ceil(memberCount / MEMBERS_PAGE));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pages);
  const rows = await db.item.findMany({
    where: { clusterId },
    select: memberSelect,
    orderBy: [{ firstFlaggedAt: "asc" }, { id: "asc" }],
    skip: (page - 1) * MEMBERS_PAGE,
    take: MEMBERS_PAGE,
  });

  const served = options.served ?? null;
  // The same conditions the cluster decision applies, so the count the form offers is the count decided.
  const decidableWhere = served
    ? {
        clusterId,
        state: served.state as (typeof OPEN_STATES)[number],
        id: { not: served.id },
        queueId: { in: queueIds },
        OR: [{ assignedToId: null }, { assignedToId: viewer.id }],
        AND: [{ OR: [{ claimedById: null }, { claimedById: viewer.id }, { leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] }],
      }
    : null;
  const [decidableCount, decisions] = await Promise.all([
    decidableWhere ? db.item.count({ where: decidableWhere }) : 0,
    db.decision.findMany({
      where: { itemId: { in: rows.map((r) => r.id) } },
      select: { id: true, itemId: true, action: true, copyOfDecisionId: true },
      orderBy: [{ createdAt: "desc" }, { seq: "desc" }],
    }),
  ]);
  const hidden = new Set(
    decisions
      .filter((d) => options.blind.decisionIds.has(d.id) || (!!d.copyOfDecisionId && options.blind.decisionIds.has(d.copyOfDecisionId)))
      .map((d) => d.itemId),
  );
  const latest = new Map<string, string>();
  for (const d of decisions) if (!latest.has(d.itemId)) latest.set(d.itemId, d.action);

  const queueSet = new Set(queueIds);
  const repText = representative ? textOf(representative) : "";
  const repPrint = representative ? fingerprint(representative) : null;
  const members: ClusterMember[] = rows.map((m) => {
    const blind = options.blind.itemIds.has(m.id) || hidden.has(m.id);
    const print = fingerprint(m);
    const decidable =
      !!served &&
      m.id !== served.id &&
      m.state === served.state &&
      !!m.queueId &&
      queueSet.has(m.queueId) &&
      (!m.assignedToId || m.assignedToId === viewer.id) &&
      (!m.claimedById || m.claimedById === viewer.id || !m.leaseExpiresAt || m.leaseExpiresAt < now);
    return {
      id: m.id,
      externalId: m.externalId,
      state: blind ? null : m.state,
      decidedAs: blind ? null : (latest.get(m.id) ?? null),
      blind,
      strongestSource: m.strongestSource,
      countsBySource: JSON.parse(m.countsBySource) as Record<string, number>,
      authorHandle: m.authorHandle,
      authorExternalId: m.authorExternalId,
      similarity:
        m.id === cluster.representativeItemId || (!!m.contentDigest && m.contentDigest === representative?.contentDigest)
          ? 1
          : print && repPrint
            ? similarity(print, repPrint).jaccard
            : null,
      representative: m.id === cluster.representativeItemId,
      served: m.id === served?.id,
      decidable,
      diff: m.id === cluster.representativeItemId ? [] : wordDiff(repText, textOf(m)),
    };
  });

  const sources: Record<string, number> = {};
  let openCount = 0;
  let earliestDueAt: Date | null = null;
  for (const g of openBySource) {
    sources[g.strongestSource] = g._count._all;
    openCount += g._count._all;
    const due = g._min.dueAt;
    if (due && (!earliestDueAt || due < earliestDueAt)) earliestDueAt = due;
  }
  return {
    cluster: {
      id: cluster.id,
      size: memberCount,
      strongestSource: cluster.strongestSource,
      mergedIntoId: cluster.mergedIntoId,
      openCount,
      earliestDueAt,
      /** Open members by their strongest source. */
      sources,
    },
    representative: representative
      ? { id: representative.id, externalId: representative.externalId, title: representative.title, body: representative.body }
      : null,
    members,
    decidableCount,
    page: { number: page, pages, from: rows.length ? (page - 1) * MEMBERS_PAGE + 1 : 0, to: (page - 1) * MEMBERS_PAGE + rows.length },
  };
}

export type ClusterView = NonNullable<Awaited<ReturnType<typeof clusterView>>>;

function fingerprint(item: { signature: string | null; shingleCount: number | null }) {
  return item.signature && item.shingleCount ? { signature: decodeSignature(item.signature), shingles: item.shingleCount } : null;
}

/** The page of members a URL asks for (`page`, 1-based); anything else is the first. */
export function memberPageOf(url: URL): number {
  const n = Number(url.searchParams.get("page"));
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}
