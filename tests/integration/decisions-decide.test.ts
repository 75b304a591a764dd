import { beforeAll, describe, expect, it } from "vitest";
import { db, dialect } from "~/db.server.ts";
import { claimItem, claimNext } from "~/modules/queue/claims.server.ts";
import { decide, DecisionInvalidError, LeaseConflictError } from "~/modules/decisions/decide.server.ts";
import { decisionFeed } from "~/modules/decisions/feed.server.ts";
import { makeUser } from "../support/fixtures.ts";
import { flagRequest, seedItems, settleOpenItems, starterLabels } from "../support/queue-fixtures.ts";

let versionId: string;
const label = async (key: string) => (await db.label.findFirstOrThrow({ where: { key, versionId } })).id;
beforeAll(async () => {
  versionId = (await starterLabels()).versionId;
});

async function freshClaim(role: "moderator" | "policy_lead" = "moderator", make = () => flagRequest()) {
  const [itemId] = await seedItems(1, undefined, make);
  const user = await makeUser(role);
  const claim = (await claimItem(user, itemId))!;
  return { itemId, user, claim };
}

describe("deciding", () => {
  it("writes the decision with its label-set version, labels, snapshot, the item's state, the ended lease and the audit event", async () => {
    const { itemId, user, claim } = await freshClaim("moderator", () =>
      flagRequest({ flag: { source: "trusted_flagger", note: "praise for a fictional group", reference: "TF-9" } }),
    );
    const glorification = await label("ve_glorification");
    const result = await decide(user, {
      itemId,
      claimId: claim.claimId,
      action: "remove",
      labelIds: [glorification],
      rationale: "Praises the Northern Ember Front's attack.",
    });
    const decision = await db.decision.findUniqueOrThrow({ where: { id: result.decisionId }, include: { labels: true } });
    expect(decision.versionId).toBe(versionId);
    expect(decision.labels.map((l) => l.labelId)).toEqual([glorification]);
    expect(JSON.parse(decision.labelKeys)).toEqual(["ve_glorification"]);
    const snapshot = JSON.parse(decision.snapshot);
    expect(snapshot).toMatchObject({ strongestSource: "trusted_flagger", countsBySource: { trusted_flagger: 1 }, author: { handle: expect.any(String) } });
    expect(snapshot.flags).toEqual([expect.objectContaining({ source: "trusted_flagger", note: "praise for a fictional group", reference: "TF-9" })]);
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    expect(item).toMatchObject({ state: "decided", claimId: null, claimedById: null, leaseExpiresAt: null });
    expect(item.decidedAt).not.toBeNull();
    expect((await db.claim.findUniqueOrThrow({ where: { id: claim.claimId } })).endReason).toBe("decided");
    const event = await db.auditEvent.findUniqueOrThrow({ where: { seq: decision.seq } });
    expect(event.action).toBe("decision.made");
    expect(JSON.parse(event.payload)).toMatchObject({
      decisionId: decision.id,
      itemId,
      action: "remove",
      labelKeys: ["ve_glorification"],
      versionId,
      copyOf: null,
    });
  });

  it("a violating label or an escalation without a rationale is refused and writes nothing", async () => {
    const { itemId, user, claim } = await freshClaim();
    const before = await db.auditEvent.count();
    await expect(
      decide(user, { itemId, claimId: claim.claimId, action: "remove", labelIds: [await label("ve_recruitment")], rationale: "" }),
    ).rejects.toBeInstanceOf(DecisionInvalidError);
    await expect(decide(user, { itemId, claimId: claim.claimId, action: "escalate", labelIds: [], rationale: " " })).rejects.toThrow(/rationale/);
    await expect(decide(user, { itemId, claimId: claim.claimId, action: "keep", labelIds: [], rationale: "" })).rejects.toThrow(/at least one label/);
    await expect(decide(user, { itemId, claimId: claim.claimId, action: "keep", labelIds: ["no-such-label"], rationale: "" })).rejects.toThrow(
      /live label set/,
    );
    expect(await db.auditEvent.count()).toBe(before);
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).claimId).toBe(claim.claimId);
  });

  it("an escalation goes to the leads' queue; only a lead's decision closes it", async () => {
    const { itemId, user, claim } = await freshClaim();
    await decide(user, {
      itemId,
      claimId: claim.claimId,
      action: "escalate",
      labelIds: [await label("ve_needs_specialist")],
      rationale: "Possible credible threat; needs a lead.",
    });
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).state).toBe("escalated");
    const mod = await makeUser("moderator");
    expect(await claimItem(mod, itemId)).toBeNull();
    const lead = await makeUser("policy_lead");
    const lc = (await claimItem(lead, itemId))!;
    await expect(decide(lead, { itemId, claimId: lc.claimId, action: "escalate", labelIds: [], rationale: "again" })).rejects.toThrow(/already escalated/);
    const r = await decide(lead, {
      itemId,
      claimId: lc.claimId,
      action: "keep",
      labelIds: [await label("ve_news_reporting")],
      rationale: "It is news reporting.",
    });
    expect(r.state).toBe("decided");
    const decision = await db.decision.findUniqueOrThrow({ where: { id: r.decisionId } });
    expect(decision.byLead).toBe(true);
  });

  it("two decisions under the same lease: the second gets a conflict and writes nothing", async () => {
    const { itemId, user, claim } = await freshClaim();
    const keep = await label("ve_news_reporting");
    const results = await Promise.allSettled([
      decide(user, { itemId, claimId: claim.claimId, action: "keep", labelIds: [keep], rationale: "" }),
      decide(user, { itemId, claimId: claim.claimId, action: "keep", labelIds: [keep], rationale: "" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(LeaseConflictError);
    expect(await db.decision.count({ where: { itemId } })).toBe(1);
  });

  it("a cluster decision writes one decision and audit event per open member, skipping members someone else holds", async () => {
    const body = "Fictional recruitment line: join the Placeholder Cell today (synthetic example).";
    const ids = await seedItems(5, undefined, () =>
      flagRequest({ content: { body, title: "Poster" }, flag: { source: "authority_referral", reference: "IRU-77" } }),
    );
    const user = await makeUser("moderator");
    const other = await makeUser("moderator");
    const held = (await claimItem(other, ids[4]))!;
    const claim = (await claimItem(user, ids[0]))!;
    const before = await db.auditEvent.count();
    const r = await decide(user, {
      itemId: ids[0],
      claimId: claim.claimId,
      action: "remove",
      labelIds: [await label("ve_recruitment")],
      rationale: "Recruitment call.",
      cluster: { memberIds: "all" },
    });
    expect(r).toMatchObject({ copies: 3, skippedCopies: 1 });
    const decisions = await db.decision.findMany({ where: { itemId: { in: ids } }, orderBy: { seq: "asc" } });
    expect(decisions).toHaveLength(4);
    expect(decisions.slice(1).every((d) => d.copyOfDecisionId === r.decisionId)).toBe(true);
    // The four decisions, and the cluster decision's start and finish.
    expect(await db.auditEvent.count()).toBe(before + 6);
    const states = await db.item.findMany({ where: { id: { in: ids } }, select: { id: true, state: true } });
    expect(states.filter((s) => s.state === "decided")).toHaveLength(4);
    expect((await db.item.findUniqueOrThrow({ where: { id: ids[4] } })).claimId).toBe(held.claimId);
  });

  it("a failure between the decision's write and its audit event's write leaves neither behind", async () => {
    const { itemId, user, claim } = await freshClaim();
    const before = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    const decisionsBefore = await db.decision.count();
    const labelsBefore = await db.decisionLabel.count();
    if (dialect === "sqlite") {
      await db.$executeRawUnsafe(`CREATE TRIGGER inject_audit_failure BEFORE INSERT ON "AuditEvent" BEGIN SELECT RAISE(ABORT, 'injected'); END`);
    } else {
      await db.$executeRawUnsafe(`CREATE FUNCTION inject_audit_failure() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$ LANGUAGE plpgsql`);
      await db.$executeRawUnsafe(`CREATE TRIGGER inject_audit_failure BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION inject_audit_failure()`);
    }
    try {
      await expect(
        decide(user, {
          itemId,
          claimId: claim.claimId,
          action: "remove",
          labelIds: [await label("ve_propaganda_distribution")],
          rationale: "Distributes propaganda.",
        }),
      ).rejects.toThrow();
    } finally {
      if (dialect === "sqlite") await db.$executeRawUnsafe(`DROP TRIGGER inject_audit_failure`);
      else {
        await db.$executeRawUnsafe(`DROP TRIGGER inject_audit_failure ON "AuditEvent"`);
        await db.$executeRawUnsafe(`DROP FUNCTION inject_audit_failure()`);
      }
    }
    expect(await db.decision.count()).toBe(decisionsBefore);
    expect(await db.decisionLabel.count()).toBe(labelsBefore);
    const after = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    expect(after).toEqual(before);
    expect((await db.claim.findUniqueOrThrow({ where: { id: claim.claimId } })).endedAt).toBeNull();
    // With the fault gone, the same lease decides normally.
    await decide(user, {
      itemId,
      claimId: claim.claimId,
      action: "remove",
      labelIds: [await label("ve_propaganda_distribution")],
      rationale: "Distributes propaganda.",
    });
    expect(await db.decision.count({ where: { itemId } })).toBe(1);
  });
});

describe("the decisions feed", () => {
  it("lists a platform's decisions in commit order with a cursor that misses nothing", async () => {
    const user = await makeUser("moderator");
    await settleOpenItems();
    await seedItems(5);
    const keep = await label("ve_news_reporting");
    for (let i = 0; i < 5; i++) {
      const c = (await claimNext(user))!;
      await decide(user, { itemId: c.itemId, claimId: c.claimId, action: "keep", labelIds: [keep], rationale: "" });
    }
    const all = [];
    let cursor = 0;
    for (;;) {
      const page = await decisionFeed("test", cursor, 3);
      if (page.decisions.length === 0) {
        expect(page.nextCursor).toBe(String(cursor));
        break;
      }
      all.push(...page.decisions);
      cursor = Number(page.nextCursor);
    }
    const seqs = all.map((d) => Number(d.cursor));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(all.length).toBe(await db.decision.count({ where: { item: { platform: "test" } } }));
    expect(all[all.length - 1]).toMatchObject({ action: "keep", labelKeys: ["ve_news_reporting"], versionId, labelSet: { version: 1 } });
    expect((await decisionFeed("another-platform", 0, 100)).decisions).toEqual([]);
  });
});
