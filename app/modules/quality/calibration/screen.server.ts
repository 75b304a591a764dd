import { createHash } from "node:crypto";
import { db } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import { INITIAL_STATE } from "~/modules/items/lifecycle.ts";
import { isSource } from "~/modules/items/sources.ts";
import { liveLabelSetsForReason, severityLookup } from "~/modules/labels/live.server.ts";
import { computePriority, deadlineFor } from "~/modules/queue/policy.ts";
import type { ReviewData } from "~/modules/review/screen.server.ts";
import { openAnswer } from "./answers.server.ts";

/** Stable made-up identifiers for a served calibration item, the way a platform's would look: digits, or a UUID. */
function digest(seed: string) {
  return createHash("sha256").update(seed).digest("hex");
}
const platformNumber = (seed: string) =>
  BigInt(`0x${digest(seed).slice(0, 15)}`)
    .toString()
    .padStart(18, "1");
function uuidFrom(seed: string, at: Date) {
  const h = `${at.getTime().toString(16).padStart(12, "0")}7${digest(seed).slice(0, 3)}${"89ab"[parseInt(digest(seed)[3]!, 16) % 4]}${digest(seed).slice(4, 19)}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** When the content was posted: as long before the notice as the source item's was, else some hours before it. */
function postedBefore(receivedAt: Date, seed: string, source: { postedAt: Date | null; firstFlaggedAt: Date } | null): Date {
  const gap = source?.postedAt
    ? Math.max(60_000, source.firstFlaggedAt.getTime() - source.postedAt.getTime())
    : (parseInt(digest(`posted:${seed}`).slice(0, 6), 16) % 36) * 3_600_000 + 600_000;
  return new Date(receivedAt.getTime() - gap);
}

/** A queue of the user's that the item could have come from: the one they chose to work, else one holding items of its reason. */
async function queueFor(userId: string, reason: string, workQueue: string | null) {
  const memberships = await db.queueMember.findMany({
    where: { userId, queue: { open: true, deletedAt: null } },
    select: { queue: { select: { id: true, name: true } } },
    orderBy: { queue: { name: "asc" } },
  });
  const queues = memberships.map((m) => m.queue);
  const chosen = queues.find((q) => q.id === workQueue);
  if (chosen) return chosen;
  const withReason =
    queues.length > 1 ? await db.item.findFirst({ where: { topReason: reason, queueId: { in: queues.map((q) => q.id) } }, select: { queueId: true } }) : null;
  return queues.find((q) => q.id === withReason?.queueId) ?? queues[0] ?? null;
}

/**
 * The review screen's data for a calibration item served to this user, in the shape of an item's:
 * one notice from the item's source and reason received when it was served, no history, no copies,
 * the live labels for the reason, held by the user for the serving's lease. Null for anyone else,
 * and once the serving is answered, released or expired.
 */
export async function calibrationReviewData(userId: string, answerId: string, workQueue: string | null): Promise<ReviewData | null> {
  const answer = await openAnswer(userId, answerId);
  if (!answer) return null;
  const c = answer.calibrationItem;
  const source = isSource(c.source) ? c.source : "user_report";
  const receivedAt = answer.servedAt;
  const dueAt = deadlineFor(source, receivedAt, {});
  const [labelSets, severity, queue, copiedFrom, recent] = await Promise.all([
    liveLabelSetsForReason(c.reason),
    severityLookup(),
    queueFor(userId, c.reason, workQueue),
    c.sourceItemId
      ? db.item.findUnique({ where: { id: c.sourceItemId }, select: { platform: true, postedAt: true, firstFlaggedAt: true } })
      : Promise.resolve(null),
    db.item.findFirst({ orderBy: { firstFlaggedAt: "desc" }, select: { platform: true } }),
  ]);
  return {
    item: {
      id: answer.id,
      platform: copiedFrom?.platform ?? recent?.platform ?? "web",
      externalId: platformNumber(answer.id),
      type: c.type,
      title: c.title,
      body: c.body,
      url: null,
      mediaUrls: JSON.parse(c.mediaUrls) as string[],
      language: c.language,
      // An author and a posting time like a platform's, stable for the serving; never the source item's
      // author, whose other decisions the history would then list beside it.
      postedAt: postedBefore(receivedAt, answer.id, copiedFrom),
      authorExternalId: platformNumber(`author:${answer.id}`),
      authorHandle: `user_${platformNumber(`handle:${answer.id}`).slice(0, 9)}`,
      state: INITIAL_STATE,
      priority: computePriority({ source, severity: severity(c.reason), reporters: 1, dueAt, now: receivedAt }),
      dueAt,
      strongestSource: source,
      topReason: c.reason,
      flagCount: 1,
      reporterCount: 1,
      countsBySource: { [source]: 1 },
      countsByReason: { [c.reason]: 1 },
      firstFlaggedAt: receivedAt,
      claimId: answer.claimId,
      leaseExpiresAt: answer.expiresAt,
    },
    flags: [
      {
        id: uuidFrom(`flag:${answer.id}`, receivedAt),
        source,
        reason: c.reason,
        note: null,
        reference: null,
        reporterId: source === "user_report" ? platformNumber(`reporter:${answer.id}`) : null,
        receivedAt,
        dueAt,
      },
    ],
    labelSets,
    history: { onItem: [], onAuthor: [] },
    clusterId: null,
    heldByMe: true,
    holder: null,
    queue: queue ? { ...queue, open: true } : null,
    assignedToId: null,
    mediaOrigins: env.DOCKET_MEDIA_ORIGINS,
  };
}
