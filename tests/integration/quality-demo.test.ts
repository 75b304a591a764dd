import { describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { loadDemo } from "~/demo/load.server.ts";
import { verifyChain } from "~/modules/audit/verify.server.ts";

describe("demo quality history", () => {
  it("gives every quality screen something real, through the same modules, once", { timeout: 180_000 }, async () => {
    const summary = await loadDemo();
    expect(summary).toMatch(/3 sampling rules, \d+ decisions sampled/);
    expect(await db.samplingRule.count({ where: { active: true } })).toBe(3);
    const byState = Object.fromEntries((await db.qualityReview.groupBy({ by: ["state"], _count: { _all: true } })).map((s) => [s.state, s._count._all]));
    // A review waits for each demo moderator, pairs agree, one disagreement waits for a ruling and one was corrected.
    expect(byState.open).toBeGreaterThanOrEqual(2);
    expect(byState.agreed).toBeGreaterThanOrEqual(1);
    expect(byState.disagreed).toBe(1);
    expect(byState.adjudicated).toBeGreaterThanOrEqual(1);
    const corrected = await db.qualityReview.findFirstOrThrow({ where: { state: "adjudicated", correctionDecisionId: { not: null } } });
    expect((await db.decision.findUniqueOrThrow({ where: { id: corrected.correctionDecisionId! } })).supersedesId).toBe(corrected.decisionId);
    for (const email of ["mod1@docket.test", "mod2@docket.test"]) {
      const user = await db.user.findUniqueOrThrow({ where: { email } });
      expect(await db.calibrationAnswer.count({ where: { userId: user.id, outcome: "answered" } })).toBe(3);
    }
    expect(await db.calibrationItem.count({ where: { active: true } })).toBe(3);
    expect(await db.calibrationAnswer.count({ where: { actionCorrect: false } })).toBe(1);
    expect(await db.qualitySettings.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ highSeverityCap: 60, calibrationPercent: 0 });
    expect(await db.mediaReveal.count()).toBeGreaterThanOrEqual(1);
    expect((await verifyChain()).ok).toBe(true);

    // Loading again adds nothing.
    const counts = async () => [
      await db.samplingRule.count(),
      await db.qualityReview.count(),
      await db.calibrationItem.count(),
      await db.calibrationAnswer.count(),
    ];
    const before = await counts();
    await loadDemo();
    expect(await counts()).toEqual(before);
  });
});
