import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { assignItem, handOver, unassignItem } from "~/modules/queue/assignment.server.ts";
import { claimItem, claimNext, endClaim } from "~/modules/queue/claims.server.ts";
import { listQueue } from "~/modules/queue/list.server.ts";
import { updateUser } from "~/modules/auth/users.server.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client } from "../support/http.ts";
import { flagRequest, starterLabels, testSender } from "../support/queue-fixtures.ts";
import { publishRules, queueNamed } from "../support/routing.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// Three queues split by language; who is a member of which decides who receives what.
const LANES = { en: "Lane EN", de: "Lane DE", fr: "Lane FR" } as const;
type Lang = keyof typeof LANES;

let server: RunningServer;
let keepLabelId: string;
beforeAll(async () => {
  await starterLabels();
  keepLabelId = (await db.label.findFirstOrThrow({ where: { key: "ve_news_reporting", version: { status: "published" } } })).id;
  await publishRules([
    { name: "Escalations", stage: "escalation", when: {}, queue: "Lane escalations" },
    ...Object.entries(LANES).map(([language, queue]) => ({ name: `${language} items`, when: { languages: [language] }, queue })),
  ]);
  server = await startServer();
});
afterAll(() => server?.stop());

const queueId = async (lang: Lang) => (await queueNamed(LANES[lang])).id;
async function seed(lang: Lang, n: number) {
  const results = await ingestFlags(
    testSender,
    Array.from({ length: n }, () => flagRequest({ content: { language: lang } })),
    "batch",
  );
  return results.map((r) => r.itemId);
}
const memberOf = async (...langs: Lang[]) => Promise.all(langs.map(queueId));

describe("claiming per queue", () => {
  it("over HTTP, a moderator receives only the items of queues they are a member of, and may work one queue", async () => {
    const en = await seed("en", 3);
    const de = await seed("de", 3);
    const fr = await seed("fr", 3);
    const enOnly = await makeUser("moderator", { queues: await memberOf("en") });
    const deFr = await makeUser("moderator", { queues: await memberOf("de", "fr") });
    const nowhere = await makeUser("moderator", { queues: [] });
    const clients = await Promise.all(
      [enOnly, deFr, nowhere].map(async (u) => {
        const c = new Client(server.url);
        await c.login(u.email, PASSWORD);
        return c;
      }),
    );
    const taken = async (client: Client, user: { id: string }, form?: Record<string, string>) => {
      const got: string[] = [];
      for (;;) {
        const res = await client.post("/queue", form);
        const to = res.headers.get("location") ?? "";
        if (!to.startsWith("/review/")) {
          expect(to).toBe("/queue?notice=empty");
          return got;
        }
        const [path, search] = to.split("?");
        const itemId = path.slice("/review/".length);
        // Working one queue keeps it in the review URL, so "decide and next" stays in that queue.
        expect(new URLSearchParams(search ?? "").get("queue") ?? undefined).toBe(form?.queueId);
        got.push(itemId);
        // Release it with a skip so Next item moves on (a skipped item is not offered to them again).
        const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
        expect(item.claimedById).toBe(user.id);
        await endClaim({ id: user.id, email: "", role: "moderator" }, { itemId, claimId: item.claimId!, kind: "skipped", reason: "test" });
      }
    };
    const frQueue = await queueId("fr");
    // Deciding an item of the queue being worked leads to the next item of that queue only.
    const first = (await clients[1].post("/queue", { intent: "next", queueId: frQueue })).headers.get("location")!;
    expect(first).toMatch(new RegExp(`^/review/[^?]+\\?queue=${frQueue}$`));
    const firstId = first.slice("/review/".length).split("?")[0];
    const item = await db.item.findUniqueOrThrow({ where: { id: firstId } });
    const decided = await clients[1].post(first, { intent: "decide", claimId: item.claimId!, action: "keep", labelIds: keepLabelId, rationale: "" });
    const following = decided.headers.get("location")!;
    expect(following).toMatch(new RegExp(`^/review/[^?]+\\?notice=saved&queue=${frQueue}$`));
    const followingId = following.slice("/review/".length).split("?")[0];
    expect(fr).toContain(followingId);
    const held = await db.item.findUniqueOrThrow({ where: { id: followingId } });
    await endClaim({ id: deFr.id, email: "", role: "moderator" }, { itemId: followingId, claimId: held.claimId!, kind: "skipped", reason: "test" });
    const workedFr = [firstId, followingId, ...(await taken(clients[1], deFr, { intent: "next", queueId: frQueue }))];
    expect(new Set(workedFr)).toEqual(new Set(fr));
    expect(new Set(await taken(clients[0], enOnly))).toEqual(new Set(en));
    expect(new Set(await taken(clients[1], deFr))).toEqual(new Set(de));
    expect(await taken(clients[2], nowhere)).toEqual([]);
    // Asking for a queue one is not a member of gives nothing from it.
    expect(await taken(clients[0], enOnly, { intent: "next", queueId: await queueId("de") })).toEqual([]);
    // The review screen's claim button refuses a non-member too.
    const refused = await clients[0].post(`/review/${de[0]}`, { intent: "claim" });
    expect(refused.status).toBe(409);
    expect((await db.item.findUniqueOrThrow({ where: { id: de[0] } })).claimedById).toBeNull();
  });

  it("20 concurrent claimers across three queues: no item held twice, no user holding two items", async () => {
    const ids = [...(await seed("en", 60)), ...(await seed("de", 60)), ...(await seed("fr", 60))];
    const langs: Lang[] = ["en", "de", "fr"];
    // Overlapping memberships: each claimer works two of the three queues; every queue has members.
    const claimers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => makeUser("moderator", { queues: await memberOf(langs[i % 3], langs[(i + 1) % 3]) })),
    );
    const holder = new Map<string, string>();
    const doubles: string[] = [];
    const twoAtOnce: string[] = [];
    const outOfQueue: string[] = [];
    const memberships = new Map(
      await Promise.all(
        claimers.map(async (c) => [c.id, new Set((await db.queueMember.findMany({ where: { userId: c.id } })).map((m) => m.queueId))] as const),
      ),
    );
    await Promise.all(
      claimers.map(async (m) => {
        for (;;) {
          // Two tabs press Next item at once: both must land on the same one item.
          const [a, b] = await Promise.all([claimNext(m), claimNext(m)]);
          if (!a || !b) return;
          if (a.claimId !== b.claimId) twoAtOnce.push(m.id);
          if (holder.has(a.itemId)) doubles.push(a.itemId);
          holder.set(a.itemId, m.id);
          const item = await db.item.findUniqueOrThrow({ where: { id: a.itemId } });
          if (!memberships.get(m.id)!.has(item.queueId!)) outOfQueue.push(a.itemId);
          if ((await db.item.count({ where: { claimedById: m.id, leaseExpiresAt: { gt: new Date() } } })) !== 1) twoAtOnce.push(m.id);
          await decide(m, { itemId: a.itemId, claimId: a.claimId, action: "keep", labelIds: [keepLabelId], rationale: "" });
        }
      }),
    );
    expect(doubles).toEqual([]);
    expect(twoAtOnce).toEqual([]);
    expect(outOfQueue).toEqual([]);
    expect(ids.every((id) => holder.has(id))).toBe(true);
    expect(await db.claim.count({ where: { itemId: { in: ids } } })).toBe(ids.length);
  }, 240_000);
});

describe("assignment", () => {
  it("an assigned item is offered only to its assignee until the assignment ends; a handover is audited and lands first in the new member's Next item", async () => {
    const lead = { ...(await makeUser("policy_lead")), role: "policy_lead" as const };
    const [one, two] = await Promise.all([makeUser("moderator", { queues: await memberOf("en") }), makeUser("moderator", { queues: await memberOf("en") })]);
    const outsider = await makeUser("moderator", { queues: await memberOf("de") });
    const [first, second] = await seed("en", 2);
    // Make the assigned item the least urgent of the two, so only the assignment puts it first.
    await db.item.update({ where: { id: first }, data: { priority: -100 } });

    await expect(assignItem(lead, { itemId: first, assigneeId: outsider.id, reason: "wrong queue" })).rejects.toThrow(/member of the item's queue/);
    await assignItem(lead, { itemId: first, assigneeId: two.id, reason: "Knows the context." });
    // Nobody else gets it: not by Next item, not by name.
    expect(await claimItem(one, first)).toBeNull();
    const oneNext = (await claimNext(one))!;
    expect(oneNext.itemId).toBe(second);
    await endClaim(one, { itemId: second, claimId: oneNext.claimId, kind: "skipped", reason: "test" });
    expect(await claimNext(one)).toBeNull();
    // The assignee gets it first.
    const twoNext = (await claimNext(two))!;
    expect(twoNext.itemId).toBe(first);
    await endClaim(two, { itemId: first, claimId: twoNext.claimId, kind: "released", reason: "back to the assignment" });

    // Handover: one holds the other item, the lead hands it to two; the lease ends and two receives it next.
    await unassignItem(lead, { itemId: first, reason: "Anyone may take it." });
    const held = (await claimItem(two, second))!;
    expect(held.itemId).toBe(second);
    await handOver(lead, { itemId: second, toUserId: one.id, reason: "Shift change." });
    const after = await db.item.findUniqueOrThrow({ where: { id: second } });
    expect([after.claimedById, after.assignedToId]).toEqual([null, one.id]);
    expect(await db.claim.findUniqueOrThrow({ where: { id: held.claimId } })).toMatchObject({ endReason: "handed_over" });
    expect((await claimNext(one))!.itemId).toBe(second);
    const events = await db.auditEvent.findMany({
      where: { subjectId: { in: [first, second] }, action: { in: ["item.assigned", "item.unassigned", "claim.transferred"] } },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["item.assigned", "item.unassigned", "claim.transferred"]);
    expect(JSON.parse(events[2].payload)).toMatchObject({ itemId: second, fromUserId: two.id, toUserId: one.id, reason: "Shift change." });

    // The assignee skips it: the assignment ends (audited) and the item goes back to every member.
    const taken = (await claimNext(one))!;
    expect(await endClaim(one, { itemId: second, claimId: taken.claimId, kind: "skipped", reason: "Not my language" })).toBe(true);
    expect((await db.item.findUniqueOrThrow({ where: { id: second } })).assignedToId).toBeNull();
    expect(await db.auditEvent.count({ where: { subjectId: second, action: "item.unassigned" } })).toBe(1);
    expect((await claimNext(two))!.itemId).toBe(second);

    // A disabled account's assignments go back to the queue too.
    await assignItem(lead, { itemId: first, assigneeId: one.id, reason: "Before the account is disabled." });
    const admin = await makeUser("admin");
    await updateUser({ ...admin, role: "admin", revealMedia: false }, one.id, { disabled: true });
    expect((await db.item.findUniqueOrThrow({ where: { id: first } })).assignedToId).toBeNull();
  });
});

describe("the leads' views by queue", () => {
  it("the queue list filters by queue and by unrouted, with totals from the queue's own counts; the claims screen groups leases by queue", async () => {
    const de = await seed("de", 4);
    const [spam] = await ingestFlags(testSender, [flagRequest({ content: { language: "sv" } })], "single");
    const deQueue = await queueId("de");
    const byQueue = await listQueue({ queue: deQueue });
    expect(byQueue.items.length).toBeGreaterThanOrEqual(4);
    expect(byQueue.items.every((i) => i.queueId === deQueue)).toBe(true);
    expect(byQueue.total).toBe(await db.item.count({ where: { queueId: deQueue, state: "pending" } }));
    expect(byQueue.optionCounts).toBe(false);
    const unrouted = await listQueue({ queue: "unrouted" });
    expect(unrouted.items.map((i) => i.id)).toContain(spam.itemId);
    expect(unrouted.items.every((i) => i.queueId === null)).toBe(true);
    expect(unrouted.total).toBe(await db.item.count({ where: { queueId: null, state: "pending" } }));
    expect((await listQueue({})).queueTotals[deQueue]).toBe(byQueue.total);

    const holder = await makeUser("moderator", { queues: [deQueue] });
    const claim = (await claimItem(holder, de[0]))!;
    expect(claim.itemId).toBe(de[0]);
    const lead = await makeUser("policy_lead");
    const client = new Client(server.url);
    await client.login(lead.email, PASSWORD);
    const page = await (await client.get("/claims")).text();
    expect(page).toContain(`Leases in ${LANES.de}`);
    expect(page).toContain(holder.email);
  });
});
