// Blind second review over HTTP, as a browser without JavaScript uses it: sampling a decision, the
// second reviewer's page and loader data (nothing of the first decision in either), the first
// decider shut out, agreement and disagreement, and a lead's ruling with a correction that supersedes
// the first decision in the feed and the statements of reasons.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { saveSamplingRule } from "~/modules/quality/sampling-rules.server.ts";
import { sampleDecision } from "~/modules/quality/sample.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { makeDecision } from "../support/audit-fixtures.ts";
import { flagRequest, testSender } from "../support/queue-fixtures.ts";
import { liveLabelIds } from "../support/appeals.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client, markupText as html } from "../support/http.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let lead: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  server = await startServer();
  lead = await makeUser("policy_lead");
});
afterAll(() => server?.stop());

const leadActor = () => ({ kind: "user" as const, id: lead.id, email: lead.email, role: lead.role });
const everyDecision = {
  name: "Every decision",
  queueId: null,
  labelSetId: null,
  moderatorId: null,
  percent: 100,
  minPerWeek: 0,
  quotaKeep: 0,
  quotaRemove: 0,
  quotaRestrict: 0,
  active: true,
};

beforeEach(async () => {
  await db.samplingRule.updateMany({ data: { active: false } });
});

async function signedIn(user: { email: string }) {
  const client = new Client(server.url);
  await client.login(user.email, PASSWORD);
  return client;
}

const ROUTE = "routes/_console.quality.reviews.$reviewId";

/** A removal sampled by an every-decision rule, with its quality review. */
async function sampledRemoval(rationale = "Fictional rationale QX-7731: the post praises the made-up group.") {
  await saveSamplingRule(leadActor(), everyDecision);
  const made = await makeDecision({ action: "remove", labelKeys: ["ve_glorification"] });
  await db.decision.update({ where: { id: made.decision.id }, data: { rationale } });
  const review = await db.qualityReview.findUniqueOrThrow({ where: { decisionId: made.decision.id } });
  return { ...made, review, rationale };
}

describe("sampling", () => {
  it("a 100% rule samples every final decision once; a 0% rule none; escalations never", async () => {
    await saveSamplingRule(leadActor(), everyDecision);
    const removal = await makeDecision({ action: "remove" });
    expect(await db.qualityReview.count({ where: { decisionId: removal.decision.id } })).toBe(1);
    // Asking again changes nothing: a decision is sampled at most once.
    expect(await sampleDecision(removal.decision.id)).toBeNull();
    expect(await db.qualityReview.count({ where: { decisionId: removal.decision.id } })).toBe(1);
    const escalation = await makeDecision({ action: "escalate" });
    expect(await db.qualityReview.count({ where: { decisionId: escalation.decision.id } })).toBe(0);
    await db.samplingRule.updateMany({ data: { active: false } });
    await saveSamplingRule(leadActor(), { ...everyDecision, name: "None", percent: 0 });
    const kept = await makeDecision({ action: "keep" });
    expect(await db.qualityReview.count({ where: { decisionId: kept.decision.id } })).toBe(0);
  });

  it("a weekly quota for keeps samples keeps even at a 0% share", async () => {
    const moderator = await makeUser("moderator");
    await saveSamplingRule(leadActor(), { ...everyDecision, name: "Keeps too", percent: 0, moderatorId: moderator.id, quotaKeep: 2 });
    const kept = await makeDecision({ action: "keep" });
    // The rule names another moderator: the fixture's decisions are not covered.
    expect(await db.qualityReview.count({ where: { decisionId: kept.decision.id } })).toBe(0);
    await db.samplingRule.updateMany({ data: { active: false } });
    await saveSamplingRule(leadActor(), { ...everyDecision, name: "Keeps for all", percent: 0, quotaKeep: 1000 });
    const again = await makeDecision({ action: "keep" });
    const review = await db.qualityReview.findUniqueOrThrow({ where: { decisionId: again.decision.id } });
    expect(review.sampledBecause).toBe("quota:keep");
    const removal = await makeDecision({ action: "remove" });
    expect(await db.qualityReview.count({ where: { decisionId: removal.decision.id } })).toBe(0);
  });

  it("refuses a rule with a share over 100% and writes nothing", async () => {
    const client = await signedIn(lead);
    const before = await db.samplingRule.count();
    const res = await client.post("/quality/sampling", { name: "Too much", percent: "150", minPerWeek: "0", active: "on" });
    expect(res.status).toBe(400);
    expect(await db.samplingRule.count()).toBe(before);
    const moderator = await signedIn(await makeUser("moderator"));
    expect((await moderator.post("/quality/sampling", { name: "Mine", percent: "5", active: "on" })).status).toBe(403);
    expect(await db.samplingRule.count()).toBe(before);
  });
});

describe("the blind review", () => {
  it("shows the second moderator nothing of the first decision: not in the page, not in the loader data", async () => {
    const { review, moderator: first, rationale, decision } = await sampledRemoval();
    const second = await makeUser("moderator");
    const client = await signedIn(second);
    const claim = await client.post(`/quality/reviews/${review.id}`, { intent: "claim" });
    expect(claim.status).toBe(302);
    expect(claim.headers.get("location")).toBe(`/quality/reviews/${review.id}`);
    const page = html(await (await client.get(`/quality/reviews/${review.id}`)).text());
    const data = await (await client.get(`/quality/reviews/${review.id}?_data=${encodeURIComponent(ROUTE)}`)).text();
    for (const text of [page, data]) {
      expect(text).toContain("praise for the Placeholder Cell");
      expect(text).not.toContain(rationale);
      expect(text).not.toContain("QX-7731");
      expect(text).not.toContain(first.email);
      expect(text).not.toContain(first.id);
      expect(text).not.toContain(decision.id);
      expect(text).not.toContain(review.itemId);
      expect(text).not.toContain("quota:");
    }
    // The labels are offered, none chosen: the first decision's label is not marked in any way.
    expect(page).not.toMatch(/checked=""[^>]*ve_glorification|ve_glorification[^>]*checked=""/);
    const parsed = JSON.parse(data) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(["answered", "content", "flags", "labelSet", "mediaOrigins", "now", "renewEveryMs", "revealed", "review"]);
    expect(parsed.answered).toBeNull();
    // The review itself carries only its lease and whether it may be taken: no action, labels or decider.
    expect(Object.keys(parsed.review as object).sort()).toEqual(["canClaim", "claimId", "heldByOther", "id", "leaseExpiresAt", "open"]);
  });

  it("until the blind review is done, the item's page and every trace of its decision are closed to those who may do it", async () => {
    const { review, itemId, rationale, externalId, moderator: first } = await sampledRemoval();
    const reviewer = await makeUser("moderator");
    const client = await signedIn(reviewer);
    // The same author's next post: its review screen lists the author's earlier decisions.
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    const [sibling] = await ingestFlags(
      testSender,
      [flagRequest({ content: { externalId: `${externalId}-next`, author: { externalId: item.authorExternalId!, handle: item.authorHandle! } } })],
      "batch",
    );
    expect((await client.get(`/review/${itemId}`)).status).toBe(403);
    const siblingPage = html(await (await client.get(`/review/${sibling.itemId}?_data=${encodeURIComponent("routes/_console.review.$itemId")}`)).text());
    expect(siblingPage).not.toContain(rationale);
    expect(siblingPage).not.toContain(itemId);
    // The first decider, who may not do the review, still sees it.
    const decider = await signedIn(first);
    expect(html(await (await decider.get(`/review/${sibling.itemId}?_data=${encodeURIComponent("routes/_console.review.$itemId")}`)).text())).toContain(
      rationale,
    );
    await client.post(`/quality/reviews/${review.id}`, { intent: "claim" });
    const { claimId } = await db.qualityReview.findUniqueOrThrow({ where: { id: review.id } });
    const labels = await liveLabelIds();
    await client.post(`/quality/reviews/${review.id}`, {
      intent: "review",
      claimId: claimId!,
      action: "remove",
      labelIds: labels.get("ve_glorification")!,
      rationale: "Fictional praise.",
    });
    expect((await client.get(`/review/${itemId}`)).status).toBe(200);
  });

  it("a lead reads no pair before its second review is in: the adjudication page waits", async () => {
    const { review, rationale, moderator: first } = await sampledRemoval();
    const lead = await signedIn(await makeUser("policy_lead"));
    const data = await (
      await lead.get(`/quality/adjudications/${review.id}?_data=${encodeURIComponent("routes/_console.quality.adjudications.$reviewId")}`)
    ).text();
    expect(data).not.toContain(rationale);
    expect(data).not.toContain(first.email);
    expect(JSON.parse(data)).toEqual({ waiting: true, reviewId: review.id });
  });

  it("a moderator cannot review their own decision: the page, the claim and Next review refuse", async () => {
    const { review, moderator: first } = await sampledRemoval();
    const client = await signedIn(first);
    expect((await client.get(`/quality/reviews/${review.id}`)).status).toBe(403);
    const claim = await client.post(`/quality/reviews/${review.id}`, { intent: "claim" });
    expect(claim.status).toBe(403);
    const next = await client.post("/quality/reviews/next");
    expect(next.headers.get("location")).not.toBe(`/quality/reviews/${review.id}`);
    expect((await db.qualityReview.findUniqueOrThrow({ where: { id: review.id } })).claimedById).not.toBe(first.id);
  });

  it("an agreeing review changes nothing on the item; a disagreeing one waits for a lead; neither touches the feed", async () => {
    const labels = await liveLabelIds();
    const apiKey = await makeApiKey("test");
    const feed = async () =>
      (await (await fetch(`${server.url}/api/v1/decisions?limit=1000`, { headers: { Authorization: `Bearer ${apiKey.token}` } })).json()) as {
        decisions: unknown[];
      };
    const agree = await sampledRemoval();
    const disagree = await sampledRemoval();
    const feedBefore = (await feed()).decisions.length;
    for (const [pair, action, keys, expected] of [
      [agree, "remove", ["ve_glorification"], "agreed"],
      [disagree, "keep", ["ve_news_reporting"], "disagreed"],
    ] as const) {
      const reviewer = await signedIn(await makeUser("moderator"));
      expect((await reviewer.post(`/quality/reviews/${pair.review.id}`, { intent: "claim" })).status).toBe(302);
      const { claimId } = await db.qualityReview.findUniqueOrThrow({ where: { id: pair.review.id } });
      const itemBefore = await db.item.findUniqueOrThrow({ where: { id: pair.itemId } });
      const res = await reviewer.post(`/quality/reviews/${pair.review.id}`, {
        intent: "review",
        claimId: claimId!,
        action,
        labelIds: keys.map((k) => labels.get(k)!),
        rationale: "Fictional second look at the made-up post.",
      });
      expect(res.status).toBe(302);
      expect((await db.qualityReview.findUniqueOrThrow({ where: { id: pair.review.id } })).state).toBe(expected);
      const itemAfter = await db.item.findUniqueOrThrow({ where: { id: pair.itemId } });
      expect({ ...itemAfter, updatedAt: null }).toEqual({ ...itemBefore, updatedAt: null });
      expect(await db.decision.count({ where: { itemId: pair.itemId } })).toBe(1);
    }
    expect((await feed()).decisions.length).toBe(feedBefore);
  });

  it("refuses a review without a lease, and one with a violating label but no rationale, writing nothing", async () => {
    const labels = await liveLabelIds();
    const { review } = await sampledRemoval();
    const client = await signedIn(await makeUser("moderator"));
    const stolen = await client.post(`/quality/reviews/${review.id}`, {
      intent: "review",
      claimId: "not-mine",
      action: "keep",
      labelIds: labels.get("ve_news_reporting")!,
      rationale: "",
    });
    expect(stolen.status).toBe(409);
    await client.post(`/quality/reviews/${review.id}`, { intent: "claim" });
    const { claimId } = await db.qualityReview.findUniqueOrThrow({ where: { id: review.id } });
    const bare = await client.post(`/quality/reviews/${review.id}`, {
      intent: "review",
      claimId: claimId!,
      action: "remove",
      labelIds: labels.get("ve_glorification")!,
      rationale: "",
    });
    expect(bare.status).toBe(400);
    expect((await db.qualityReview.findUniqueOrThrow({ where: { id: review.id } })).state).toBe("open");
    expect(await db.auditEvent.count({ where: { action: "quality.reviewed", subjectId: review.id } })).toBe(0);
  });
});

describe("adjudication", () => {
  async function disagreement() {
    const labels = await liveLabelIds();
    const pair = await sampledRemoval();
    const reviewer = await makeUser("moderator");
    const client = await signedIn(reviewer);
    await client.post(`/quality/reviews/${pair.review.id}`, { intent: "claim" });
    const { claimId } = await db.qualityReview.findUniqueOrThrow({ where: { id: pair.review.id } });
    await client.post(`/quality/reviews/${pair.review.id}`, {
      intent: "review",
      claimId: claimId!,
      action: "keep",
      labelIds: labels.get("ve_news_reporting")!,
      rationale: "Fictional: this reads as a news report on the made-up group.",
    });
    expect((await db.qualityReview.findUniqueOrThrow({ where: { id: pair.review.id } })).state).toBe("disagreed");
    return { ...pair, reviewer, labels };
  }

  it("a lead sees both side by side, rules for the second review and corrects the first decision", async () => {
    const { review, decision, reviewer, labels, itemId, moderator: first } = await disagreement();
    const client = await signedIn(lead);
    const page = html(await (await client.get(`/quality/adjudications/${review.id}`)).text());
    expect(page).toContain(first.email);
    expect(page).toContain(reviewer.email);
    expect(page).toContain("Fictional: this reads as a news report on the made-up group.");
    const res = await client.post(`/quality/adjudications/${review.id}`, {
      ruling: "second",
      errorType: "false_positive",
      note: "Fictional: a report, not praise; the guidance example helps here.",
      correct: "on",
      action: "keep",
      labelIds: labels.get("ve_news_reporting")!,
      rationale: "Corrected after quality review: news reporting on a made-up group.",
    });
    expect(res.status).toBe(302);
    const ruled = await db.qualityReview.findUniqueOrThrow({ where: { id: review.id } });
    expect(ruled).toMatchObject({ state: "adjudicated", ruling: "second", errorType: "false_positive" });
    const correction = await db.decision.findUniqueOrThrow({ where: { id: ruled.correctionDecisionId! } });
    expect(correction).toMatchObject({ supersedesId: decision.id, qualityReviewId: review.id, action: "keep", itemId, userId: lead.id });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "decision.made", subjectId: itemId }, orderBy: { seq: "desc" } });
    expect(JSON.parse(event.payload)).toMatchObject({ decisionId: correction.id, supersedes: decision.id, qualityReviewId: review.id });
    const apiKey = await makeApiKey("test");
    const status = (await (
      await fetch(`${server.url}/api/v1/items/${encodeURIComponent((await db.item.findUniqueOrThrow({ where: { id: itemId } })).externalId)}`, {
        headers: { Authorization: `Bearer ${apiKey.token}` },
      })
    ).json()) as { decisions: { id: string; supersedes: string | null }[] };
    expect(status.decisions.map((d) => [d.id, d.supersedes])).toContainEqual([correction.id, decision.id]);
    // A second ruling is refused and writes nothing.
    const again = await client.post(`/quality/adjudications/${review.id}`, { ruling: "first", errorType: "technical", note: "Again, by mistake." });
    expect(again.status).toBe(409);
    expect(await db.decision.count({ where: { itemId } })).toBe(2);
  });

  it("a restricting correction's statement of reasons says it follows a quality review", async () => {
    const labels = await liveLabelIds();
    await saveSamplingRule(leadActor(), everyDecision);
    const made = await makeDecision({ action: "keep", labelKeys: ["ve_news_reporting"] });
    const review = await db.qualityReview.findUniqueOrThrow({ where: { decisionId: made.decision.id } });
    const client = await signedIn(await makeUser("moderator"));
    await client.post(`/quality/reviews/${review.id}`, { intent: "claim" });
    const { claimId } = await db.qualityReview.findUniqueOrThrow({ where: { id: review.id } });
    await client.post(`/quality/reviews/${review.id}`, {
      intent: "review",
      claimId: claimId!,
      action: "remove",
      labelIds: labels.get("ve_glorification")!,
      rationale: "Fictional praise.",
    });
    const leadClient = await signedIn(lead);
    const res = await leadClient.post(`/quality/adjudications/${review.id}`, {
      ruling: "second",
      errorType: "false_negative",
      note: "Fictional praise kept by mistake.",
      correct: "on",
      action: "remove",
      labelIds: labels.get("ve_glorification")!,
      rationale: "Corrected: praise of the made-up group.",
    });
    expect(res.status).toBe(302);
    const ruled = await db.qualityReview.findUniqueOrThrow({ where: { id: review.id } });
    const apiKey = await makeApiKey("test");
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const text = await (
      await fetch(`${server.url}/api/v1/statements-of-reasons?from=${from}&to=${to}`, { headers: { Authorization: `Bearer ${apiKey.token}` } })
    ).text();
    const statements = text
      .trim()
      .split("\n")
      .filter(Boolean)
      .flatMap((line) => (JSON.parse(line) as { statements: { puid: string }[] }).statements);
    const statement = statements.find((s) => s.puid === `docket-${ruled.correctionDecisionId}`);
    expect(statement).toBeDefined();
    expect(JSON.stringify(statement)).toContain("Corrected after an internal quality review");
    expect(JSON.stringify(statement)).not.toContain("internal complaint");
  });

  it("refuses a correction when the ruling says the first decision was right, and a lead who made one of the reviews", async () => {
    const { review, itemId, reviewer } = await disagreement();
    const client = await signedIn(lead);
    const res = await client.post(`/quality/adjudications/${review.id}`, {
      ruling: "first",
      errorType: "false_negative",
      note: "The first was right.",
      correct: "on",
      action: "keep",
      rationale: "No.",
    });
    expect(res.status).toBe(400);
    expect(await db.decision.count({ where: { itemId } })).toBe(1);
    await db.user.update({ where: { id: reviewer.id }, data: { role: "policy_lead" } });
    const self = await signedIn(reviewer);
    expect(
      (await self.post(`/quality/adjudications/${review.id}`, { ruling: "second", errorType: "false_positive", note: "My own review was right." })).status,
    ).toBe(403);
    expect((await db.qualityReview.findUniqueOrThrow({ where: { id: review.id } })).state).toBe("disagreed");
    const moderator = await signedIn(await makeUser("moderator"));
    expect((await moderator.get(`/quality/adjudications/${review.id}`)).status).toBe(403);
  });
});
