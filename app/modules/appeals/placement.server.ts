import { transaction } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { holdRoutingGeneration, routingContext } from "~/modules/routing/live.server.ts";
import { AppealError } from "./errors.ts";
import { appealHours, isRestricting } from "./standing.ts";

/**
 * A lead moves an open appeal to a queue (an unrouted one, or one that waits in the wrong place). Its
 * deadline follows the new queue's appeal hours from the time it was received; a lease on it ends.
 */
export async function moveAppeal(actor: Extract<Actor, { kind: "user" }>, appealId: string, queueId: string, reason: string) {
  if (reason.trim().length < 3) throw new AppealError(400, "invalid_request", "Say why the appeal moves.", "reason");
  return transaction(async (tx) => {
    await holdRoutingGeneration(tx);
    const appeal = await tx.appeal.findUnique({
      where: { id: appealId },
      select: { state: true, queueId: true, receivedAt: true, itemId: true, decision: { select: { action: true } } },
    });
    if (!appeal) throw new AppealError(404, "not_found", "There is no such appeal.");
    if (appeal.state !== "open") throw new AppealError(409, "not_open", "This appeal has been answered; it no longer waits in a queue.");
    const routing = await routingContext(tx);
    const queue = routing.queues.get(queueId);
    if (!queue || queue.deleted || !queue.open) throw new AppealError(400, "invalid_request", "Choose an open queue.", "queueId");
    const underOrder = isRestricting(appeal.decision.action) && (await tx.flag.count({ where: { itemId: appeal.itemId, source: "removal_order" } })) > 0;
    const dueAt = new Date(appeal.receivedAt.getTime() + appealHours(queue.deadlineHours.appeal, env.DOCKET_APPEAL_DEADLINE_HOURS, underOrder) * 3_600_000);
    await tx.appeal.update({
      where: { id: appealId },
      data: { queueId, routedBy: `lead:${actor.id}`, routeNote: reason.trim(), dueAt, claimId: null, claimedById: null, leaseExpiresAt: null },
    });
    await appendAuditEvent(tx, {
      actor,
      action: "appeal.moved",
      subjectType: "appeal",
      subjectId: appealId,
      payload: { appealId, fromQueueId: appeal.queueId, toQueueId: queueId, reason: reason.trim(), dueAt },
    });
    return { dueAt };
  });
}
