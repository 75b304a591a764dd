import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { loadDemo } from "~/demo/load.server.ts";
import { overview } from "~/modules/reports/overview.server.ts";

beforeAll(() => loadDemo());

describe("the overview", () => {
  it("counts waiting, escalated and overdue items as the item table holds them", async () => {
    const now = new Date();
    const data = await overview(now);
    expect(data.byState.pending).toBe(await db.item.count({ where: { state: "pending" } }));
    expect(data.byState.escalated).toBe(await db.item.count({ where: { state: "escalated" } }));
    expect(data.overdue).toBe(await db.item.count({ where: { state: { in: ["pending", "escalated"] }, dueAt: { lte: now } } }));
    expect(data.overdue).toBeGreaterThan(0);
  });

  it("puts every decision of the last two weeks in its UTC day and action", async () => {
    const data = await overview();
    expect(data.perDay).toHaveLength(14);
    const charted = data.perDay.reduce((sum, d) => sum + Object.values(d.counts).reduce((a, b) => a + b, 0), 0);
    const since = new Date(`${data.perDay[0].day}T00:00:00Z`);
    expect(charted).toBe(await db.decision.count({ where: { createdAt: { gte: since } } }));
    const today = new Date().toISOString().slice(0, 10);
    const todays = data.perDay.find((d) => d.day === today)!;
    expect(todays.counts.remove).toBe(await db.decision.count({ where: { action: "remove", createdAt: { gte: new Date(`${today}T00:00:00Z`) } } }));
  });

  it("tells removal orders actioned within the hour from late ones", async () => {
    const decided = await db.item.findMany({ where: { strongestSource: "removal_order", decidedAt: { not: null } }, select: { decidedAt: true, dueAt: true } });
    const met = decided.filter((i) => i.dueAt && i.decidedAt! <= i.dueAt).length;
    expect((await overview()).removalOrders).toEqual({ met, total: decided.length });
  });
});
