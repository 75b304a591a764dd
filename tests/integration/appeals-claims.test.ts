import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { AppealError } from "~/modules/appeals/errors.ts";
import { CLAIM_REFUSALS, claimAppealOrWhy, claimNextAppeal, releaseAppeal, type ClaimedAppeal } from "~/modules/appeals/claims.server.ts";
import { unroutedAppealCount } from "~/modules/appeals/list.server.ts";
import { moveAppeal } from "~/modules/appeals/placement.server.ts";
import { decideAppeal } from "~/modules/appeals/review.server.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { closeQueue, deleteQueue } from "~/modules/queue/queues.server.ts";
import { appealAgainst, liveLabelIds } from "../support/appeals.ts";
import { makeUser } from "../support/fixtures.ts";

// Nobody who decided an item may review an appeal about it: not the moderator whose decision is
// contested, not one who escalated it, not the lead who decided the escalation, not a lead who was
// the original decider, and not a reviewer whose overturn is appealed in turn. Each scenario has an
// appeals queue of its own, so what a claim may find is exactly what the scenario put there.

type User = Awaited<ReturnType<typeof makeUser>>;

const LABEL_FOR: Record<DecisionAction, string> = {
  keep: "ve_news_reporting",
  remove: "ve_glorification",
  restrict: "ve_representation",
  escalate: "ve_needs_specialist",
};
let labels: Map<string, string>;
let itemQueues: string[];

beforeAll(async () => {
  await ensureStarterLabelSet({ kind: "system", name: "test setup" });
  labels = await liveLabelIds();
  itemQueues = (await db.queue.findMany({ where: { deletedAt: null, id: { not: "queue-appeals" } }, select: { id: true } })).map((q) => q.id);
});

async function appealsQueue() {
  const id = `queue-appeals-${randomUUID().slice(0, 8)}`;
  await db.queue.create({ data: { id, name: `Appeals ${id}` } });
  return id;
}

/** A reviewer who works items (so can decide them) and the given appeals queue, and no other appeals queue. */
const decider = (role: "moderator" | "policy_lead", queueId: string) => makeUser(role, { queues: [...itemQueues, queueId] });
/** A reviewer of the given appeals queue only. */
const reviewer = (queueId: string, role: "moderator" | "policy_lead" = "moderator") => makeUser(role, { queues: [queueId] });

/** An item flagged by its notifier and decided by each of `steps` in turn (e.g. a moderator escalates, a lead decides). */
async function decidedItem(steps: { user: User; action: DecisionAction }[]) {
  const externalId = `post-${randomUUID().slice(0, 12)}`;
  const [first] = await ingestFlags(
    { platform: "test", apiKeyId: null, actor: { kind: "system", name: "test intake" } },
    [
      {
        content: {
          externalId,
          type: "text",
          body: "Fictional test text about the made-up Northern Ember Front.",
          author: { externalId: `author-${externalId}` },
        },
        flag: {
          externalId: `${externalId}-flag`,
          source: "user_report",
          reason: "violent_extremism",
          reporterId: `reporter-${externalId}`,
          receivedAt: new Date(Date.now() - 60_000),
        },
      },
    ],
    "batch",
  );
  for (const step of steps) {
    const claim = await claimItem(step.user, first.itemId);
    if (!claim) throw new Error(`${step.user.role} could not claim the item to ${step.action} it`);
    await decide(step.user, {
      itemId: first.itemId,
      claimId: claim.claimId,
      action: step.action,
      labelIds: [labels.get(LABEL_FOR[step.action])!],
      rationale: "Fictional test rationale for the claims tests.",
    });
  }
  const decision = await db.decision.findFirstOrThrow({ where: { itemId: first.itemId }, orderBy: { seq: "desc" } });
  return { decision, itemId: first.itemId, externalId };
}

/** An appeal against the item's latest decision, placed in `queueId`. */
async function appealIn(queueId: string, made: Awaited<ReturnType<typeof decidedItem>>, role?: "content_author" | "notifier") {
  const { appealId } = await appealAgainst(made, { role });
  await db.appeal.update({ where: { id: appealId }, data: { queueId } });
  return appealId;
}

const refusal = (r: ClaimedAppeal | { refused: string }) => ("refused" in r ? r.refused : "claimed");

/** Gives a user a lease on an appeal behind the claim's back, as a lease taken before a rule changed would be. */
async function forceLease(appealId: string, user: User) {
  const claimId = randomUUID();
  await db.appeal.update({ where: { id: appealId }, data: { claimId, claimedById: user.id, leaseExpiresAt: new Date(Date.now() + 600_000) } });
  return claimId;
}

async function stateOf(appealId: string) {
  const [appeal, decisions, events] = await Promise.all([
    db.appeal.findUniqueOrThrow({ where: { id: appealId }, select: { state: true, outcome: true, answer: true, newDecisionId: true, decidedById: true } }),
    db.decision.count(),
    db.auditEvent.count(),
  ]);
  return { appeal, decisions, events };
}

const overturnToKeep = (appealId: string, claimId: string) => ({
  appealId,
  claimId,
  outcome: "overturned" as const,
  action: "keep" as const,
  labelIds: [labels.get("ve_news_reporting")!],
  rationale: "Fictional test rationale: a news frame.",
  summary: "The post reports on the fictional group in a news frame.",
});

describe("who may claim and decide an appeal", () => {
  it("the moderator who escalated the item and the lead who decided the escalation can neither claim nor decide its appeal", async () => {
    const queueId = await appealsQueue();
    const escalator = await decider("moderator", queueId);
    const lead = await decider("policy_lead", queueId);
    const made = await decidedItem([
      { user: escalator, action: "escalate" },
      { user: lead, action: "remove" },
    ]);
    const appealId = await appealIn(queueId, made);

    for (const user of [escalator, lead]) {
      expect(await claimNextAppeal(user)).toBeNull();
      expect(await claimNextAppeal(user, queueId)).toBeNull();
      expect(await claimAppealOrWhy(user, appealId)).toEqual({ refused: "took_part" });
      expect((await db.appeal.findUniqueOrThrow({ where: { id: appealId } })).claimedById).toBeNull();

      // Even holding a lease (taken behind the claim's back), the decision is refused and writes nothing.
      const claimId = await forceLease(appealId, user);
      const before = await stateOf(appealId);
      const refused = await decideAppeal(user, overturnToKeep(appealId, claimId)).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppealError);
      expect(refused).toMatchObject({ status: 403, code: "took_part" });
      const upheld = await decideAppeal(user, {
        appealId,
        claimId,
        outcome: "upheld",
        rationale: "Fictional: it stands.",
        summary: "The decision stands.",
      }).catch((e: unknown) => e);
      expect(upheld).toMatchObject({ status: 403, code: "took_part" });
      expect(await stateOf(appealId)).toEqual(before);
      await db.appeal.update({ where: { id: appealId }, data: { claimId: null, claimedById: null, leaseExpiresAt: null } });
    }

    // A reviewer who never decided the item claims it (by name and as the next one) and decides it.
    const fresh = await reviewer(queueId);
    const claim = await claimNextAppeal(fresh);
    expect(claim?.appealId).toBe(appealId);
    const decided = await decideAppeal(fresh, overturnToKeep(appealId, claim!.claimId));
    expect(decided.newDecisionId).toBeTruthy();

    // The notifier appeals the new decision to keep: now the reviewer who overturned took part too.
    const next = await appealIn(queueId, { ...made, decision: await db.decision.findUniqueOrThrow({ where: { id: decided.newDecisionId! } }) }, "notifier");
    for (const user of [escalator, lead, fresh]) {
      expect(await claimNextAppeal(user)).toBeNull();
      expect(await claimAppealOrWhy(user, next)).toEqual({ refused: "took_part" });
    }
    const third = await reviewer(queueId, "policy_lead");
    expect((await claimNextAppeal(third))?.appealId).toBe(next);
  });

  it("whoever answered an earlier appeal on the item (an uphold writes no decision) cannot claim or decide the next one", async () => {
    const queueId = await appealsQueue();
    const moderator = await decider("moderator", queueId);
    const made = await decidedItem([{ user: moderator, action: "remove" }]);
    const first = await appealIn(queueId, made);
    const upholder = await reviewer(queueId);
    const claim = await claimNextAppeal(upholder);
    expect(claim?.appealId).toBe(first);
    await decideAppeal(upholder, {
      appealId: first,
      claimId: claim!.claimId,
      outcome: "upheld",
      rationale: "Fictional: it stands.",
      summary: "The removal stands.",
    });
    // Another appeal against the same decision (as a second notifier's would be; an author appeals a
    // decision once): the one who upheld the decision has taken part in it.
    const firstRow = await db.appeal.findUniqueOrThrow({ where: { id: first } });
    const again = randomUUID();
    await db.appeal.create({
      data: {
        id: again,
        platform: firstRow.platform,
        externalId: `again-${again}`,
        decisionId: firstRow.decisionId,
        itemId: firstRow.itemId,
        appellantRole: firstRow.appellantRole,
        appellantId: `co-author-${again}`,
        statement: "Fictional: a second appellant.",
        receivedAt: new Date(),
        dueAt: new Date(Date.now() + 86_400_000),
        queueId,
      },
    });
    expect(await claimNextAppeal(upholder)).toBeNull();
    expect(await claimAppealOrWhy(upholder, again)).toEqual({ refused: "took_part" });
    const claimId = await forceLease(again, upholder);
    const before = await stateOf(again);
    const refused = await decideAppeal(upholder, {
      appealId: again,
      claimId,
      outcome: "upheld",
      rationale: "Fictional.",
      summary: "The removal stands.",
    }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 403, code: "took_part" });
    expect(await stateOf(again)).toEqual(before);
    await db.appeal.update({ where: { id: again }, data: { claimId: null, claimedById: null, leaseExpiresAt: null } });
    expect((await claimNextAppeal(await reviewer(queueId)))?.appealId).toBe(again);
  });

  it("a lead who was the original decider cannot pick the appeal, by name or as the next one", async () => {
    const queueId = await appealsQueue();
    const lead = await decider("policy_lead", queueId);
    const made = await decidedItem([{ user: lead, action: "remove" }]);
    const appealId = await appealIn(queueId, made);
    expect(await claimAppealOrWhy(lead, appealId)).toEqual({ refused: "took_part" });
    expect(await claimNextAppeal(lead)).toBeNull();
    expect(await claimNextAppeal(lead, queueId)).toBeNull();
    // Another lead may.
    const other = await reviewer(queueId, "policy_lead");
    expect(refusal(await claimAppealOrWhy(other, appealId))).toBe("claimed");
    // The decider's refusal does not change while someone else holds it.
    expect(await claimAppealOrWhy(lead, appealId)).toEqual({ refused: "took_part" });
  });

  it("non-members, closed queues, unrouted appeals and roles that do not review get nothing", async () => {
    const queueId = await appealsQueue();
    const moderator = await decider("moderator", queueId);
    const appealId = await appealIn(queueId, await decidedItem([{ user: moderator, action: "remove" }]));
    const outsider = await makeUser("moderator", { queues: [] });
    expect(await claimNextAppeal(outsider)).toBeNull();
    expect(await claimAppealOrWhy(outsider, appealId)).toEqual({ refused: "not_member" });
    for (const role of ["auditor", "admin"] as const) {
      const user = await makeUser(role);
      expect(await claimNextAppeal(user)).toBeNull();
      expect(await claimAppealOrWhy(user, appealId)).toEqual({ refused: "not_reviewer" });
    }
    const member = await reviewer(queueId);
    await db.queue.update({ where: { id: queueId }, data: { open: false } });
    expect(await claimNextAppeal(member)).toBeNull();
    expect(await claimAppealOrWhy(member, appealId)).toEqual({ refused: "not_member" });
    await db.queue.update({ where: { id: queueId }, data: { open: true } });
    await db.appeal.update({ where: { id: appealId }, data: { queueId: null } });
    expect(await claimNextAppeal(member)).toBeNull();
    expect(await claimAppealOrWhy(member, appealId)).toEqual({ refused: "unrouted" });
    expect(await claimAppealOrWhy(member, "no-such-appeal")).toEqual({ refused: "not_found" });
    expect(await db.auditEvent.count({ where: { action: "appeal.claimed", subjectId: appealId } })).toBe(0);
  });

  it("a reviewer holding one appeal is told so when picking another; someone else's lease is 'held'", async () => {
    const queueId = await appealsQueue();
    const moderator = await decider("moderator", queueId);
    const first = await appealIn(queueId, await decidedItem([{ user: moderator, action: "remove" }]));
    const second = await appealIn(queueId, await decidedItem([{ user: moderator, action: "remove" }]));
    const busy = await reviewer(queueId);
    expect(refusal(await claimAppealOrWhy(busy, first))).toBe("claimed");
    expect(await claimAppealOrWhy(busy, second)).toEqual({ refused: "holding" });
    expect(CLAIM_REFUSALS.holding).toMatch(/another appeal/);
    // Asking for the one held again returns the same lease.
    expect(refusal(await claimAppealOrWhy(busy, first))).toBe("claimed");
    const other = await reviewer(queueId);
    expect(await claimAppealOrWhy(other, first)).toEqual({ refused: "held" });
    expect(CLAIM_REFUSALS.held).toMatch(/Someone else/);
  });

  it("closing an appeal queue unroutes its open appeals (a lead moves them on); deleting one is refused while an appeal waits", async () => {
    const queueId = await appealsQueue();
    const moderator = await decider("moderator", queueId);
    const made = await decidedItem([{ user: moderator, action: "remove" }]);
    const appealId = await appealIn(queueId, made);
    const lead = await makeUser("policy_lead");
    const actor = { kind: "user" as const, id: lead.id, email: lead.email, role: lead.role };
    await expect(deleteQueue(actor, queueId)).rejects.toThrow(/1 open appeal/);
    expect(await closeQueue(actor, queueId)).toMatchObject({ unroutedItems: 0, unroutedAppeals: 1 });
    const unrouted = await db.appeal.findUniqueOrThrow({ where: { id: appealId } });
    expect(unrouted).toMatchObject({ queueId: null, state: "open" });
    expect(unrouted.routeNote).toMatch(/was closed/);
    expect(await unroutedAppealCount()).toBeGreaterThanOrEqual(1);
    const other = await appealsQueue();
    const before = unrouted.dueAt;
    const { dueAt } = await moveAppeal(actor, appealId, other, "The desk that answers these now.");
    // A move never pushes a deadline later than it was.
    expect(dueAt.getTime()).toBeLessThanOrEqual(before.getTime());
    expect((await claimNextAppeal(await reviewer(other)))?.appealId).toBe(appealId);
  });

  it("overdue appeals are claimed first, then the earliest deadline", async () => {
    const queueId = await appealsQueue();
    const moderator = await decider("moderator", queueId);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await appealIn(queueId, await decidedItem([{ user: moderator, action: "remove" }])));
    // The last one received is overdue; the second is due soonest of the rest.
    await db.appeal.update({ where: { id: ids[3] }, data: { dueAt: new Date(Date.now() - 3_600_000) } });
    await db.appeal.update({ where: { id: ids[1] }, data: { dueAt: new Date(Date.now() + 3_600_000) } });
    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push((await claimNextAppeal(await reviewer(queueId)))!.appealId);
    expect(order).toEqual([ids[3], ids[1], ids[0], ids[2]]);
  });

  it("twelve reviewers (five of them deciders) claiming ten appeals at once: no appeal leased twice, no decider gets one about an item they decided, one lease each", async () => {
    const queueId = await appealsQueue();
    const deciders = await Promise.all([0, 1, 2, 3].map(() => decider("moderator", queueId)));
    const lead = await decider("policy_lead", queueId);
    const fresh = await Promise.all(Array.from({ length: 7 }, () => reviewer(queueId)));
    const items: Awaited<ReturnType<typeof decidedItem>>[] = [];
    for (let i = 0; i < 8; i++) items.push(await decidedItem([{ user: deciders[i % 4], action: "remove" }]));
    for (let i = 0; i < 2; i++) {
      items.push(
        await decidedItem([
          { user: deciders[0], action: "escalate" },
          { user: lead, action: "remove" },
        ]),
      );
    }
    const appealIds: string[] = [];
    for (const made of items) appealIds.push(await appealIn(queueId, made));
    const everyone = [...deciders, lead, ...fresh];
    const decidedBy = new Map(items.map((m, i) => [appealIds[i], new Set<string>()]));
    for (const d of await db.decision.findMany({ where: { itemId: { in: items.map((m) => m.itemId) } }, select: { itemId: true, userId: true } })) {
      decidedBy.get(appealIds[items.findIndex((m) => m.itemId === d.itemId)])!.add(d.userId);
    }

    async function checkLeases(claims: { user: User; claim: ClaimedAppeal | null }[]) {
      const won = claims.filter((c) => c.claim !== null);
      expect(new Set(won.map((c) => c.claim!.appealId)).size).toBe(won.length);
      for (const c of won) {
        expect(appealIds).toContain(c.claim!.appealId);
        expect(decidedBy.get(c.claim!.appealId)!.has(c.user.id), `${c.user.role} took an appeal on an item they decided`).toBe(false);
      }
      const live = await db.appeal.findMany({
        where: { queueId, leaseExpiresAt: { gt: new Date() } },
        select: { id: true, claimedById: true, claimId: true, itemId: true },
      });
      expect(live.length).toBe(won.length);
      const byUser = new Map<string, number>();
      for (const a of live) {
        byUser.set(a.claimedById!, (byUser.get(a.claimedById!) ?? 0) + 1);
        expect(decidedBy.get(a.id)!.has(a.claimedById!)).toBe(false);
        expect(won.find((c) => c.claim!.appealId === a.id)?.claim!.claimId).toBe(a.claimId);
      }
      for (const n of byUser.values()) expect(n).toBe(1);
      // Every fresh reviewer is owed an appeal while any is left.
      if (won.length < appealIds.length) for (const f of fresh) expect(claims.find((c) => c.user.id === f.id)!.claim).not.toBeNull();
      return won;
    }

    const events = await db.auditEvent.count({ where: { action: "appeal.claimed" } });
    let claimed = 0;
    for (let round = 0; round < 4; round++) {
      const shuffled = [...everyone].sort(() => Math.random() - 0.5);
      const claims = await Promise.all(shuffled.map(async (user) => ({ user, claim: await claimNextAppeal(user, round % 2 ? queueId : undefined) })));
      const won = await checkLeases(claims);
      expect(won.length).toBeGreaterThanOrEqual(8);
      // Claiming again at once returns each reviewer the appeal they hold: nothing new is leased.
      const again = await Promise.all(won.map(async (c) => (await claimNextAppeal(c.user))?.appealId));
      expect(again).toEqual(won.map((c) => c.claim!.appealId));
      claimed += won.length;
      await Promise.all(won.map((c) => releaseAppeal(c.user, { appealId: c.claim!.appealId, claimId: c.claim!.claimId, reason: "End of the round." })));
    }
    expect(await db.auditEvent.count({ where: { action: "appeal.claimed" } })).toBe(events + claimed);

    // Everyone asks for the same appeal by name at once: one lease; the deciders are told they took part.
    const target = appealIds[8];
    const named = await Promise.all(everyone.map(async (user) => ({ user, result: await claimAppealOrWhy(user, target) })));
    const winners = named.filter((n) => !("refused" in n.result));
    expect(winners).toHaveLength(1);
    expect(decidedBy.get(target)!.has(winners[0].user.id)).toBe(false);
    for (const n of named) {
      if (decidedBy.get(target)!.has(n.user.id)) expect(n.result).toEqual({ refused: "took_part" });
      else if (n !== winners[0]) expect(n.result).toEqual({ refused: "held" });
    }
    expect([deciders[0].id, lead.id].every((id) => decidedBy.get(target)!.has(id))).toBe(true);
  });
});
