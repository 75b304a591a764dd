import { describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { HISTORY_PREFIX } from "~/demo/history.server.ts";
import { loadDemo } from "~/demo/load.server.ts";
import { verifyChain } from "~/modules/audit/verify.server.ts";
import { addDays, type DayRange } from "~/modules/reporting/days.ts";
import { dayOf } from "~/modules/reporting/metrics.ts";
import { dailyCounts, deadlineMisses, depthByDay, totalCounts } from "~/modules/reporting/read.server.ts";
import { foldPending } from "~/modules/reporting/rollups.server.ts";

const sumBy = <T>(rows: T[], key: (r: T) => string, n: (r: T) => number) => {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + n(r));
  return out;
};
const weekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const tally = async () => ({
  items: await db.item.count(),
  flags: await db.flag.count(),
  decisions: await db.decision.count(),
  appeals: await db.appeal.count(),
  reviews: await db.qualityReview.count(),
  rules: await db.samplingRule.count(),
  audit: await db.auditEvent.count(),
});

describe("demo history", () => {
  it("gives every report thirty days of work, made through the real modules in time order, once", { timeout: 180_000 }, async () => {
    const summary = await loadDemo();
    expect(summary).toMatch(/history of 30 days: \d+ items, \d+ decisions, \d+ removal orders \([1-9]\d* late\)/);
    await foldPending(1_000_000);

    const today = dayOf(new Date());
    const month: DayRange = { from: addDays(today, -29), to: today };
    const past: DayRange = { from: addDays(today, -30), to: addDays(today, -1) };

    // Decisions on nearly every day, more on weekdays than at weekends.
    const perDay = sumBy(
      await dailyCounts("decisions.made", month),
      (r) => r.day,
      (r) => r.n,
    );
    expect([...perDay.values()].filter((n) => n > 0).length).toBeGreaterThanOrEqual(25);
    const pastDays = [...perDay.entries()].filter(([day]) => day < today);
    const weekdays = pastDays.filter(([day]) => !weekend(day)).map(([, n]) => n);
    const weekends = pastDays.filter(([day]) => weekend(day)).map(([, n]) => n);
    expect(weekends.length).toBeGreaterThanOrEqual(6);
    expect(mean(weekdays)).toBeGreaterThan(mean(weekends) * 1.5);
    const received = sumBy(
      await dailyCounts("items.received", past),
      (r) => r.day,
      (r) => r.n,
    );
    expect(mean([...received].filter(([d]) => !weekend(d)).map(([, n]) => n))).toBeGreaterThan(
      mean([...received].filter(([d]) => weekend(d)).map(([, n]) => n)),
    );

    // The backlog builds to a peak well above where it started, then is worked off. Today's demo items
    // were received over the last three days and count as open from then, so the history's curve ends before.
    const depth = [
      ...sumBy(
        await depthByDay({ from: past.from, to: addDays(today, -5) }),
        (r) => r.day,
        (r) => r.n,
      ).entries(),
    ]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, n]) => n);
    const peak = Math.max(...depth);
    const peakAt = depth.indexOf(peak);
    expect(peak).toBeGreaterThanOrEqual(depth[0] + 25);
    expect(peakAt).toBeGreaterThan(5);
    expect(peakAt).toBeLessThan(depth.length - 3);
    expect(Math.min(...depth.slice(peakAt))).toBeLessThanOrEqual(peak - 25);

    // Removal orders: most actioned within the hour, a few not.
    const orders = await totalCounts("deadline.result", past);
    const met = orders.find((r) => r.k1 === "removal_order" && r.k2 === "met")?.n ?? 0;
    const missed = await deadlineMisses(past, { source: "removal_order" });
    expect(missed.length).toBeGreaterThanOrEqual(1);
    expect(missed.every((m) => m.decidedAt.getTime() > m.dueAt.getTime())).toBe(true);
    expect(orders.find((r) => r.k1 === "removal_order" && r.k2 === "missed")?.n).toBe(missed.length);
    expect(met).toBeGreaterThan(missed.length * 3);

    // Appeals answered both ways; blind second reviews agreeing and not; both kinds of reversal.
    const outcomes = sumBy(
      await totalCounts("appeals.decided", past),
      (r) => r.k1,
      (r) => r.n,
    );
    expect(outcomes.get("upheld")).toBeGreaterThan(0);
    expect(outcomes.get("overturned")).toBeGreaterThan(0);
    expect((await totalCounts("appeals.received", past)).reduce((n, r) => n + r.n, 0)).toBeGreaterThanOrEqual(5);
    const pairs = await totalCounts("quality.pair", past);
    const agreeing = pairs.filter((p) => p.k1 === p.k2).reduce((n, p) => n + p.n, 0);
    const disagreeing = pairs.filter((p) => p.k1 !== p.k2).reduce((n, p) => n + p.n, 0);
    expect(disagreeing).toBeGreaterThan(0);
    expect(agreeing).toBeGreaterThan(disagreeing);
    const reversed = sumBy(
      await totalCounts("decisions.reversed", past),
      (r) => r.k1,
      (r) => r.n,
    );
    expect(reversed.get("appeal")).toBeGreaterThan(0);
    expect(reversed.get("quality")).toBeGreaterThan(0);
    // Last month's sampling rule is retired, leaves no review waiting, and the history's appeals are all answered.
    const historyItems = (await db.item.findMany({ where: { externalId: { startsWith: HISTORY_PREFIX } }, select: { id: true } })).map((i) => i.id);
    expect(await db.qualityReview.count({ where: { itemId: { in: historyItems } } })).toBeGreaterThan(10);
    expect(await db.qualityReview.count({ where: { state: { in: ["open", "disagreed"] }, itemId: { in: historyItems } } })).toBe(0);
    expect(await db.appeal.count({ where: { externalId: { startsWith: HISTORY_PREFIX }, state: { not: "decided" } } })).toBe(0);
    expect(await db.item.count({ where: { externalId: { startsWith: HISTORY_PREFIX }, state: { in: ["pending", "escalated"] } } })).toBe(0);

    // The chain verifies, and its times never go back.
    expect((await verifyChain()).ok).toBe(true);
    const times = (await db.auditEvent.findMany({ orderBy: { seq: "asc" }, select: { at: true } })).map((e) => e.at.getTime());
    expect(times.findIndex((t, i) => i > 0 && t < times[i - 1])).toBe(-1);
    expect(dayOf(new Date(times[0]))).toBe(past.from);

    // Loading again adds nothing.
    const before = await tally();
    expect(await loadDemo()).toMatch(/history already there/);
    expect(await tally()).toEqual(before);
  });
});
