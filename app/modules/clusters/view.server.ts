import { currentTime } from "~/modules/clock/clock.ts";
import { db } from "~/db.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { OPEN_STATES } from "~/modules/items/lifecycle.ts";
import { recentLiveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { decidableReasons, deciderQueueIds, eligibleWhere, isEligible, type Eligibility } from "./eligibility.server.ts";
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
  clusterId: true,
  topReason: true,
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
  const now = currentTime();
  const open = { clusterId, state: { in: [...OPEN_STATES] } };
  const served = options.served ?? null;
  const [openBySource, memberCount, representative, eligibility] = await Promise.all([
    db.item.groupBy({ by: ["strongestSource"], where: open, _count: { _all: true }, _min: { dueAt: true } }),
    db.item.count({ where: { clusterId } }),
    db.item.findUnique({ where: { id: cluster.representativeItemId }, select: memberSelect }),
    served ? eligibilityOf(viewer, clusterId, served, now) : null,
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

  // The rule the cluster decision applies (eligibility.server.ts), so the count the form offers is the count decided.
  const [decidableCount, decisions] = await Promise.all([
    served && eligibility ? db.item.count({ where: { ...eligibleWhere(eligibility), id: { not: served.id } } }) : 0,
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

  const repText = representative ? textOf(representative) : "";
  const repPrint = representative ? fingerprint(representative) : null;
  const members: ClusterMember[] = rows.map((m) => {
    const blind = options.blind.itemIds.has(m.id) || hidden.has(m.id);
    const print = fingerprint(m);
    const decidable = !!served && !!eligibility && m.id !== served.id && isEligible(m, eligibility);
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

/**
 * What a cluster decision on the served item would reach, as far as it can be known before the
 * decider chooses labels: the label versions are those live for the served item's reason.
 */
async function eligibilityOf(viewer: Viewer, clusterId: string, served: { id: string; state: string }, now: Date): Promise<Eligibility> {
  const [item, queueIds, byReason] = await Promise.all([
    db.item.findUniqueOrThrow({ where: { id: served.id }, select: { topReason: true } }),
    deciderQueueIds(viewer.id),
    db.item.groupBy({ by: ["topReason"], where: { clusterId, state: served.state as (typeof OPEN_STATES)[number] } }),
  ]);
  const versionIds = (await recentLiveLabelSetsForReason(item.topReason)).map((s) => s.versionId);
  const reasons = await decidableReasons(
    byReason.map((r) => r.topReason),
    { versionIds, deciderId: viewer.id, state: served.state, servedReason: item.topReason, now },
  );
  return { clusterIds: [clusterId], state: served.state, deciderId: viewer.id, queueIds, reasons, now };
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
