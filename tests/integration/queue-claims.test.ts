import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { claimItem, claimNext, endClaim, renewLease } from "~/modules/queue/claims.server.ts";
import { decide, LeaseConflictError } from "~/modules/decisions/decide.server.ts";
import { makeUser } from "../support/fixtures.ts";
import { flagRequest, seedItems, settleOpenItems, starterLabels } from "../support/queue-fixtures.ts";

let keepLabelId: string;
beforeAll(async () => {
  await starterLabels();
  keepLabelId = (await db.label.findFirstOrThrow({ where: { key: "ve_news_reporting" } })).id;
});

// Each test sees only its own items: whatever earlier tests left open is decided first.
const clearQueue = settleOpenItems;

describe("claiming", () => {
  it("20 concurrent claimers making several hundred claims never share an item, and each item is claimed exactly once until decided", async () => {
    await clearQueue();
    const ids = await seedItems(300);
    const moderators = await Promise.all(Array.from({ length: 20 }, () => makeUser("moderator")));
    const claimedBy = new Map<string, string>();
    const doubles: string[] = [];
    let decided = 0;
    // Each claimer loops: claim, verify it alone holds the item, decide it, repeat until the queue is empty.
    await Promise.all(
      moderators.map(async (m) => {
        for (;;) {
          const claim = await claimNext(m);
          if (!claim) return;
          if (claimedBy.has(claim.itemId)) doubles.push(claim.itemId);
          claimedBy.set(claim.itemId, m.id);
          const row = await db.item.findUniqueOrThrow({ where: { id: claim.itemId } });
          expect(row.claimedById).toBe(m.id);
          expect(row.claimId).toBe(claim.claimId);
          await decide(m, { itemId: claim.itemId, claimId: claim.claimId, action: "keep", labelIds: [keepLabelId], rationale: "" });
          decided++;
        }
      }),
    );
    expect(doubles).toEqual([]);
    expect(claimedBy.size).toBe(300);
    expect(new Set(claimedBy.keys())).toEqual(new Set(ids));
    expect(decided).toBe(300);
    expect(await db.claim.count({ where: { itemId: { in: ids } } })).toBe(300);
    expect(await db.decision.count({ where: { itemId: { in: ids } } })).toBe(300);
    // Every holder had its own claims; the work spread over the claimers.
    expect(new Set(claimedBy.values()).size).toBeGreaterThan(1);
  }, 180_000);

  it("20 concurrent claimers holding leases at once each get a different item", async () => {
    await clearQueue();
    await seedItems(25);
    const moderators = await Promise.all(Array.from({ length: 20 }, () => makeUser("moderator")));
    const claims = await Promise.all(moderators.map((m) => claimNext(m)));
    const items = claims.map((c) => c!.itemId);
    expect(new Set(items).size).toBe(20);
    const held = await db.item.count({ where: { leaseExpiresAt: { gt: new Date() }, state: "pending" } });
    expect(held).toBe(20);
  });

  it("overdue items come first, then priority, then age", async () => {
    await clearQueue();
    const old = new Date(Date.now() - 2 * 3600_000).toISOString();
    const [automated] = await seedItems(1, undefined, () => flagRequest({ flag: { source: "automated" } }));
    const [trusted] = await seedItems(1, undefined, () => flagRequest({ flag: { source: "trusted_flagger" } }));
    const [overdueReport] = await seedItems(1, undefined, () =>
      flagRequest({ flag: { source: "user_report", receivedAt: new Date(Date.now() - 80 * 3600_000).toISOString() } }),
    );
    const [overdueOrder] = await seedItems(1, undefined, () => flagRequest({ flag: { source: "removal_order", receivedAt: old, reference: "TCO-1" } }));
    const m = await makeUser("moderator");
    const order = [];
    for (let i = 0; i < 4; i++) {
      const c = (await claimNext(m))!;
      order.push(c.itemId);
      await decide(m, { itemId: c.itemId, claimId: c.claimId, action: "keep", labelIds: [keepLabelId], rationale: "" });
    }
    expect(order).toEqual([overdueReport, overdueOrder, trusted, automated]);
  });

  it("an expired lease can be claimed again, and the stale lease cannot decide", async () => {
    await clearQueue();
    const [itemId] = await seedItems(1);
    const first = await makeUser("moderator");
    const second = await makeUser("moderator");
    const stale = (await claimNext(first))!;
    expect(stale.itemId).toBe(itemId);
    expect(await claimNext(second)).toBeNull();
    await db.item.update({ where: { id: itemId }, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });
    const fresh = (await claimNext(second))!;
    expect(fresh.itemId).toBe(itemId);
    const staleClaim = await db.claim.findUniqueOrThrow({ where: { id: stale.claimId } });
    expect(staleClaim.endReason).toBe("expired");

    const auditBefore = await db.auditEvent.count();
    await expect(decide(first, { itemId, claimId: stale.claimId, action: "keep", labelIds: [keepLabelId], rationale: "" })).rejects.toBeInstanceOf(
      LeaseConflictError,
    );
    expect(await db.decision.count({ where: { itemId } })).toBe(0);
    expect(await db.auditEvent.count()).toBe(auditBefore);
    const row = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    expect(row.claimId).toBe(fresh.claimId);
    expect(row.state).toBe("pending");
    // An expired lease that nobody re-claimed cannot decide either.
    await db.item.update({ where: { id: itemId }, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });
    await expect(decide(second, { itemId, claimId: fresh.claimId, action: "keep", labelIds: [keepLabelId], rationale: "" })).rejects.toBeInstanceOf(
      LeaseConflictError,
    );
  });

  it("renewing extends only the holder's live lease", async () => {
    await clearQueue();
    await seedItems(1);
    const m = await makeUser("moderator");
    const other = await makeUser("moderator");
    const c = (await claimNext(m))!;
    const renewed = await renewLease(m, c.itemId, c.claimId);
    expect(renewed!.getTime()).toBeGreaterThanOrEqual(c.leaseExpiresAt.getTime());
    expect(await renewLease(other, c.itemId, c.claimId)).toBeNull();
    await db.item.update({ where: { id: c.itemId }, data: { leaseExpiresAt: new Date(Date.now() - 1) } });
    expect(await renewLease(m, c.itemId, c.claimId)).toBeNull();
  });

  it("a skipped item is not offered to the same moderator again, but others still get it", async () => {
    await clearQueue();
    const [itemId] = await seedItems(1);
    const m = await makeUser("moderator");
    const other = await makeUser("moderator");
    const c = (await claimNext(m))!;
    expect(await endClaim(m, { itemId, claimId: c.claimId, kind: "skipped", reason: "language I do not read" })).toBe(true);
    expect(await claimNext(m)).toBeNull();
    expect((await claimNext(other))!.itemId).toBe(itemId);
    const events = await db.auditEvent.findMany({ where: { subjectId: itemId }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["item.claimed", "claim.skipped", "item.claimed"]);
  });

  it("a lead can release anyone's lease with a reason; the holder's decision then conflicts", async () => {
    await clearQueue();
    const [itemId] = await seedItems(1);
    const m = await makeUser("moderator");
    const lead = await makeUser("policy_lead");
    const c = (await claimNext(m))!;
    expect(await endClaim(lead, { itemId, claimId: c.claimId, kind: "lead_released", reason: "shift ended" })).toBe(true);
    const claim = await db.claim.findUniqueOrThrow({ where: { id: c.claimId } });
    expect(claim.endReason).toBe("lead_released");
    expect(claim.note).toBe("shift ended");
    await expect(decide(m, { itemId, claimId: c.claimId, action: "keep", labelIds: [keepLabelId], rationale: "" })).rejects.toThrow(/no longer hold/);
    // A moderator cannot release someone else's lease as if it were theirs.
    const again = (await claimItem(lead, itemId))!;
    expect(await endClaim(m, { itemId, claimId: again.claimId, kind: "released", reason: "x" })).toBe(false);
  });

  it("leads draw from the escalated queue; moderators never get escalated items", async () => {
    await clearQueue();
    const [itemId] = await seedItems(1);
    const m = await makeUser("moderator");
    const lead = await makeUser("policy_lead");
    const c = (await claimNext(m))!;
    await decide(m, { itemId, claimId: c.claimId, action: "escalate", labelIds: [], rationale: "Unclear whether this is reporting or praise." });
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).state).toBe("escalated");
    expect(await claimNext(m)).toBeNull();
    const lc = (await claimNext(lead, "escalated"))!;
    expect(lc.itemId).toBe(itemId);
  });
});
