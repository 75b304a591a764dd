import { transaction } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { NO_LEASE } from "~/modules/queue/leases.server.ts";
import { holdRoutingGeneration, routingContext } from "~/modules/routing/live.server.ts";
import { AppealError } from "./errors.ts";
import { appealDueAt } from "./item.server.ts";

/**
 * A lead moves an open appeal to a queue (an unrouted one, or one that waits in the wrong place). Its
 * deadline follows the new queue's appeal hours from the time it was received, never later than it
 * was (a move must not hide lateness); a lease on it ends.
 */
export async function moveAppeal(actor: Extract<Actor, { kind: "user" }>, appealId: string, queueId: string, reason: string) {
  if (reason.trim().length < 3) throw new AppealError(400, "invalid_request", "Say why the appeal moves.", "reason");
  return transaction(async (tx) => {
    await holdRoutingGeneration(tx);
    const appeal = await tx.appeal.findUnique({
      where: { id: appealId },
      select: { state: true, queueId: true, receivedAt: true, dueAt: true, itemId: true, decision: { select: { action: true } } },
    });
    if (!appeal) throw new AppealError(404, "not_found", "There is no such appeal.");
    if (appeal.state !== "open") throw new AppealError(409, "not_open", "This appeal has been answered; it no longer waits in a queue.");
    const routing = await routingContext(tx);
    const queue = routing.queues.get(queueId);
    if (!queue || queue.deleted || !queue.open) throw new AppealError(400, "invalid_request", "Choose an open queue.", "queueId");
    const inQueue = await appealDueAt(
      tx,
      { receivedAt: appeal.receivedAt, itemId: appeal.itemId, contestedAction: appeal.decision.action },
      queue.deadlineHours.appeal,
    );
    const dueAt = inQueue < appeal.dueAt ? inQueue : appeal.dueAt;
    // Guarded by the state read: an appeal answered in the meantime stays where it was answered.
    const { count } = await tx.appeal.updateMany({
      where: { id: appealId, state: "open" },
      data: { queueId, routedBy: `lead:${actor.id}`, routeNote: reason.trim(), dueAt, ...NO_LEASE },
    });
    if (count !== 1) throw new AppealError(409, "not_open", "This appeal has been answered; it no longer waits in a queue.");
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
