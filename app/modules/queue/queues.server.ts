import { currentTime } from "~/modules/clock/clock.ts";
// Queue definitions: names, descriptions, deadline hours per source and for appeals, open or closed, deleted, and
// who works each queue. Closing, reopening, deleting or editing a queue changes where items go, so
// each of those transactions bumps the routing generation first (modules/routing/live.server.ts).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { db, dialect, isUniqueViolation, transaction, type Tx } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { can, CAPABILITIES } from "~/modules/auth/capabilities.ts";
import type { ApiIssue } from "~/modules/http/errors.server.ts";
import { OPEN_STATES } from "~/modules/items/lifecycle.ts";
import { REMOVAL_ORDER_HOURS, SOURCES, type Source } from "~/modules/items/sources.ts";
import { bumpRoutingGeneration, defaultDeadlineHours } from "~/modules/routing/live.server.ts";
import { DEADLINE_KEYS, parseDeadlineHours, QueueDeadlineHours, type DeadlineKey } from "~/modules/routing/rules.ts";
import { env } from "~/env.server.ts";
import { openCountsByQueue } from "./open-counts.server.ts";

export const QUEUE_NAME_MAX = 80;
export const QUEUE_DESCRIPTION_MAX = 500;

/** A queue's definition as the module accepts it (from the console or a program). */
export const QueueInput = z.object({
  name: z
    .string({ required_error: "Give the queue a name." })
    .trim()
    .min(1, "Give the queue a name.")
    .max(QUEUE_NAME_MAX, `A queue name is at most ${QUEUE_NAME_MAX} characters.`),
  description: z.string().trim().max(QUEUE_DESCRIPTION_MAX, `A description is at most ${QUEUE_DESCRIPTION_MAX} characters.`).default(""),
  deadlineHours: QueueDeadlineHours.default({}),
});
export type QueueInput = z.input<typeof QueueInput>;

/**
 * The hours as a form sends them: one text field per source, empty for the global default. Numbers
 * are read here (the form parser does not coerce) and checked by the one schema above.
 */
const formHours = z.preprocess((value) => {
  if (value === undefined || value === null || value === "") return {};
  if (typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [source, raw] of Object.entries(value)) {
    if (typeof raw !== "string") out[source] = raw;
    else if (raw.trim() !== "") out[source] = Number(raw.trim());
  }
  return out;
}, QueueDeadlineHours);

const queueForm = { name: QueueInput.shape.name, description: QueueInput.shape.description, deadlineHours: formHours };
const userId = z.string({ required_error: "Choose a person." }).min(1, "Choose a person.");

/** The create form of the queues page. */
export const NewQueueForm = z.object({ intent: z.literal("create"), ...queueForm });

/** Everything a queue's own page can submit, told apart by `intent`. */
export const QueueChange = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("update"), ...queueForm }),
  // Closing a queue with items in it unroutes them all: the lead ticks a box saying they know.
  z.object({ intent: z.literal("close"), confirm: z.literal("on").optional() }),
  z.object({ intent: z.literal("reopen") }),
  z.object({ intent: z.literal("delete") }),
  z.object({ intent: z.literal("add_member"), userId }),
  z.object({ intent: z.literal("remove_member"), userId }),
]);
export type QueueChange = z.infer<typeof QueueChange>;

type QueueErrorCode = "invalid" | "name_taken" | "not_found" | "not_empty" | "not_reviewer";

export class QueueError extends Error {
  constructor(
    readonly code: QueueErrorCode,
    message: string,
    /** Messages for the form's fields, by field name ("name", "deadlineHours.removal_order"). */
    readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super(message);
  }

  get status(): number {
    return { invalid: 400, not_reviewer: 400, name_taken: 409, not_empty: 409, not_found: 404 }[this.code];
  }

  get issues(): ApiIssue[] {
    return Object.entries(this.fieldErrors).flatMap(([path, messages]) => messages.map((message) => ({ path, message })));
  }
}

const queueMissing = () => new QueueError("not_found", "That queue does not exist or was deleted.");
const nameTaken = (name: string) =>
  new QueueError("name_taken", `A queue named "${name}" already exists; choose another name.`, {
    name: [`A queue named "${name}" already exists; choose another name.`],
  });

function checked(input: QueueInput): z.output<typeof QueueInput> {
  const parsed = QueueInput.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".") || "form"] ??= []).push(issue.message);
  throw new QueueError("invalid", "Check the highlighted fields.", fieldErrors);
}

/** The global hours per source and for appeals, as the queue pages show them beside a queue's own. */
export function globalDeadlineHours(): Record<DeadlineKey, number | null> {
  const defaults = defaultDeadlineHours();
  return {
    ...(Object.fromEntries(SOURCES.map((s) => [s, s === "removal_order" ? REMOVAL_ORDER_HOURS : (defaults[s] ?? null)])) as Record<Source, number | null>),
    appeal: env.DOCKET_APPEAL_DEADLINE_HOURS,
  };
}

// The same expression the partial unique index "Queue_live_name_key" uses, so this check and the
// index agree on what counts as the same name on each engine.
async function liveQueueNamed(tx: Tx, name: string, except?: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Queue" WHERE lower("name") = lower(${name}) AND "deletedAt" IS NULL`;
  return rows.some((r) => r.id !== except);
}

/**
 * The live queue, locked for the rest of the transaction on PostgreSQL (SQLite's transactions
 * already hold the write lock), so two leads changing one queue take turns.
 */
async function lockedQueue(tx: Tx, id: string) {
  if (dialect === "postgresql") await tx.$queryRaw`SELECT "id" FROM "Queue" WHERE "id" = ${id} FOR UPDATE`;
  const queue = await tx.queue.findUnique({ where: { id } });
  if (!queue || queue.deletedAt) throw queueMissing();
  return queue;
}

const openStates = { in: [...OPEN_STATES] };

/** Every live queue with its members count and how many open items wait in it; and how many wait unrouted. */
export async function listQueues() {
  const [queues, waiting] = await Promise.all([
    db.queue.findMany({
      where: { deletedAt: null },
      orderBy: [{ open: "desc" }, { name: "asc" }],
      select: { id: true, name: true, description: true, open: true, deadlineHours: true, _count: { select: { members: true } } },
    }),
    openCountsByQueue(),
  ]);
  return {
    queues: queues.map(({ _count, deadlineHours, ...q }) => ({
      ...q,
      deadlineHours: parseDeadlineHours(deadlineHours),
      members: _count.members,
      waiting: waiting.get(q.id) ?? 0,
    })),
    unrouted: waiting.get("") ?? 0,
  };
}

/** One live queue with its members and the reviewers who could join it; null when missing or deleted. */
export async function getQueue(id: string) {
  const queue = await db.queue.findUnique({
    where: { id },
    include: {
      members: {
        orderBy: { user: { email: "asc" } },
        select: { addedAt: true, user: { select: { id: true, email: true, name: true, role: true, disabled: true } } },
      },
    },
  });
  if (!queue || queue.deletedAt) return null;
  const memberIds = queue.members.map((m) => m.user.id);
  const [candidates, waiting, waitingAppeals] = await Promise.all([
    db.user.findMany({
      where: { disabled: false, role: { in: [...CAPABILITIES["queue:review"]] }, id: { notIn: memberIds } },
      orderBy: { email: "asc" },
      select: { id: true, email: true, name: true, role: true },
    }),
    openCountsByQueue(),
    db.appeal.count({ where: { queueId: id, state: "open" } }),
  ]);
  return {
    id: queue.id,
    name: queue.name,
    description: queue.description,
    open: queue.open,
    deadlineHours: parseDeadlineHours(queue.deadlineHours),
    members: queue.members.map((m) => ({ ...m.user, addedAt: m.addedAt })),
    candidates,
    waiting: waiting.get(id) ?? 0,
    waitingAppeals,
  };
}

export async function createQueue(actor: Actor, input: QueueInput) {
  const q = checked(input);
  try {
    return await transaction(async (tx) => {
      if (await liveQueueNamed(tx, q.name)) throw nameTaken(q.name);
      const queue = await tx.queue.create({
        data: { id: randomUUID(), name: q.name, description: q.description, deadlineHours: JSON.stringify(q.deadlineHours) },
      });
      await appendAuditEvent(tx, {
        actor,
        action: "queue.created",
        subjectType: "queue",
        subjectId: queue.id,
        payload: { queueId: queue.id, name: queue.name, description: queue.description, deadlineHours: q.deadlineHours, open: queue.open },
      });
      return queue;
    });
  } catch (error) {
    // Two leads creating the same name at once: the index turns the later one away, with the same answer.
    if (!(error instanceof QueueError) && isUniqueViolation(error)) throw nameTaken(q.name);
    throw error;
  }
}

const sameHours = (a: QueueDeadlineHours, b: QueueDeadlineHours) => DEADLINE_KEYS.every((k) => a[k] === b[k]);

/** Changes the name, description or hours; answers which of them changed (none: nothing written). */
export async function updateQueue(actor: Actor, id: string, input: QueueInput) {
  const q = checked(input);
  try {
    return await transaction(async (tx) => {
      await bumpRoutingGeneration(tx);
      const before = await lockedQueue(tx, id);
      const hours = parseDeadlineHours(before.deadlineHours);
      const changed = [
        ...(before.name !== q.name ? ["name"] : []),
        ...(before.description !== q.description ? ["description"] : []),
        ...(sameHours(hours, q.deadlineHours) ? [] : ["deadlineHours"]),
      ];
      if (changed.length === 0) return { queue: before, changed };
      if (changed.includes("name") && (await liveQueueNamed(tx, q.name, id))) throw nameTaken(q.name);
      const queue = await tx.queue.update({
        where: { id },
        data: { name: q.name, description: q.description, deadlineHours: JSON.stringify(q.deadlineHours) },
      });
      await appendAuditEvent(tx, {
        actor,
        action: "queue.updated",
        subjectType: "queue",
        subjectId: id,
        payload: { queueId: id, name: queue.name, changed, description: queue.description, deadlineHours: q.deadlineHours },
      });
      return { queue, changed };
    });
  } catch (error) {
    if (!(error instanceof QueueError) && isUniqueViolation(error)) throw nameTaken(q.name);
    throw error;
  }
}

/**
 * Closes a queue: routing stops sending items to it, and every open item and open appeal in it
 * becomes unrouted with a note saying why (appeals then wait on the appeals page for a lead to move
 * them). A live lease is left alone so its holder can still finish. Answers how many items were
 * unrouted (null when the queue was already closed: nothing written).
 */
export async function closeQueue(actor: Actor, id: string): Promise<{ name: string; unroutedItems: number | null; unroutedAppeals: number }> {
  return transaction(async (tx) => {
    await bumpRoutingGeneration(tx);
    const queue = await lockedQueue(tx, id);
    if (!queue.open) return { name: queue.name, unroutedItems: null, unroutedAppeals: 0 };
    await tx.queue.update({ where: { id }, data: { open: false } });
    const closedNote = `Queue "${queue.name}" was closed on ${currentTime().toISOString()}`;
    const { count } = await tx.item.updateMany({
      where: { queueId: id, state: openStates },
      data: { queueId: null, routedBy: null, assignedToId: null, assignedAt: null, routeNote: `${closedNote}; route it again or move it.` },
    });
    const appeals = await tx.appeal.updateMany({
      where: { queueId: id, state: "open" },
      data: { queueId: null, routedBy: null, routeNote: `${closedNote}; move it to a queue.` },
    });
    await appendAuditEvent(tx, {
      actor,
      action: "queue.closed",
      subjectType: "queue",
      subjectId: id,
      payload: { queueId: id, name: queue.name, unroutedItems: count, unroutedAppeals: appeals.count },
    });
    return { name: queue.name, unroutedItems: count, unroutedAppeals: appeals.count };
  });
}

/** Lets routing send items to the queue again; items unrouted by closing it stay where they are. */
export async function reopenQueue(actor: Actor, id: string): Promise<{ name: string; reopened: boolean }> {
  return transaction(async (tx) => {
    await bumpRoutingGeneration(tx);
    const queue = await lockedQueue(tx, id);
    if (queue.open) return { name: queue.name, reopened: false };
    await tx.queue.update({ where: { id }, data: { open: true } });
    await appendAuditEvent(tx, { actor, action: "queue.reopened", subjectType: "queue", subjectId: id, payload: { queueId: id, name: queue.name } });
    return { name: queue.name, reopened: true };
  });
}

/**
 * Deletes an empty queue: the row stays (decided items and the audit log name it), marked deleted,
 * and its members are removed. Refused while any open item or open appeal waits in it.
 */
export async function deleteQueue(actor: Actor, id: string): Promise<{ name: string }> {
  return transaction(async (tx) => {
    await bumpRoutingGeneration(tx);
    const queue = await lockedQueue(tx, id);
    const waiting = await tx.item.count({ where: { queueId: id, state: openStates } });
    const appeals = await tx.appeal.count({ where: { queueId: id, state: "open" } });
    if (waiting > 0 || appeals > 0) {
      const what = [
        waiting > 0 ? `${waiting} open item${waiting === 1 ? "" : "s"}` : "",
        appeals > 0 ? `${appeals} open appeal${appeals === 1 ? "" : "s"}` : "",
      ]
        .filter(Boolean)
        .join(" and ");
      throw new QueueError("not_empty", `Queue "${queue.name}" still holds ${what}; move them, or close the queue (which unroutes them), before deleting it.`);
    }
    await tx.queue.update({ where: { id }, data: { deletedAt: currentTime() } });
    await tx.queueMember.deleteMany({ where: { queueId: id } });
    await appendAuditEvent(tx, { actor, action: "queue.deleted", subjectType: "queue", subjectId: id, payload: { queueId: id, name: queue.name } });
    return { name: queue.name };
  });
}

/** Adds an active reviewer to a live queue. Answers whether they were added (false: already a member). */
export async function addMember(actor: Actor, id: string, userId: string): Promise<{ added: boolean; email: string }> {
  try {
    return await transaction(async (tx) => {
      const queue = await lockedQueue(tx, id);
      const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, role: true, disabled: true } });
      if (!user) throw new QueueError("not_reviewer", "That person does not exist.", { userId: ["That person does not exist."] });
      if (user.disabled || !can(user.role, "queue:review")) {
        const message = user.disabled
          ? `${user.email} is disabled; only active moderators and policy leads can join a queue.`
          : `${user.email} cannot review items; only moderators and policy leads can join a queue.`;
        throw new QueueError("not_reviewer", message, { userId: [message] });
      }
      if (await tx.queueMember.findUnique({ where: { queueId_userId: { queueId: id, userId } } })) return { added: false, email: user.email };
      await tx.queueMember.create({ data: { queueId: id, userId } });
      await appendAuditEvent(tx, {
        actor,
        action: "queue.member_added",
        subjectType: "queue",
        subjectId: id,
        payload: { queueId: id, name: queue.name, userId, email: user.email },
      });
      return { added: true, email: user.email };
    });
  } catch (error) {
    // Added by someone else at the same moment: they are a member, which is what was asked.
    if (!(error instanceof QueueError) && isUniqueViolation(error)) {
      const user = await db.user.findUnique({ where: { id: userId }, select: { email: true } });
      return { added: false, email: user?.email ?? userId };
    }
    throw error;
  }
}

/**
 * Removes a member; the open items assigned to them in this queue lose the assignment (anyone in the
 * queue may claim them again). Answers whether they were a member and how many items were unassigned.
 */
export async function removeMember(actor: Actor, id: string, userId: string): Promise<{ removed: boolean; email: string; unassignedItems: number }> {
  return transaction(async (tx) => {
    const queue = await lockedQueue(tx, id);
    const member = await tx.queueMember.findUnique({ where: { queueId_userId: { queueId: id, userId } }, include: { user: { select: { email: true } } } });
    if (!member) {
      const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
      return { removed: false, email: user?.email ?? userId, unassignedItems: 0 };
    }
    await tx.queueMember.delete({ where: { queueId_userId: { queueId: id, userId } } });
    const { count } = await tx.item.updateMany({
      where: { queueId: id, assignedToId: userId, state: openStates },
      data: { assignedToId: null, assignedAt: null },
    });
    await appendAuditEvent(tx, {
      actor,
      action: "queue.member_removed",
      subjectType: "queue",
      subjectId: id,
      payload: { queueId: id, name: queue.name, userId, email: member.user.email, unassignedItems: count },
    });
    return { removed: true, email: member.user.email, unassignedItems: count };
  });
}
