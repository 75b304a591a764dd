import { currentTime } from "~/modules/clock/clock.ts";
// What the appeal review screen shows: the contested decision exactly as it was made (its snapshot,
// its labels in the text of their version, who and when), the appellant's statement, the item as it
// is now, and how the labels involved read in the live version when the label set has changed since.
import { db } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import type { SessionUser } from "~/modules/auth/session.server.ts";
import { can } from "~/modules/auth/capabilities.ts";
import { getDecisionRecord } from "~/modules/audit/decisions.server.ts";
import { isLeaseLive } from "~/modules/items/lifecycle.ts";
import { diffLabels } from "~/modules/labels/diff.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { getVersion } from "~/modules/labels/sets.server.ts";
import { leaseMs } from "~/modules/queue/claims.server.ts";
import { ANSWER_PLACEHOLDERS, DISPUTE_SETTLEMENT_NOTICE } from "./answer.ts";
import { decisionChain } from "./chain.server.ts";
import { CLAIM_REFUSALS, tookPart } from "./claims.server.ts";
import { answerTemplates } from "./templates.server.ts";

export async function appealScreen(user: SessionUser, appealId: string, url: URL) {
  const appeal = await db.appeal.findUnique({ where: { id: appealId } });
  if (!appeal) return null;
  const now = currentTime();
  const [contested, item, queue, partOf, member, holder, chain, decidedBy] = await Promise.all([
    getDecisionRecord(appeal.decisionId),
    db.item.findUniqueOrThrow({
      where: { id: appeal.itemId },
      select: {
        id: true,
        platform: true,
        externalId: true,
        type: true,
        title: true,
        body: true,
        url: true,
        mediaUrls: true,
        language: true,
        authorHandle: true,
        authorExternalId: true,
        state: true,
        topReason: true,
        strongestSource: true,
        flagCount: true,
        decisions: {
          orderBy: { seq: "asc" },
          select: { id: true, action: true, labelKeys: true, createdAt: true, supersedesId: true, appealId: true, user: { select: { name: true } } },
        },
      },
    }),
    appeal.queueId ? db.queue.findUnique({ where: { id: appeal.queueId }, select: { id: true, name: true, open: true, deletedAt: true } }) : null,
    tookPart(user.id, appeal.itemId),
    appeal.queueId ? db.queueMember.findUnique({ where: { queueId_userId: { queueId: appeal.queueId, userId: user.id } } }) : null,
    appeal.claimedById && isLeaseLive(appeal.leaseExpiresAt, now)
      ? db.user.findUnique({ where: { id: appeal.claimedById }, select: { id: true, name: true } })
      : null,
    decisionChain(appeal.decisionId),
    appeal.decidedById ? db.user.findUnique({ where: { id: appeal.decidedById }, select: { name: true, email: true } }) : null,
  ]);
  if (!contested) return null;
  const heldByMe = holder?.id === user.id;
  const reader = can(user.role, "appeals:read");
  // A reviewer who reads no other appeals sees those waiting in their own queues, the one they hold
  // and the ones they answered; colleagues' answered appeals (their overturn record) are the leads'.
  if (!reader && !heldByMe && appeal.decidedById !== user.id && !(appeal.state === "open" && member)) return null;
  const latest = item.decisions.at(-1);
  const liveSets = await liveLabelSetsForReason(item.topReason);
  const labelChanges = await changesSince(contested.version?.id ?? null, contested.labelKeys);
  const templates = await answerTemplates();
  const refusal =
    appeal.state !== "open" ? null : partOf ? CLAIM_REFUSALS.took_part : !appeal.queueId ? CLAIM_REFUSALS.unrouted : !member ? CLAIM_REFUSALS.not_member : null;
  return {
    appeal: {
      id: appeal.id,
      externalId: appeal.externalId,
      platform: appeal.platform,
      appellantRole: appeal.appellantRole,
      appellantId: appeal.appellantId,
      statement: appeal.statement,
      channel: appeal.channel,
      receivedAt: appeal.receivedAt,
      dueAt: appeal.dueAt,
      overdue: appeal.state === "open" && appeal.dueAt < now,
      state: appeal.state,
      outcome: appeal.outcome,
      rationale: appeal.rationale,
      answer: appeal.answer,
      decidedAt: appeal.decidedAt,
      decidedBy: reader || appeal.decidedById === user.id ? decidedBy : null,
      newDecisionId: appeal.newDecisionId,
      routeNote: appeal.routeNote,
      claimId: heldByMe ? appeal.claimId : null,
      leaseExpiresAt: heldByMe ? appeal.leaseExpiresAt : null,
    },
    contested,
    /** The decision that stands when it is no longer the contested one: the appeal is answered with it. */
    replacedBy:
      appeal.state === "open" && latest && latest.id !== appeal.decisionId ? { id: latest.id, action: latest.action, createdAt: latest.createdAt } : null,
    chain,
    item: {
      ...item,
      mediaUrls: JSON.parse(item.mediaUrls) as string[],
      decisions: item.decisions.map((d) => ({ ...d, labelKeys: JSON.parse(d.labelKeys) as string[] })),
    },
    queue: queue ? { id: queue.id, name: queue.name, open: queue.open && !queue.deletedAt } : null,
    liveSets,
    labelChanges,
    templates: { upheld: templates.upheld.body, overturned: templates.overturned.body, modified: templates.modified.body },
    placeholders: ANSWER_PLACEHOLDERS,
    disputeNotice: DISPUTE_SETTLEMENT_NOTICE,
    heldByMe,
    holder: heldByMe ? null : holder ? { name: holder.name } : null,
    tookPart: partOf,
    /** Why this user cannot review it, if they cannot (shown instead of the claim button). */
    refusal,
    canClaim: appeal.state === "open" && !refusal && !holder && can(user.role, "appeals:review"),
    canRelease: appeal.state === "open" && !!holder && (heldByMe || can(user.role, "appeals:manage")),
    /** The lease a lead may end for someone else (the holder's own form carries it as appeal.claimId). */
    holderClaimId: appeal.state === "open" && holder && !heldByMe && can(user.role, "appeals:manage") ? appeal.claimId : null,
    canMove: appeal.state === "open" && can(user.role, "appeals:manage"),
    revealed: user.revealMedia || url.searchParams.get("reveal") === "1",
    mediaOrigins: env.DOCKET_MEDIA_ORIGINS,
    renewEveryMs: Math.max(5_000, Math.min(120_000, Math.floor(leaseMs() / 3))),
    now: now.toISOString(),
  };
}

/**
 * The labels the contested decision applied, compared with the live version of their set when it is
 * a later one: what a reviewer must know before judging the decision by today's rules.
 */
async function changesSince(versionId: string | null, labelKeys: string[]) {
  if (!versionId) return null;
  const then = await getVersion(versionId);
  if (!then) return null;
  const liveRow = await db.labelSetVersion.findFirst({ where: { labelSetId: then.setId, status: "published" }, select: { id: true } });
  if (!liveRow || liveRow.id === then.id) return null;
  const live = (await getVersion(liveRow.id))!;
  const involved = new Set(labelKeys);
  const diff = diffLabels(
    then.labels.filter((l) => involved.has(l.key)),
    live.labels.filter((l) => involved.has(l.key)),
    { ignorePosition: true },
  );
  return { fromNumber: then.number, toNumber: live.number, setName: then.setName, diff };
}
