import { currentTime } from "~/modules/clock/clock.ts";
import { z } from "zod";
import { db } from "~/db.server.ts";
import { FeedDecision, feedDecision, feedDecisionSelect } from "~/modules/decisions/feed.server.ts";
import { identifier } from "~/modules/intake/schema.ts";
import { ITEM_STATES, isOpen } from "./lifecycle.ts";

/**
 * An item's external id as it stands in a request path, still percent-encoded: decoded once, then
 * held to the rule intake holds content.externalId to, so any id a platform could send can be asked
 * for and nothing else reaches the database.
 */
export const ExternalIdSegment = z
  .string()
  .transform((raw, ctx) => {
    try {
      return decodeURIComponent(raw);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "externalId is not validly percent-encoded (RFC 3986); encode it with encodeURIComponent." });
      return z.NEVER;
    }
  })
  .pipe(identifier("externalId"));

/** What GET /api/v1/items/{externalId} answers. */
export const ItemStatusView = z.object({
  itemId: z.string(),
  externalId: z.string(),
  platform: z.string(),
  state: z.string().describe(`One of ${ITEM_STATES.join(", ")}.`),
  queue: z.object({ id: z.string(), name: z.string() }).nullable().describe("The queue the item waits in, or null."),
  unrouted: z.boolean().describe("An open item that no queue holds yet."),
  dueAt: z.string().datetime().nullable(),
  overdue: z.boolean(),
  clusterId: z.string().nullable().describe("Near-duplicates share a cluster."),
  clusterSize: z.number().int().describe("How many items the cluster holds; 1 for an item alone."),
  flagCount: z.number().int(),
  firstFlaggedAt: z.string().datetime(),
  lastFlaggedAt: z.string().datetime(),
  decidedAt: z.string().datetime().nullable(),
  decisions: z.array(FeedDecision).describe("The decisions on the item, oldest first, each as the decisions feed shows it."),
});

/**
 * Where one of a platform's items stands, for the platform to tell its reporter: its state, its
 * queue, its deadline and the decisions on it (oldest first, each as the decisions feed shows it).
 * Null when the platform has no item by that id, whether or not another platform has one. Nothing
 * about who works the item (moderators, assignment, lease, routing notes) is in it.
 */
export async function itemStatus(platform: string, externalId: string, now: Date = currentTime()) {
  const item = await db.item.findUnique({
    where: { platform_externalId: { platform, externalId } },
    select: {
      id: true,
      externalId: true,
      platform: true,
      state: true,
      queueId: true,
      dueAt: true,
      flagCount: true,
      firstFlaggedAt: true,
      lastFlaggedAt: true,
      decidedAt: true,
      clusterId: true,
    },
  });
  if (!item) return null;
  const [queue, cluster, decisions] = await Promise.all([
    // Queues are never removed, only marked closed or deleted, so an item still in one shows its name.
    item.queueId ? db.queue.findUnique({ where: { id: item.queueId }, select: { id: true, name: true } }) : null,
    item.clusterId ? db.cluster.findUnique({ where: { id: item.clusterId }, select: { size: true } }) : null,
    db.decision.findMany({ where: { itemId: item.id }, orderBy: { seq: "asc" }, select: feedDecisionSelect }),
  ]);
  const open = isOpen(item.state);
  return {
    itemId: item.id,
    externalId: item.externalId,
    platform: item.platform,
    state: item.state,
    queue: queue ? { id: queue.id, name: queue.name } : null,
    unrouted: open && item.queueId === null,
    dueAt: item.dueAt?.toISOString() ?? null,
    overdue: open && item.dueAt !== null && item.dueAt.getTime() < now.getTime(),
    // Near-duplicates share a cluster; an item alone is in a cluster of one.
    clusterId: item.clusterId,
    clusterSize: cluster?.size ?? 1,
    flagCount: item.flagCount,
    firstFlaggedAt: item.firstFlaggedAt.toISOString(),
    lastFlaggedAt: item.lastFlaggedAt.toISOString(),
    decidedAt: item.decidedAt?.toISOString() ?? null,
    decisions: decisions.map(feedDecision),
  } satisfies z.input<typeof ItemStatusView>;
}

export type ItemStatus = NonNullable<Awaited<ReturnType<typeof itemStatus>>>;
