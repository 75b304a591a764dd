import { currentTime } from "~/modules/clock/clock.ts";
import { db } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import { decisionHistory } from "~/modules/decisions/feed.server.ts";
import type { SessionUser } from "~/modules/auth/session.server.ts";
import { ACTIONS } from "~/modules/decisions/actions.ts";
import { can } from "~/modules/auth/capabilities.ts";
import { decisionTransition, isLeaseLive, isOpen, workableStates } from "~/modules/items/lifecycle.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { calibrationReviewData } from "~/modules/quality/calibration/screen.server.ts";
import { QualityError } from "~/modules/quality/errors.ts";
import { blindTo } from "~/modules/quality/reviews/claims.server.ts";
import { leaseMs } from "~/modules/queue/claims.server.ts";
import { clusterView, memberPageOf } from "~/modules/clusters/view.server.ts";
import { workQueueOf } from "./intents.server.ts";

/**
 * Everything the review screen shows for one item, for this reviewer: the item, its flags, history
 * and cluster, the live labels, and what the reviewer may do with it. Null when the item does not exist.
 * A calibration item served to this reviewer has an answer's id and is shown exactly as an item is
 * (docs/decisions/035-calibration-items.md); to anyone else that id names nothing. Refused (403)
 * while the item waits for a blind review this reviewer may do (docs/decisions/034-quality-review.md).
 */
export async function reviewScreen(user: SessionUser, itemId: string, url: URL) {
  const blind = await blindTo(user.id);
  if (blind.itemIds.has(itemId)) {
    throw new QualityError(
      403,
      "blind_review",
      "This item waits for a blind quality review you may do; its page shows the decision it has, so it stays closed to you until that review is done.",
    );
  }
  const found = (await reviewData(itemId, user.id)) ?? (await calibrationReviewData(user.id, itemId, workQueueOf(url)));
  if (!found) return null;
  const data = { ...found, history: withoutBlind(found.history, blind) };
  const { state } = data.item;
  const cluster = data.clusterId ? await clusterView(user, data.clusterId, { page: memberPageOf(url), served: { id: data.item.id, state }, blind }) : null;
  const member = data.queue ? !!(await db.queueMember.findUnique({ where: { queueId_userId: { queueId: data.queue.id, userId: user.id } } })) : false;
  return {
    ...data,
    /** The cluster's members (one page), their differences from the representative, and how many a cluster decision would reach. */
    cluster,
    /** Holders of clusters:decide may decide the cluster or a selection of it, and split a member out. */
    canDecideCluster: can(user.role, "clusters:decide"),
    /** Leads see the way to move, assign or hand the item over. */
    canPlace: can(user.role, "queue:manage"),
    viewerId: user.id,
    now: currentTime().toISOString(),
    revealed: user.revealMedia || url.searchParams.get("reveal") === "1",
    renewEveryMs: Math.max(5_000, Math.min(120_000, Math.floor(leaseMs() / 3))),
    /** Nobody holds it, it waits in an open queue this reviewer is a member of, in a state they may work, and is not assigned to someone else. */
    canClaim:
      !data.heldByMe &&
      !data.holder &&
      isOpen(state) &&
      workableStates(user.role).includes(state) &&
      member &&
      !!data.queue?.open &&
      (!data.assignedToId || data.assignedToId === user.id),
    /** The actions the item's state allows (an escalated item cannot be escalated again); a closed item lists them all. */
    actions: isOpen(state) ? ACTIONS.filter((a) => decisionTransition(a, state) !== null) : ACTIONS,
    notice: url.searchParams.get("notice"),
  };
}

export type ReviewData = NonNullable<Awaited<ReturnType<typeof reviewData>>>;

type History = Awaited<ReturnType<typeof decisionHistory>>;

/** The history without decisions under a blind review this reviewer may still do, nor their copies' decisions. */
function withoutBlind(history: History, blind: { decisionIds: Set<string>; itemIds: Set<string> }): History {
  if (blind.decisionIds.size === 0) return history;
  const hidden = (d: History["onItem"][number]) => blind.itemIds.has(d.itemId) || (!!d.copyOfDecisionId && blind.decisionIds.has(d.copyOfDecisionId));
  return { onItem: history.onItem.filter((d) => !hidden(d)), onAuthor: history.onAuthor.filter((d) => !hidden(d)) };
}

async function reviewData(itemId: string, userId: string) {
  const item = await db.item.findUnique({ where: { id: itemId }, include: { flags: { orderBy: { receivedAt: "asc" } } } });
  if (!item) return null;
  const now = currentTime();
  const [labelSets, history, holder] = await Promise.all([
    liveLabelSetsForReason(item.topReason),
    decisionHistory(item),
    item.claimedById && isLeaseLive(item.leaseExpiresAt, now)
      ? db.user.findUnique({ where: { id: item.claimedById }, select: { email: true, name: true } })
      : Promise.resolve(null),
  ]);
  const heldByMe = item.claimedById === userId && isLeaseLive(item.leaseExpiresAt, now);
  const queue = item.queueId ? await db.queue.findUnique({ where: { id: item.queueId }, select: { id: true, name: true, open: true, deletedAt: true } }) : null;
  return {
    item: {
      id: item.id,
      platform: item.platform,
      externalId: item.externalId,
      type: item.type,
      title: item.title,
      body: item.body,
      url: item.url,
      mediaUrls: JSON.parse(item.mediaUrls) as string[],
      language: item.language,
      postedAt: item.postedAt,
      authorExternalId: item.authorExternalId,
      authorHandle: item.authorHandle,
      state: item.state,
      priority: item.priority,
      dueAt: item.dueAt,
      strongestSource: item.strongestSource,
      topReason: item.topReason,
      flagCount: item.flagCount,
      reporterCount: item.reporterCount,
      countsBySource: JSON.parse(item.countsBySource) as Record<string, number>,
      countsByReason: JSON.parse(item.countsByReason) as Record<string, number>,
      firstFlaggedAt: item.firstFlaggedAt,
      claimId: heldByMe ? item.claimId : null,
      leaseExpiresAt: item.leaseExpiresAt,
    },
    flags: item.flags.map((f) => ({
      id: f.id,
      source: f.source,
      reason: f.reason,
      note: f.note,
      reference: f.reference,
      reporterId: f.reporterId,
      receivedAt: f.receivedAt,
      dueAt: f.dueAt,
    })),
    labelSets,
    history,
    /** The item's near-duplicate cluster; the screen reads it through the cluster view. */
    clusterId: item.clusterId,
    heldByMe,
    holder: heldByMe ? null : holder,
    queue: queue ? { id: queue.id, name: queue.name, open: queue.open && !queue.deletedAt } : null,
    assignedToId: item.assignedToId,
    mediaOrigins: env.DOCKET_MEDIA_ORIGINS,
  };
}
