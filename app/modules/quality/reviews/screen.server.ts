import { currentTime } from "~/modules/clock/clock.ts";
// The blind review screen: the item as the first reviewer saw it (the decision's snapshot), with the
// labels of the same label set version, and nothing of the first decision: not its action, labels,
// rationale, reviewer, time, or even its id, and not the item's id (whose page shows its history).
import { db } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import { can } from "~/modules/auth/capabilities.ts";
import type { SessionUser } from "~/modules/auth/session.server.ts";
import { parseSnapshot } from "~/modules/audit/snapshot.ts";
import { getVersion } from "~/modules/labels/sets.server.ts";
import { isLeaseLive } from "~/modules/items/lifecycle.ts";
import { leaseMs } from "~/modules/queue/claims.server.ts";
import { recordMediaReveal } from "../care/reveals.server.ts";
import { QualityError } from "../errors.ts";
import { tookPart } from "./claims.server.ts";

/** Media URLs as a snapshot stored them: a list, or (in older ones) its JSON text. */
export function mediaOf(value: string[] | string | null | undefined): string[] {
  if (Array.isArray(value)) return value;
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

export async function blindReviewScreen(user: SessionUser, reviewId: string, url: URL) {
  const review = await db.qualityReview.findUnique({ where: { id: reviewId } });
  if (!review) return null;
  const now = currentTime();
  const heldByMe = review.claimedById === user.id && isLeaseLive(review.leaseExpiresAt, now) && review.state === "open";
  const mine = review.reviewerId === user.id;
  if (!mine && (await tookPart(user.id, review))) {
    throw new QualityError(403, "took_part", "You decided this item, so its quality review is someone else's: nobody reviews their own decision.");
  }
  const member = review.queueId ? !!(await db.queueMember.findFirst({ where: { queueId: review.queueId, userId: user.id } })) : true;
  // Leads may look at any review (without taking it); moderators at those of their own queues.
  if (!heldByMe && !mine && !member && !can(user.role, "quality:manage")) {
    throw new QualityError(403, "not_member", "This quality review belongs to a queue you are not a member of.");
  }
  const decision = await db.decision.findUniqueOrThrow({ where: { id: review.decisionId }, select: { snapshot: true } });
  const { item: s, flags } = parseSnapshot(decision.snapshot);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const version = review.versionId ? await getVersion(review.versionId) : null;
  const held = review.state === "open" && isLeaseLive(review.leaseExpiresAt, now);
  return {
    review: {
      id: review.id,
      open: review.state === "open",
      claimId: heldByMe ? review.claimId : null,
      leaseExpiresAt: heldByMe ? review.leaseExpiresAt : null,
      heldByOther: held && !heldByMe,
      canClaim: review.state === "open" && !held && member,
    },
    content: {
      platform: s.platform ?? "",
      externalId: "",
      type: s.type,
      title: s.title ?? null,
      body: s.body ?? null,
      url: s.url ?? null,
      mediaUrls: mediaOf(s.mediaUrls),
      language: s.language ?? null,
      postedAt: iso(s.postedAt),
      authorExternalId: null,
      authorHandle: s.authorHandle ?? null,
    },
    flags: flags.map((f, n) => ({
      id: f.id ?? String(n),
      source: f.source,
      reason: f.reason,
      note: f.note ?? null,
      reference: f.reference ?? null,
      receivedAt: iso(f.receivedAt) ?? "",
      dueAt: null,
    })),
    labelSet: version
      ? { name: version.setName, versionNumber: version.number, labels: version.labels.filter((l) => !l.retired) }
      : { name: "", versionNumber: 0, labels: [] },
    // What this reviewer answered, once they have (their own answer only).
    answered:
      mine && review.reviewedAt
        ? { action: review.action, labelKeys: JSON.parse(review.labelKeys) as string[], rationale: review.rationale ?? "", reviewedAt: review.reviewedAt }
        : null,
    revealed: user.revealMedia || url.searchParams.get("reveal") === "1",
    mediaOrigins: env.DOCKET_MEDIA_ORIGINS,
    renewEveryMs: Math.max(5_000, Math.min(120_000, Math.floor(leaseMs() / 3))),
    now: now.toISOString(),
  };
}

export type BlindReviewScreen = NonNullable<Awaited<ReturnType<typeof blindReviewScreen>>>;

/** A reveal on the blind screen counts as one of the item's, for the reviewer's exposure. */
export async function recordBlindReveal(userId: string, reviewId: string): Promise<void> {
  const review = await db.qualityReview.findUnique({ where: { id: reviewId }, select: { itemId: true } });
  if (review) await recordMediaReveal(userId, review.itemId);
}
