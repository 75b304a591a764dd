import { describe, expect, it } from "vitest";
import { db, dialect } from "~/db.server.ts";
import { verifyChain } from "~/modules/audit/verify.server.ts";
import { endClaim } from "~/modules/queue/claims.server.ts";
import { makeDecision } from "../support/audit-fixtures.ts";

async function failDecisionInserts() {
  if (dialect === "sqlite") {
    await db.$executeRawUnsafe(
      `CREATE TRIGGER inject_decision_failure BEFORE INSERT ON "Decision" BEGIN SELECT RAISE(ABORT, 'injected decision failure'); END`,
    );
    return () => db.$executeRawUnsafe(`DROP TRIGGER inject_decision_failure`);
  }
  await db.$executeRawUnsafe(
    `CREATE FUNCTION inject_decision_failure() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected decision failure'; END $$ LANGUAGE plpgsql`,
  );
  await db.$executeRawUnsafe(`CREATE TRIGGER inject_decision_failure BEFORE INSERT ON "Decision" FOR EACH ROW EXECUTE FUNCTION inject_decision_failure()`);
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER inject_decision_failure ON "Decision"`);
    await db.$executeRawUnsafe(`DROP FUNCTION inject_decision_failure()`);
  };
}

describe("a decision and its audit event are one unit", () => {
  it("a failure after the audit event is appended but before the decision row is written leaves neither behind", async () => {
    await makeDecision({ action: "keep" });
    const head = await db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    const decisions = await db.decision.count();
    const restore = await failDecisionInserts();
    try {
      // The decision is written after its event (the event's seq becomes the decision's seq).
      await expect(makeDecision({ action: "remove", externalId: "post-atomic-1" })).rejects.toThrow(/injected decision failure|tx.decision.create/);
    } finally {
      await restore();
    }
    expect(await db.decision.count()).toBe(decisions);
    expect(await db.auditEvent.count({ where: { action: "decision.made", payload: { contains: "post-atomic-1" } } })).toBe(0);
    const item = await db.item.findFirstOrThrow({ where: { externalId: "post-atomic-1" } });
    expect(item.state).toBe("pending");
    // Only the intake and claim events that committed before the decision attempt were added.
    const after = await db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    const added = await db.auditEvent.findMany({ where: { seq: { gt: head.seq } }, orderBy: { seq: "asc" } });
    expect(added.map((e) => e.action)).not.toContain("decision.made");
    expect(after.seq).toBe(head.seq + added.length);
    expect((await verifyChain()).ok).toBe(true);
    // The moderator still holds the item (one item at a time): they release it and take the next.
    const holder = await db.user.findUniqueOrThrow({ where: { id: item.claimedById! } });
    expect(await endClaim(holder, { itemId: item.id, claimId: item.claimId!, kind: "released", reason: "The save failed; starting over." })).toBe(true);
    // The next decision takes the next sequence number: no gap was left by the failed one.
    const next = await makeDecision({ action: "remove" });
    expect((await verifyChain()).ok).toBe(true);
    expect(next.decision.seq).toBeGreaterThan(after.seq);
  });
});
