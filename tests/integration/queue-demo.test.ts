import { describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ensureDemoAccounts } from "~/demo/accounts.server.ts";
import { loadDemoItems } from "~/demo/items.server.ts";
import { loadDemoRouting } from "~/demo/routing.server.ts";
import { starterLabels } from "../support/queue-fixtures.ts";

describe("demo items", () => {
  it("load a queue and a history through intake, claims and decisions, once", async () => {
    await ensureDemoAccounts();
    await starterLabels();
    expect(await loadDemoRouting()).toMatch(/routing version 3/);
    const started = Date.now();
    const summary = await loadDemoItems();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(summary).toMatch(/items/);
    expect(await db.item.count()).toBeGreaterThanOrEqual(300);

    const sources = await db.flag.groupBy({ by: ["source"], _count: { _all: true } });
    expect(sources.map((s) => s.source).sort()).toEqual(["authority_referral", "automated", "removal_order", "trusted_flagger", "user_report"]);
    const orders = await db.flag.findMany({ where: { source: "removal_order" } });
    expect(orders.length).toBeGreaterThanOrEqual(5);
    expect(orders.every((f) => f.dueAt!.getTime() - f.receivedAt.getTime() === 3_600_000)).toBe(true);
    expect(await db.item.count({ where: { state: "pending", strongestSource: "removal_order", dueAt: { lte: new Date() } } })).toBeGreaterThan(0);

    // Routed by the demo team's rules: every working queue has items, members differ, a few wait unrouted.
    const queues = await db.queue.findMany({ where: { deletedAt: null }, include: { members: { include: { user: true } } } });
    expect(queues.length).toBeGreaterThanOrEqual(5);
    for (const name of ["Removal orders on call", "Violent extremism EN", "Violent extremism other languages", "Escalations"]) {
      const queue = queues.find((q) => q.name === name)!;
      expect(await db.item.count({ where: { queueId: queue.id } }), name).toBeGreaterThan(0);
    }
    const memberships = new Set(
      queues.map((q) =>
        q.members
          .map((m) => m.user.email)
          .sort()
          .join(","),
      ),
    );
    expect(memberships.size).toBeGreaterThan(2);
    const unrouted = await db.item.findMany({ where: { queueId: null, state: "pending" } });
    expect(unrouted.length).toBeGreaterThanOrEqual(3);
    expect(unrouted.every((i) => /No rule of routing version 3 matches|closed/.test(i.routeNote ?? ""))).toBe(true);
    expect(await db.item.count({ where: { assignedToId: { not: null } } })).toBe(1);

    const copies = await db.item.groupBy({ by: ["contentDigest"], where: { strongestSource: "authority_referral" }, _count: { _all: true } });
    expect(Math.max(...copies.map((c) => c._count._all))).toBeGreaterThanOrEqual(50);

    const decisions = await db.decision.findMany({ include: { item: { select: { strongestSource: true } }, user: { select: { email: true } } } });
    expect(new Set(decisions.map((d) => d.action))).toEqual(new Set(["keep", "remove", "restrict", "escalate"]));
    expect(new Set(decisions.map((d) => d.item.strongestSource)).size).toBe(5);
    expect(new Set(decisions.map((d) => d.user.email))).toEqual(new Set(["mod1@docket.test", "mod2@docket.test", "lead@docket.test"]));
    expect(decisions.some((d) => d.copyOfDecisionId)).toBe(true);
    expect(await db.item.count({ where: { state: "escalated" } })).toBeGreaterThan(0);
    for (const d of decisions) {
      const event = await db.auditEvent.findUniqueOrThrow({ where: { seq: d.seq } });
      expect(event.action).toBe("decision.made");
      expect(JSON.parse(d.snapshot).flags.length).toBeGreaterThan(0);
    }

    const counts = { items: await db.item.count(), decisions: await db.decision.count(), audit: await db.auditEvent.count() };
    expect(await loadDemoItems()).toMatch(/already present/);
    expect({ items: await db.item.count(), decisions: await db.decision.count(), audit: await db.auditEvent.count() }).toEqual(counts);
  });
});
