import { currentTime } from "~/modules/clock/clock.ts";
// A lead's hand on where an item waits and who takes it: move it to another queue, assign it to a
// named member of its queue, take an assignment back, hand a claimed item to another member, and run
// the live rules again over items that wait unrouted. Every change is one transaction with its audit
// event; each reads the item under lock and refuses with a reason when the item moved on meanwhile.
import { clusterSizes } from "~/modules/clusters/sizes.server.ts";
import { dialect, transaction, type Tx } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { can, type Role } from "~/modules/auth/capabilities.ts";
import { CLAIM_END, ESCALATED_STATE, isLeaseLive, isOpen, OPEN_STATES } from "~/modules/items/lifecycle.ts";
import { deadlineHoursIn, holdRoutingGeneration, routedEvent, routingContext, subjectOf } from "~/modules/routing/live.server.ts";
import { routeItem, type RouteResult } from "~/modules/routing/rules.ts";
import { deadlineFromFlags } from "./policy.ts";

export type Lead = { id: string; email: string; role: Role };

/** A refusal the lead can act on: the item or person is not in a state that allows the change. */
export class AssignmentRefusedError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly field?: "queueId" | "assigneeId" | "reason",
  ) {
    super(message);
  }
}

const actorOf = (lead: Lead): Actor => ({ kind: "user", id: lead.id, email: lead.email, role: lead.role });

/** Locks the item for the change (PostgreSQL; SQLite's write lock already serialises) and reads it. */
async function lockedItem(tx: Tx, itemId: string) {
  if (dialect === "postgresql") await tx.$queryRaw`SELECT 1 FROM "Item" WHERE "id" = ${itemId} FOR NO KEY UPDATE`;
  const item = await tx.item.findUnique({
    where: { id: itemId },
    select: {
      id: true,
      state: true,
      queueId: true,
      assignedToId: true,
      claimId: true,
      claimedById: true,
      leaseExpiresAt: true,
      strongestSource: true,
      countsByReason: true,
      language: true,
      platform: true,
      type: true,
      contentDigest: true,
    },
  });
  if (!item) throw new AssignmentRefusedError(404, "That item does not exist.");
  if (!isOpen(item.state)) throw new AssignmentRefusedError(409, "This item is no longer open: it has been decided.");
  return item;
}

/** A live, open queue, or a refusal naming the field. */
async function openQueue(tx: Tx, queueId: string) {
  const queue = await tx.queue.findUnique({ where: { id: queueId } });
  if (!queue || queue.deletedAt) throw new AssignmentRefusedError(400, "Choose an existing queue.", "queueId");
  if (!queue.open) throw new AssignmentRefusedError(409, `Queue "${queue.name}" is closed; open it first or choose another.`, "queueId");
  return queue;
}

/** An active member of the queue who may work items in the item's state. */
async function memberOf(tx: Tx, queueId: string, userId: string, state: string) {
  // Key-share the membership so a removal waits for this change (and then unassigns what it made).
  if (dialect === "postgresql") await tx.$queryRaw`SELECT 1 FROM "QueueMember" WHERE "queueId" = ${queueId} AND "userId" = ${userId} FOR KEY SHARE`;
  const member = await tx.queueMember.findUnique({ where: { queueId_userId: { queueId, userId } }, include: { user: true } });
  if (!member || member.user.disabled) throw new AssignmentRefusedError(400, "Choose an active member of the item's queue.", "assigneeId");
  const capability = state === ESCALATED_STATE ? "escalations:decide" : "queue:review";
  if (!can(member.user.role as Role, capability)) {
    throw new AssignmentRefusedError(400, `${member.user.name} cannot decide items in this state (${state}).`, "assigneeId");
  }
  return member.user;
}

/**
 * Moves an open item to another queue with a reason. Its deadline is worked out again from its flags
 * with the new queue's hours (a removal order keeps its hour); an assignment ends, a live lease stays
 * with its holder, who may finish.
 */
export async function moveItem(lead: Lead, input: { itemId: string; queueId: string; reason: string }) {
  return transaction(async (tx) => {
    // Share the routing generation first: a queue being closed waits, and then sees this item.
    await holdRoutingGeneration(tx, dialect);
    const item = await lockedItem(tx, input.itemId);
    if (item.queueId === input.queueId) throw new AssignmentRefusedError(409, "The item already waits in that queue.", "queueId");
    const queue = await openQueue(tx, input.queueId);
    const routing = await routingContext(tx);
    const hours = deadlineHoursIn(routing, queue.id);
    const dueAt = deadlineFromFlags(await tx.flag.findMany({ where: { itemId: item.id }, select: { source: true, receivedAt: true } }), hours);
    await tx.item.update({
      where: { id: item.id },
      data: {
        queueId: queue.id,
        routedBy: `lead:${lead.id}`,
        routeNote: `Moved by ${lead.email}: ${input.reason}`,
        assignedToId: null,
        assignedAt: null,
        dueAt,
      },
    });
    await appendAuditEvent(tx, {
      actor: actorOf(lead),
      action: "item.moved",
      subjectType: "item",
      subjectId: item.id,
      payload: { itemId: item.id, fromQueueId: item.queueId, toQueueId: queue.id, reason: input.reason, dueAt },
    });
    return { queueId: queue.id, dueAt };
  });
}

/**
 * Assigns an open, routed item to a member of its queue: it waits first in their "Next item", and
 * nobody else can claim it while the assignment lasts. An item someone else holds is handed over instead.
 */
export async function assignItem(lead: Lead, input: { itemId: string; assigneeId: string; reason: string }) {
  return transaction(async (tx) => {
    const item = await lockedItem(tx, input.itemId);
    if (!item.queueId) throw new AssignmentRefusedError(409, "Route or move the item to a queue before assigning it.", "queueId");
    const assignee = await memberOf(tx, item.queueId, input.assigneeId, item.state);
    const now = currentTime();
    if (isLeaseLive(item.leaseExpiresAt, now) && item.claimedById !== assignee.id) {
      throw new AssignmentRefusedError(409, "Someone is working on this item: hand it over instead of assigning it.");
    }
    if (item.assignedToId === assignee.id) throw new AssignmentRefusedError(409, `The item is already assigned to ${assignee.name}.`, "assigneeId");
    await tx.item.update({ where: { id: item.id }, data: { assignedToId: assignee.id, assignedAt: now } });
    await appendAuditEvent(tx, {
      actor: actorOf(lead),
      action: "item.assigned",
      subjectType: "item",
      subjectId: item.id,
      payload: {
        itemId: item.id,
        queueId: item.queueId,
        assigneeId: assignee.id,
        assigneeEmail: assignee.email,
        previousAssigneeId: item.assignedToId,
        reason: input.reason,
      },
    });
  });
}

/** Ends an assignment: the item goes back to every member of its queue. */
export async function unassignItem(lead: Lead, input: { itemId: string; reason: string }) {
  return transaction(async (tx) => {
    const item = await lockedItem(tx, input.itemId);
    if (!item.assignedToId) throw new AssignmentRefusedError(409, "The item is not assigned to anyone.");
    await tx.item.update({ where: { id: item.id }, data: { assignedToId: null, assignedAt: null } });
    await appendAuditEvent(tx, {
      actor: actorOf(lead),
      action: "item.unassigned",
      subjectType: "item",
      subjectId: item.id,
      payload: { itemId: item.id, assigneeId: item.assignedToId, reason: input.reason },
    });
  });
}

/**
 * Hands a claimed item to another member of its queue: the holder's lease ends (recorded as handed
 * over) and the item is assigned to the new member, first in their "Next item". The new member is not
 * given a lease directly, because they may be working on another item and hold at most one at a time.
 */
export async function handOver(lead: Lead, input: { itemId: string; toUserId: string; reason: string }) {
  return transaction(async (tx) => {
    const item = await lockedItem(tx, input.itemId);
    const now = currentTime();
    if (!item.claimId || !item.claimedById || !isLeaseLive(item.leaseExpiresAt, now)) {
      throw new AssignmentRefusedError(409, "Nobody holds this item any more; assign it instead.");
    }
    if (!item.queueId) throw new AssignmentRefusedError(409, "Move the item to a queue before handing it over.", "queueId");
    if (item.claimedById === input.toUserId) throw new AssignmentRefusedError(409, "That member already holds the item.", "assigneeId");
    const to = await memberOf(tx, item.queueId, input.toUserId, item.state);
    await tx.item.update({
      where: { id: item.id },
      data: { claimId: null, claimedById: null, leaseExpiresAt: null, assignedToId: to.id, assignedAt: now },
    });
    await tx.claim.updateMany({ where: { id: item.claimId, endedAt: null }, data: { endedAt: now, endReason: CLAIM_END.handedOver, note: input.reason } });
    await appendAuditEvent(tx, {
      actor: actorOf(lead),
      action: "claim.transferred",
      subjectType: "item",
      subjectId: item.id,
      payload: {
        itemId: item.id,
        claimId: item.claimId,
        fromUserId: item.claimedById,
        toUserId: to.id,
        toEmail: to.email,
        queueId: item.queueId,
        reason: input.reason,
      },
    });
  });
}

/** Unrouted items are routed again in transactions of this many, so a long list never holds locks for long. */
export const REROUTE_BATCH = 500;

/**
 * Runs the live rules again over every unrouted open item (after a lead fixed a rule or opened a
 * queue), oldest first, a batch per transaction. Each item routed gets its own audit event; items
 * still unrouted get the note of this run.
 */
export async function routeUnroutedAgain(lead: Lead): Promise<{ routed: number; stillUnrouted: number }> {
  let after: { firstFlaggedAt: Date; id: string } | null = null;
  let routed = 0;
  let stillUnrouted = 0;
  for (;;) {
    const batch = await routeBatch(lead, after);
    routed += batch.routed;
    stillUnrouted += batch.stillUnrouted;
    if (!batch.last) return { routed, stillUnrouted };
    after = batch.last;
  }
}

async function routeBatch(lead: Lead, after: { firstFlaggedAt: Date; id: string } | null) {
  return transaction(
    async (tx) => {
      await holdRoutingGeneration(tx, dialect);
      const routing = await routingContext(tx);
      const items = await tx.item.findMany({
        where: {
          queueId: null,
          state: { in: [...OPEN_STATES] },
          ...(after ? { OR: [{ firstFlaggedAt: { gt: after.firstFlaggedAt } }, { firstFlaggedAt: after.firstFlaggedAt, id: { gt: after.id } }] } : {}),
        },
        orderBy: [{ firstFlaggedAt: "asc" }, { id: "asc" }],
        take: REROUTE_BATCH,
        select: {
          id: true,
          state: true,
          firstFlaggedAt: true,
          strongestSource: true,
          countsByReason: true,
          language: true,
          platform: true,
          type: true,
          clusterId: true,
        },
      });
      if (dialect === "postgresql" && items.length > 0) {
        await tx.$queryRawUnsafe(
          `SELECT 1 FROM "Item" WHERE "id" = ANY($1::text[]) ORDER BY "id" FOR NO KEY UPDATE`,
          items.map((i) => i.id),
        );
      }
      const flagsOf = new Map<string, { source: string; receivedAt: Date }[]>();
      for (const f of await tx.flag.findMany({ where: { itemId: { in: items.map((i) => i.id) } }, select: { itemId: true, source: true, receivedAt: true } })) {
        flagsOf.set(f.itemId, [...(flagsOf.get(f.itemId) ?? []), f]);
      }
      const routedNow: { id: string; route: RouteResult; dueAt: Date | null }[] = [];
      // Rows first, events last: the audit chain's head is taken by the first event and held to the commit.
      // How many members each item's cluster has, in one read for the batch (only when a rule looks at copies).
      const copiesOf = routing.usesCopies
        ? await clusterSizes(
            tx,
            items.map((i) => i.clusterId),
          )
        : new Map<string, number>();
      for (const item of items) {
        const copies = item.clusterId ? (copiesOf.get(item.clusterId) ?? 0) : 0;
        const route = routeItem(
          routing.version,
          routing.queues,
          subjectOf(item, item.state === ESCALATED_STATE ? "escalation" : "review", routing, copies >= 2),
        );
        const dueAt = deadlineFromFlags(flagsOf.get(item.id) ?? [], deadlineHoursIn(routing, route.queueId));
        const changed = await tx.item.updateMany({
          where: { id: item.id, queueId: null, state: item.state },
          data: route.routed ? { queueId: route.queueId, routedBy: route.routedBy, routeNote: route.note, dueAt } : { routeNote: route.note },
        });
        if (changed.count === 1 && route.routed) routedNow.push({ id: item.id, route, dueAt });
      }
      for (const { id, route, dueAt } of routedNow)
        await appendAuditEvent(tx, routedEvent(actorOf(lead), { id, queueId: null }, route, routing, "rerun", dueAt));
      const last = items.length === REROUTE_BATCH ? items[items.length - 1] : null;
      return {
        routed: routedNow.length,
        stillUnrouted: items.length - routedNow.length,
        last: last ? { firstFlaggedAt: last.firstFlaggedAt, id: last.id } : null,
      };
    },
    { timeout: 60_000 },
  );
}
