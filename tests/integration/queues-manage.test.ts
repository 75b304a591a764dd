// Queue definitions through the module: validation, the unique live name (also under concurrent
// creates), closing (open items become unrouted, decided ones stay, the counters stay right),
// reopening, deleting (refused while items wait), and membership.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { userActor } from "~/modules/auth/actor.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { OPEN_STATES } from "~/modules/items/lifecycle.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import {
  addMember,
  closeQueue,
  createQueue,
  deleteQueue,
  getQueue,
  listQueues,
  QueueError,
  removeMember,
  reopenQueue,
  updateQueue,
} from "~/modules/queue/queues.server.ts";
import { myQueues } from "~/modules/queue/placement.server.ts";
import { makeUser } from "../support/fixtures.ts";
import { seedItems, starterLabels } from "../support/queue-fixtures.ts";

type User = Awaited<ReturnType<typeof makeUser>>;
let lead: User;
let versionId: string;
const actor = () => userActor(lead);

beforeAll(async () => {
  versionId = (await starterLabels()).versionId;
  lead = await makeUser("policy_lead");
});

const label = async (key: string) => (await db.label.findFirstOrThrow({ where: { key, versionId } })).id;

async function events(action: string, subjectId?: string) {
  const rows = await db.auditEvent.findMany({ where: { action, ...(subjectId ? { subjectId } : {}) }, orderBy: { seq: "asc" } });
  return rows.map((r) => JSON.parse(r.payload) as Record<string, unknown>);
}

const eventCount = () => db.auditEvent.count();
const generation = async () => (await db.routingState.findUniqueOrThrow({ where: { id: 1 } })).generation;

async function refusal(promise: Promise<unknown>): Promise<QueueError> {
  const outcome = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(QueueError);
  return outcome as QueueError;
}

/** The counters summed over shards beside a full count of the open items, per queue ("" = unrouted) and state. */
async function expectOpenCountsRight(step: string) {
  const open = OPEN_STATES.map((s) => `'${s}'`).join(", ");
  type Row = { queueId: string; state: string; n: number | bigint };
  const lines = (rows: Row[]) => rows.map((r) => `${r.queueId || "-"} ${r.state} = ${Number(r.n)}`).sort();
  const counters = await db.$queryRawUnsafe<Row[]>(
    `SELECT "queueId", "state", SUM("n") AS "n" FROM "QueueOpenCount" GROUP BY "queueId", "state" HAVING SUM("n") <> 0`,
  );
  const truth = await db.$queryRawUnsafe<Row[]>(
    `SELECT COALESCE("queueId", '') AS "queueId", "state", COUNT(*) AS "n" FROM "Item" WHERE "state" IN (${open}) GROUP BY COALESCE("queueId", ''), "state"`,
  );
  expect(lines(counters), step).toEqual(lines(truth));
}

/** Puts items in a queue as routing would leave them. */
const placeIn = (queueId: string, ids: string[]) =>
  db.item.updateMany({ where: { id: { in: ids } }, data: { queueId, routedBy: "rule:test@1", routeNote: "test" } });

describe("creating and editing a queue", () => {
  it("refuses bad input field by field and writes nothing", async () => {
    const before = await eventCount();
    const cases: [Parameters<typeof createQueue>[1], string, RegExp][] = [
      [{ name: "   " }, "name", /name/i],
      [{ name: "x".repeat(81) }, "name", /80 characters/],
      [{ name: "Long description", description: "d".repeat(501) }, "description", /500 characters/],
      [{ name: "Slow orders", deadlineHours: { removal_order: 2 } }, "deadlineHours.removal_order", /removal_order.*one hour/],
      [{ name: "Zero hours", deadlineHours: { user_report: 0 } }, "deadlineHours.user_report", /more than zero/],
    ];
    for (const [input, field, message] of cases) {
      const error = await refusal(createQueue(actor(), input));
      expect(error.code).toBe("invalid");
      expect(error.status).toBe(400);
      expect(error.fieldErrors[field]?.[0], field).toMatch(message);
    }
    expect(await eventCount()).toBe(before);
    expect((await listQueues()).queues.map((q) => q.name)).not.toContain("Slow orders");
  });

  it("creates a queue with its hours and records it; a removal order's hour may be shortened", async () => {
    const queue = await createQueue(actor(), {
      name: "  Orders desk ",
      description: "Removal orders from the fictional Ember region.",
      deadlineHours: { removal_order: 0.5, user_report: 12 },
    });
    expect(queue.name).toBe("Orders desk");
    const [event] = await events("queue.created", queue.id);
    expect(event).toEqual({
      queueId: queue.id,
      name: "Orders desk",
      description: "Removal orders from the fictional Ember region.",
      deadlineHours: { removal_order: 0.5, user_report: 12 },
      open: true,
    });
    const listed = (await listQueues()).queues.find((q) => q.id === queue.id)!;
    expect(listed).toMatchObject({ open: true, members: 0, waiting: 0, deadlineHours: { removal_order: 0.5, user_report: 12 } });
  });

  it("refuses a second live queue of the same name, whatever its case, with a field error", async () => {
    await createQueue(actor(), { name: "Hate speech desk" });
    const before = await eventCount();
    const error = await refusal(createQueue(actor(), { name: "HATE speech DESK" }));
    expect(error.code).toBe("name_taken");
    expect(error.status).toBe(409);
    expect(error.fieldErrors.name?.[0]).toContain("already exists");
    expect(await eventCount()).toBe(before);
  });

  it("two leads creating the same name at once get one queue and one clear refusal", async () => {
    const other = userActor(await makeUser("policy_lead"));
    for (let round = 0; round < 4; round += 1) {
      const name = `Simultaneous desk ${round}`;
      const outcomes = await Promise.allSettled([createQueue(actor(), { name }), createQueue(other, { name: name.toUpperCase() })]);
      const fulfilled = outcomes.filter((o) => o.status === "fulfilled");
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      expect(rejected[0].reason).toBeInstanceOf(QueueError);
      expect((rejected[0].reason as QueueError).code).toBe("name_taken");
      const live = await db.$queryRaw<
        { n: number | bigint }[]
      >`SELECT COUNT(*) AS "n" FROM "Queue" WHERE lower("name") = lower(${name}) AND "deletedAt" IS NULL`;
      expect(Number(live[0].n)).toBe(1);
      expect((await events("queue.created")).filter((e) => String(e.name).toLowerCase() === name.toLowerCase())).toHaveLength(1);
    }
  });

  it("an update records the changed fields only, bumps the routing generation, and does nothing when nothing changed", async () => {
    const queue = await createQueue(actor(), { name: "Spam desk", description: "Spam." });
    const g0 = await generation();
    const { changed } = await updateQueue(actor(), queue.id, { name: "Spam desk", description: "Spam and scams.", deadlineHours: { automated: 48 } });
    expect(changed).toEqual(["description", "deadlineHours"]);
    expect(await generation()).toBeGreaterThan(g0);
    const [event] = await events("queue.updated", queue.id);
    expect(event).toEqual({
      queueId: queue.id,
      name: "Spam desk",
      changed: ["description", "deadlineHours"],
      description: "Spam and scams.",
      deadlineHours: { automated: 48 },
    });

    const before = await eventCount();
    expect((await updateQueue(actor(), queue.id, { name: "Spam desk", description: "Spam and scams.", deadlineHours: { automated: 48 } })).changed).toEqual([]);
    expect(await eventCount()).toBe(before);

    const renamed = await refusal(updateQueue(actor(), queue.id, { name: "hate speech desk" }));
    expect(renamed.code).toBe("name_taken");
    const longer = await refusal(updateQueue(actor(), queue.id, { name: "Spam desk", deadlineHours: { removal_order: 2 } }));
    expect(longer.fieldErrors["deadlineHours.removal_order"]?.[0]).toContain("removal_order");
    expect(await eventCount()).toBe(before);
    expect((await getQueue(queue.id))!.deadlineHours).toEqual({ automated: 48 });
  });
});

describe("closing, reopening and deleting", () => {
  it("closing unroutes the open items (pending and escalated) but not decided ones, clears assignments, leaves a live lease, and keeps the counters right", async () => {
    const queue = await createQueue(actor(), { name: "Closing desk" });
    const moderator = await makeUser("moderator");
    const ids = await seedItems(6);
    const [pending, assigned, leased, toEscalate, toDecide, elsewhere] = ids;

    // Decide and escalate through the real paths, then place the items as routing would have.
    for (const [itemId, action] of [
      [toDecide, "keep"],
      [toEscalate, "escalate"],
    ] as const) {
      const claim = await claimItem(lead, itemId);
      expect(claim?.itemId).toBe(itemId);
      await decide(lead, {
        itemId,
        claimId: claim!.claimId,
        action,
        labelIds: [await label(action === "keep" ? "ve_news_reporting" : "ve_needs_specialist")],
        rationale: action === "keep" ? "" : "Needs a lead.",
      });
    }
    await placeIn(queue.id, [pending, assigned, leased, toEscalate, toDecide]);
    await placeIn("queue-general-review", [elsewhere]);
    await db.item.update({ where: { id: assigned }, data: { assignedToId: moderator.id, assignedAt: new Date() } });
    const claim = await claimItem(moderator, leased);
    expect(claim?.itemId).toBe(leased);
    const leaseBefore = await db.item.findUniqueOrThrow({ where: { id: leased }, select: { claimId: true, claimedById: true, leaseExpiresAt: true } });
    await expectOpenCountsRight("items placed");
    expect((await listQueues()).queues.find((q) => q.id === queue.id)!.waiting).toBe(4);

    const g0 = await generation();
    const result = await closeQueue(actor(), queue.id);
    expect(result.unroutedItems).toBe(4);
    expect(await generation()).toBeGreaterThan(g0);
    await expectOpenCountsRight("after closing");

    for (const id of [pending, assigned, leased, toEscalate]) {
      const item = await db.item.findUniqueOrThrow({ where: { id } });
      expect(item, id).toMatchObject({ queueId: null, routedBy: null, assignedToId: null, assignedAt: null });
      expect(item.routeNote).toMatch(/^Queue "Closing desk" was closed on \d{4}-\d{2}-\d{2}T[\d:.]+Z; route it again or move it\.$/);
    }
    expect((await db.item.findUniqueOrThrow({ where: { id: toEscalate } })).state).toBe("escalated");
    const decided = await db.item.findUniqueOrThrow({ where: { id: toDecide } });
    expect(decided).toMatchObject({ state: "decided", queueId: queue.id, routedBy: "rule:test@1" });
    expect((await db.item.findUniqueOrThrow({ where: { id: elsewhere } })).queueId).toBe("queue-general-review");
    expect(await db.item.findUniqueOrThrow({ where: { id: leased }, select: { claimId: true, claimedById: true, leaseExpiresAt: true } })).toEqual(leaseBefore);

    const listed = (await listQueues()).queues.find((q) => q.id === queue.id)!;
    expect(listed).toMatchObject({ open: false, waiting: 0 });
    expect(await events("queue.closed", queue.id)).toEqual([{ queueId: queue.id, name: "Closing desk", unroutedItems: 4, unroutedAppeals: 0 }]);

    // Closing again writes nothing; reopening does not bring the items back.
    const before = await eventCount();
    expect((await closeQueue(actor(), queue.id)).unroutedItems).toBeNull();
    expect(await eventCount()).toBe(before);
    expect((await reopenQueue(actor(), queue.id)).reopened).toBe(true);
    expect(await events("queue.reopened", queue.id)).toEqual([{ queueId: queue.id, name: "Closing desk" }]);
    expect(await db.item.count({ where: { queueId: queue.id, state: { in: [...OPEN_STATES] } } })).toBe(0);
    expect((await getQueue(queue.id))!.open).toBe(true);
  });

  it("deleting is refused while an open item waits, then marks the queue deleted, removes its members and frees its name", async () => {
    const queue = await createQueue(actor(), { name: "Short-lived desk" });
    const moderator = await makeUser("moderator", { queues: [queue.id] });
    const [itemId] = await seedItems(1);
    await placeIn(queue.id, [itemId]);

    const before = await eventCount();
    const refused = await refusal(deleteQueue(actor(), queue.id));
    expect(refused.code).toBe("not_empty");
    expect(refused.status).toBe(409);
    expect(refused.message).toContain("1 open item");
    expect(await eventCount()).toBe(before);
    expect((await db.queue.findUniqueOrThrow({ where: { id: queue.id } })).deletedAt).toBeNull();

    await db.item.update({ where: { id: itemId }, data: { queueId: "queue-general-review" } });
    await deleteQueue(actor(), queue.id);
    const row = await db.queue.findUniqueOrThrow({ where: { id: queue.id } });
    expect(row.deletedAt).not.toBeNull();
    expect(await db.queueMember.count({ where: { queueId: queue.id } })).toBe(0);
    expect(await events("queue.deleted", queue.id)).toEqual([{ queueId: queue.id, name: "Short-lived desk" }]);
    expect((await listQueues()).queues.map((q) => q.id)).not.toContain(queue.id);
    expect(await getQueue(queue.id)).toBeNull();
    expect((await myQueues(moderator.id, new Date())).map((q) => q.id)).not.toContain(queue.id);

    // Each change starts only when the previous refusal is in hand, so no rejection waits unobserved.
    for (const change of [
      () => addMember(actor(), queue.id, moderator.id),
      () => closeQueue(actor(), queue.id),
      () => updateQueue(actor(), queue.id, { name: "Revived" }),
      () => deleteQueue(actor(), queue.id),
    ]) {
      expect((await refusal(change())).code).toBe("not_found");
    }
    // The name is free again for a new live queue.
    expect((await createQueue(actor(), { name: "short-lived desk" })).id).not.toBe(queue.id);
  });

  it("the starter queues can be deleted like any other", async () => {
    await db.item.updateMany({ where: { queueId: "queue-escalations" }, data: { queueId: null } });
    await deleteQueue(actor(), "queue-escalations");
    expect(await getQueue("queue-escalations")).toBeNull();
  });
});

describe("members", () => {
  it("adds active reviewers only, once; removing one unassigns their open items in that queue", async () => {
    const queue = await createQueue(actor(), { name: "Members desk" });
    const other = await createQueue(actor(), { name: "Other desk" });
    const moderator = await makeUser("moderator", { queues: [] });
    const auditor = await makeUser("auditor");
    const disabled = await makeUser("moderator", { disabled: true, queues: [] });

    expect(await addMember(actor(), queue.id, moderator.id)).toEqual({ added: true, email: moderator.email });
    expect(await addMember(actor(), queue.id, moderator.id)).toEqual({ added: false, email: moderator.email });
    expect(await events("queue.member_added", queue.id)).toEqual([{ queueId: queue.id, name: "Members desk", userId: moderator.id, email: moderator.email }]);
    await addMember(actor(), other.id, moderator.id);

    const before = await eventCount();
    for (const user of [auditor, disabled]) {
      const error = await refusal(addMember(actor(), queue.id, user.id));
      expect(error.code).toBe("not_reviewer");
      expect(error.status).toBe(400);
      expect(error.fieldErrors.userId?.[0]).toContain(user.email);
    }
    expect((await refusal(addMember(actor(), queue.id, "no-such-user"))).status).toBe(400);
    expect(await eventCount()).toBe(before);
    expect(await db.queueMember.count({ where: { queueId: queue.id } })).toBe(1);

    expect((await myQueues(moderator.id, new Date())).filter((q) => q.open).map((q) => q.name)).toEqual(["Members desk", "Other desk"]);
    await closeQueue(actor(), other.id);
    expect((await myQueues(moderator.id, new Date())).filter((q) => q.open).map((q) => q.name)).toEqual(["Members desk"]);

    const [a, b, c] = await seedItems(3);
    await placeIn(queue.id, [a, b]);
    await db.item.updateMany({ where: { id: { in: [a, b] } }, data: { assignedToId: moderator.id, assignedAt: new Date() } });
    await placeIn("queue-general-review", [c]);
    await db.item.update({ where: { id: c }, data: { assignedToId: moderator.id, assignedAt: new Date() } });

    expect(await removeMember(actor(), queue.id, moderator.id)).toEqual({ removed: true, email: moderator.email, unassignedItems: 2 });
    expect(await db.item.count({ where: { id: { in: [a, b] }, assignedToId: null, assignedAt: null } })).toBe(2);
    expect((await db.item.findUniqueOrThrow({ where: { id: c } })).assignedToId).toBe(moderator.id);
    expect(await events("queue.member_removed", queue.id)).toEqual([
      { queueId: queue.id, name: "Members desk", userId: moderator.id, email: moderator.email, unassignedItems: 2 },
    ]);
    const after = await eventCount();
    expect((await removeMember(actor(), queue.id, moderator.id)).removed).toBe(false);
    expect(await eventCount()).toBe(after);
    expect((await getQueue(queue.id))!.candidates.map((u) => u.id)).toContain(moderator.id);
  });
});
