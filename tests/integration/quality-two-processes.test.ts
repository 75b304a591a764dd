// Quality review with two Docket processes on one database: the review leases, the rulings and the
// sampling live in the database, so two processes can neither give one review to two reviewers nor
// record two rulings on one disagreement.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { saveSamplingRule } from "~/modules/quality/sampling-rules.server.ts";
import { makeDecision } from "../support/audit-fixtures.ts";
import { liveLabelIds } from "../support/appeals.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client } from "../support/http.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let a: RunningServer;
let b: RunningServer;
beforeAll(async () => {
  [a, b] = await Promise.all([startServer(), startServer()]);
});
afterAll(() => Promise.all([a?.stop(), b?.stop()]));

async function signedIn(server: RunningServer, user: { email: string }) {
  const client = new Client(server.url);
  await client.login(user.email, PASSWORD);
  return client;
}

describe("quality review on two processes", () => {
  it("reviewers pressing Next review on both processes at once never share a review; a ruling sent to both is recorded once", async () => {
    const lead = await makeUser("policy_lead");
    await saveSamplingRule(
      { kind: "user", id: lead.id, email: lead.email, role: lead.role },
      {
        name: "All",
        queueId: null,
        labelSetId: null,
        moderatorId: null,
        percent: 100,
        minPerWeek: 0,
        quotaKeep: 0,
        quotaRemove: 0,
        quotaRestrict: 0,
        active: true,
      },
    );
    for (let i = 0; i < 6; i++) await makeDecision({ action: "remove" });
    const open = await db.qualityReview.count({ where: { state: "open" } });
    expect(open).toBeGreaterThanOrEqual(6);
    const reviewers = await Promise.all(Array.from({ length: 6 }, () => makeUser("moderator")));
    const tabs = await Promise.all(reviewers.map((r, i) => signedIn(i % 2 === 0 ? a : b, r)));
    const pressed = await Promise.all(tabs.map((t) => t.post("/quality/reviews/next")));
    const taken = pressed.map((r) => /^\/quality\/reviews\/(.+)$/.exec(r.headers.get("location") ?? "")?.[1]).filter((id): id is string => !!id);
    expect(taken).toHaveLength(6);
    expect(new Set(taken).size).toBe(6);
    expect(await db.auditEvent.count({ where: { action: "quality.claimed", subjectId: { in: taken } } })).toBe(6);

    // The first reviewer disagrees; two leads rule at the same moment through the two processes.
    const labels = await liveLabelIds();
    const reviewId = taken[0]!;
    const { claimId } = await db.qualityReview.findUniqueOrThrow({ where: { id: reviewId } });
    const answered = await tabs[0]!.post(`/quality/reviews/${reviewId}`, {
      intent: "review",
      claimId: claimId!,
      action: "keep",
      labelIds: labels.get("ve_news_reporting")!,
      rationale: "Fictional: a report.",
    });
    expect(answered.status).toBe(302);
    const [leadA, leadB] = await Promise.all([signedIn(a, await makeUser("policy_lead")), signedIn(b, await makeUser("policy_lead"))]);
    const ruling = {
      ruling: "second",
      errorType: "false_positive",
      note: "Fictional: a report, not praise.",
      correct: "on",
      action: "keep",
      labelIds: labels.get("ve_news_reporting")!,
      rationale: "Corrected: news reporting.",
    };
    const results = await Promise.all([leadA.post(`/quality/adjudications/${reviewId}`, ruling), leadB.post(`/quality/adjudications/${reviewId}`, ruling)]);
    expect(results.map((r) => r.status).sort()).toEqual([302, 409]);
    const review = await db.qualityReview.findUniqueOrThrow({ where: { id: reviewId } });
    expect(await db.decision.count({ where: { supersedesId: review.decisionId } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "quality.adjudicated", subjectId: reviewId } })).toBe(1);
  });
});
