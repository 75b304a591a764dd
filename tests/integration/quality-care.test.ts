// Moderator care: exposure counted over the rolling shift window, the high-severity cap that "Next
// item" honours (over HTTP, on whichever engine the run uses), the break prompt, media reveals, the
// claim filter behind it, and the leads' team page.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { capResetsAt, exposureOf, isNearCap, teamExposure } from "~/modules/quality/care/exposure.server.ts";
import { careLimits, highSeverityReasons } from "~/modules/quality/care/limits.server.ts";
import { recordMediaReveal } from "~/modules/quality/care/reveals.server.ts";
import { assignItem } from "~/modules/queue/assignment.server.ts";
import { claimItem, claimNext, endClaim } from "~/modules/queue/claims.server.ts";
import { careLabelSets, careSettings, itemFor, reviewWith } from "../support/care.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client } from "../support/http.ts";
import { settleOpenItems } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

const HOUR = 3_600_000;
let server: RunningServer;
let versions: { starterVersionId: string; spamVersionId: string };

beforeAll(async () => {
  // The label sets exist before the server starts, so its few-seconds cache of live sets has them.
  versions = await careLabelSets();
  server = await startServer();
});
afterAll(() => server?.stop());

async function signedIn(user: { email: string }) {
  const client = new Client(server.url);
  await client.login(user.email, PASSWORD);
  return client;
}

const pressNext = (client: Client) => client.post("/queue", { intent: "next" });
const reviewedItem = (res: Response) => /^\/review\/([^?]+)/.exec(res.headers.get("location") ?? "")?.[1] ?? null;

describe("the high-severity cap over HTTP (must-hold 4)", () => {
  it("a moderator at the cap gets lower-severity work from Next item but no high-severity item; below the cap they get it", async () => {
    await settleOpenItems();
    await careSettings({ highSeverityCap: 2, highSeverityFrom: 3, shiftHours: 8 });
    const atCap = await makeUser("moderator");
    const first = await reviewWith(atCap, "violent_extremism", ["ve_incitement"]);
    const second = await reviewWith(atCap, "violent_extremism", ["ve_credible_threat"]);
    const below = await makeUser("moderator");
    await reviewWith(below, "violent_extremism", ["ve_incitement"]);
    // The high-severity item outranks the spam one: a trusted flagger's notice about the worse category.
    const high = await itemFor("violent_extremism", { flag: { source: "trusted_flagger" } });
    const low = await itemFor("spam", { flag: { source: "automated" } });
    const [highRow, lowRow] = await Promise.all([high, low].map((id) => db.item.findUniqueOrThrow({ where: { id } })));
    expect(highRow.priority).toBeGreaterThan(lowRow.priority);

    const tab = await signedIn(atCap);
    const offered = await pressNext(tab);
    expect(offered.status, server.output()).toBe(302);
    expect(reviewedItem(offered)).toBe(low);
    expect((await db.item.findUniqueOrThrow({ where: { id: high } })).claimedById).toBeNull();
    const claim = await db.item.findUniqueOrThrow({ where: { id: low }, select: { claimId: true } });
    expect(await endClaim(atCap, { itemId: low, claimId: claim.claimId!, kind: "skipped", reason: "test: nothing else of lower severity" })).toBe(true);

    // Only high-severity work is left: Next item offers nothing, and the home page shows the break prompt.
    const none = await pressNext(tab);
    expect(none.status).toBe(302);
    expect(none.headers.get("location")).toBe("/queue?notice=at-limit");
    expect((await db.item.findUniqueOrThrow({ where: { id: high } })).claimedById).toBeNull();
    const home = await (await tab.get("/queue?notice=at-limit")).text();
    expect(home).toContain('data-testid="break-prompt"');
    expect(home).toContain("Time for a break");
    expect(home).not.toContain("Nothing is waiting for you right now.");
    const resetsAt = new Date(first.at.getTime() + 8 * HOUR).toISOString();
    expect(second.at.getTime()).toBeGreaterThanOrEqual(first.at.getTime());
    expect(home).toContain(`dateTime="${resetsAt}"`);
    expect(home).toContain(`${resetsAt.slice(11, 16)} UTC`);
    expect(home).toContain(`data-testid="exposure-high">2 of 2<`);

    // Below the cap, the same press leases the high-severity item.
    const belowTab = await signedIn(below);
    const taken = await pressNext(belowTab);
    expect(reviewedItem(taken)).toBe(high);
    expect((await db.item.findUniqueOrThrow({ where: { id: high } })).claimedById).toBe(below.id);
    expect(await (await belowTab.get("/queue")).text()).not.toContain('data-testid="break-prompt"');
  });

  it("at the cap no other path hands over high-severity work: claiming by id, decide-and-next (which says so), a blind review", async () => {
    await settleOpenItems();
    await db.samplingRule.updateMany({ data: { active: false } });
    await careSettings({ highSeverityCap: 1, highSeverityFrom: 3, shiftHours: 8 });
    const atCap = await makeUser("moderator");
    await reviewWith(atCap, "violent_extremism", ["ve_incitement"]);
    const high = await itemFor("violent_extremism");
    const tab = await signedIn(atCap);
    const claim = await tab.post(`/review/${high}`, { intent: "claim" });
    expect(claim.status).toBe(409);
    expect(await claim.text()).toContain("high-severity");
    expect((await db.item.findUniqueOrThrow({ where: { id: high } })).claimedById).toBeNull();

    // Deciding lower-severity work leads to the next lower-severity item, with the limit said on it.
    const low = await itemFor("spam");
    const nextLow = await itemFor("spam");
    const offered = await pressNext(tab);
    expect(reviewedItem(offered)).toBe(low);
    const { claimId } = await db.item.findUniqueOrThrow({ where: { id: low }, select: { claimId: true } });
    const spamLabel = await db.label.findFirstOrThrow({ where: { versionId: versions.spamVersionId, group: "allowed" } });
    const decided = await tab.post(`/review/${low}`, { intent: "decide", claimId: claimId!, action: "keep", labelIds: spamLabel.id, rationale: "" });
    expect(decided.status).toBe(302);
    expect(decided.headers.get("location")).toBe(`/review/${nextLow}?notice=saved-at-limit`);
    expect(await (await tab.get(`/review/${nextLow}?notice=saved-at-limit`)).text()).toContain("limit of high-severity items");

    // A blind second review of a high-severity report waits for someone below the cap.
    const other = await makeUser("moderator");
    const sampledItem = await itemFor("violent_extremism");
    const lease = await claimItem(other, sampledItem);
    const made = await decide(other, {
      itemId: sampledItem,
      claimId: lease!.claimId,
      action: "keep",
      labelIds: [(await db.label.findFirstOrThrow({ where: { versionId: versions.starterVersionId, key: "ve_news_reporting" } })).id],
      rationale: "",
    });
    const review = await db.qualityReview.create({
      data: {
        id: randomUUID(),
        decisionId: made.decisionId,
        itemId: sampledItem,
        queueId: null,
        sampledBecause: "share",
        firstUserId: other.id,
        sampledAt: new Date(),
      },
    });
    const next = await tab.post("/quality/reviews/next");
    expect(next.headers.get("location")).not.toBe(`/quality/reviews/${review.id}`);
    expect((await tab.post(`/quality/reviews/${review.id}`, { intent: "claim" })).status).toBe(409);
    expect((await db.qualityReview.findUniqueOrThrow({ where: { id: review.id } })).claimedById).toBeNull();
  });

  it("with no cap set, nobody is held back, whatever they have seen", async () => {
    await settleOpenItems();
    await careSettings({ highSeverityCap: null });
    const moderator = await makeUser("moderator");
    for (let i = 0; i < 3; i++) await reviewWith(moderator, "violent_extremism", ["ve_credible_threat"]);
    expect(await careLimits(moderator.id)).toEqual({ atCap: false, excludeReasons: [] });
    const high = await itemFor("violent_extremism");
    const tab = await signedIn(moderator);
    expect(reviewedItem(await pressNext(tab))).toBe(high);
    const home = await (await tab.get("/queue")).text();
    expect(home).not.toContain('data-testid="break-prompt"');
    expect(home).toMatch(/data-testid="exposure-severity-4">3</);
  });
});

describe("exposure in the shift window", () => {
  it("counts each reviewed item by its highest applied severity, inside the window's edges only", async () => {
    await settleOpenItems();
    await careSettings({ highSeverityCap: 2, shiftHours: 8 });
    const m = await makeUser("moderator");
    const a = await reviewWith(m, "violent_extremism", ["ve_glorification", "ve_incitement"]);
    const b = await reviewWith(m, "violent_extremism", ["ve_news_reporting"]);
    const c = await reviewWith(m, "spam", ["ve_needs_specialist"]);
    const latest = Math.max(a.at.getTime(), b.at.getTime(), c.at.getTime());
    const now = new Date(latest + 1000);
    const exposure = await exposureOf(m.id, now);
    expect(exposure.bySeverity).toEqual([1, 1, 0, 1, 0]);
    expect(exposure.reviewed).toBe(3);
    expect(exposure.highSeverity).toBe(1);
    expect(exposure.atCap).toBe(false);
    expect(exposure.resetsAt).toBeNull();
    // A review exactly one window old has left it; a millisecond younger it is still counted.
    const edge = new Date(a.at.getTime() + 8 * HOUR);
    expect((await exposureOf(m.id, edge)).bySeverity[3]).toBe(0);
    expect((await exposureOf(m.id, new Date(edge.getTime() - 1))).bySeverity[3]).toBe(1);
    // Nothing reviewed after `now` counts.
    expect((await exposureOf(m.id, new Date(a.at.getTime() - 1))).reviewed).toBe(0);
  });

  it("the cap resets when enough counted items have left the window", async () => {
    await settleOpenItems();
    await careSettings({ highSeverityCap: 2, shiftHours: 8 });
    const m = await makeUser("moderator");
    const times = [];
    for (let i = 0; i < 3; i++) times.push((await reviewWith(m, "violent_extremism", ["ve_recruitment"])).at.getTime());
    const now = new Date(Math.max(...times) + 1000);
    const exposure = await exposureOf(m.id, now);
    expect(exposure.highSeverity).toBe(3);
    expect(exposure.atCap).toBe(true);
    // Three counted against a cap of two: the count drops to one once the two oldest have left.
    expect(exposure.resetsAt?.toISOString()).toBe(new Date(times[1] + 8 * HOUR).toISOString());
    expect((await exposureOf(m.id, new Date(times[1] + 8 * HOUR - 1))).atCap).toBe(true);
    expect((await exposureOf(m.id, new Date(times[1] + 8 * HOUR))).atCap).toBe(false);
    expect(capResetsAt([30, 10, 20], 1, 1)?.getTime()).toBe(30 + HOUR);
    expect(capResetsAt([10, 20], 0, 1)).toBeNull();
    expect(capResetsAt([10], 2, 1)).toBeNull();
  });

  it("a decision applied to copies counts once: the copies' decisions are not exposure", async () => {
    await settleOpenItems();
    await careSettings({ highSeverityCap: null });
    const m = await makeUser("moderator");
    const body = `A fictional post praising the Northern Ember Front (${randomUUID()}).`;
    const content = { body, title: "A fictional copy" };
    const original = await itemFor("violent_extremism", { content });
    await itemFor("violent_extremism", { content });
    await itemFor("violent_extremism", { content });
    const label = await db.label.findFirstOrThrow({ where: { key: "ve_incitement", versionId: versions.starterVersionId } });
    const claim = (await claimItem(m, original))!;
    const result = await decide(m, {
      itemId: original,
      claimId: claim.claimId,
      action: "remove",
      labelIds: [label.id],
      rationale: "Fictional.",
      cluster: { memberIds: "all" },
    });
    expect(result.copies).toBe(2);
    expect(await db.decision.count({ where: { userId: m.id } })).toBe(3);
    const exposure = await exposureOf(m.id);
    expect(exposure.reviewed).toBe(1);
    expect(exposure.bySeverity[3]).toBe(1);
  });

  it("blind second reviews and calibration answers count by the labels applied under their version", async () => {
    await settleOpenItems();
    await careSettings({ highSeverityCap: null });
    const first = await makeUser("moderator");
    const second = await makeUser("moderator");
    const made = await reviewWith(first, "violent_extremism", ["ve_news_reporting"]);
    const now = new Date();
    await db.qualityReview.create({
      data: {
        id: randomUUID(),
        decisionId: made.decisionId,
        itemId: made.itemId,
        sampledBecause: "share",
        firstUserId: first.id,
        versionId: versions.starterVersionId,
        state: "disagreed",
        sampledAt: now,
        reviewerId: second.id,
        reviewedAt: now,
        action: "remove",
        labelKeys: JSON.stringify(["ve_glorification", "ve_credible_threat"]),
      },
    });
    const calibrationItem = await db.calibrationItem.create({
      data: {
        id: randomUUID(),
        body: "A fictional post about the Northern Ember Front.",
        reason: "violent_extremism",
        versionId: versions.starterVersionId,
        expectedAction: "remove",
        expectedLabelKeys: JSON.stringify(["ve_propaganda_distribution"]),
        explanation: "Fictional explanation.",
        createdById: first.id,
      },
    });
    const answer = (outcome: "answered" | "released" | null, labelKeys: string[]) =>
      db.calibrationAnswer.create({
        data: {
          id: randomUUID(),
          calibrationItemId: calibrationItem.id,
          userId: second.id,
          claimId: randomUUID(),
          servedAt: now,
          expiresAt: new Date(now.getTime() + 600_000),
          outcome,
          answeredAt: outcome ? now : null,
          action: outcome === "answered" ? "remove" : null,
          labelKeys: JSON.stringify(labelKeys),
        },
      });
    await answer("answered", ["ve_propaganda_distribution"]);
    // Served but not answered, or given back: no labels were applied.
    await answer(null, []);
    await answer("released", []);
    const exposure = await exposureOf(second.id, new Date(now.getTime() + 1000));
    expect(exposure.bySeverity).toEqual([0, 0, 1, 0, 1]);
    expect(exposure.reviewed).toBe(2);
    // The first decision is the first reviewer's exposure, not the second's.
    expect((await exposureOf(first.id, new Date(now.getTime() + 1000))).bySeverity).toEqual([1, 0, 0, 0, 0]);
  });

  it("media reveals count distinct items and keep one row per user and item in a window", async () => {
    await careSettings({ highSeverityCap: null, shiftHours: 8 });
    const m = await makeUser("moderator");
    const [one, two] = [randomUUID(), randomUUID()];
    const t0 = new Date(Date.now() + 10 * HOUR);
    await recordMediaReveal(m.id, one, t0);
    await recordMediaReveal(m.id, one, new Date(t0.getTime() + HOUR));
    await recordMediaReveal(m.id, one, new Date(t0.getTime() + 7 * HOUR));
    await recordMediaReveal(m.id, two, new Date(t0.getTime() + 7 * HOUR));
    expect(await db.mediaReveal.count({ where: { userId: m.id, itemId: one } })).toBe(1);
    expect((await exposureOf(m.id, new Date(t0.getTime() + 7 * HOUR))).mediaRevealed).toBe(2);
    // The latest reveal keeps the item counted for a full window after it.
    expect((await exposureOf(m.id, new Date(t0.getTime() + 14 * HOUR))).mediaRevealed).toBe(2);
    expect((await exposureOf(m.id, new Date(t0.getTime() + 15 * HOUR))).mediaRevealed).toBe(0);
    await recordMediaReveal(m.id, one, new Date(t0.getTime() + 16 * HOUR));
    expect(await db.mediaReveal.count({ where: { userId: m.id, itemId: one } })).toBe(2);
  });

  it("the review screen records a reveal of an item with media, and nothing for text or blurred media", async () => {
    await careSettings({ highSeverityCap: null });
    const m = await makeUser("moderator");
    const withMedia = await itemFor("violent_extremism", { content: { type: "image", mediaUrls: ["https://media.example.test/fictional.jpg"] } });
    const textOnly = await itemFor("violent_extremism");
    const tab = await signedIn(m);
    const reveals = () => db.mediaReveal.count({ where: { userId: m.id } });
    expect((await tab.get(`/review/${withMedia}`)).status).toBe(200);
    expect(await reveals()).toBe(0);
    expect((await tab.get(`/review/${textOnly}?reveal=1`)).status).toBe(200);
    expect(await reveals()).toBe(0);
    expect((await tab.get(`/review/${withMedia}?reveal=1`)).status).toBe(200);
    expect((await tab.get(`/review/${withMedia}?reveal=1`)).status).toBe(200);
    expect(await reveals()).toBe(1);
    expect(await db.auditEvent.count({ where: { actorId: m.id, subjectId: withMedia } })).toBe(0);
    expect(await (await tab.get("/queue")).text()).toMatch(/data-testid="exposure-media">1</);
  });
});

describe("high-severity reasons", () => {
  it("are the reasons whose live label set has a label at or above the threshold", async () => {
    await settleOpenItems();
    await itemFor("violent_extremism");
    await itemFor("spam");
    const high = await highSeverityReasons(3);
    expect(high).toContain("violent_extremism");
    expect(high).not.toContain("spam");
    expect(await highSeverityReasons(1)).toEqual(expect.arrayContaining(["spam", "violent_extremism"]));
    expect(isNearCap(4, 5)).toBe(true);
    expect(isNearCap(3, 5)).toBe(false);
    expect(isNearCap(0, 1)).toBe(false);
    expect(isNearCap(5, 5)).toBe(false);
    expect(isNearCap(9, null)).toBe(false);
  });
});

describe("the claim filter (excludeReasons)", () => {
  const exclude = { excludeReasons: ["violent_extremism"] };

  it("skips pending items of excluded reasons and keeps the order: overdue by deadline, then priority", async () => {
    await settleOpenItems();
    const old = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
    const overdueSpam = await itemFor("spam", { flag: { source: "user_report", receivedAt: old(80) } });
    const overdueHigh = await itemFor("violent_extremism", { flag: { source: "removal_order", receivedAt: old(2), reference: "TCO-care-1" } });
    const trustedHigh = await itemFor("violent_extremism", { flag: { source: "trusted_flagger" } });
    const trustedSpam = await itemFor("spam", { flag: { source: "trusted_flagger" } });
    const automatedSpam = await itemFor("spam", { flag: { source: "automated" } });
    const m = await makeUser("moderator");
    const label = await db.label.findFirstOrThrow({ where: { key: "ve_news_reporting", versionId: versions.spamVersionId } });
    const order: string[] = [];
    for (let c = await claimNext(m, exclude); c; c = await claimNext(m, exclude)) {
      order.push(c.itemId);
      await decide(m, { itemId: c.itemId, claimId: c.claimId, action: "keep", labelIds: [label.id], rationale: "" });
    }
    expect(order).toEqual([overdueSpam, trustedSpam, automatedSpam]);
    const untouched = await db.item.findMany({ where: { id: { in: [overdueHigh, trustedHigh] } } });
    expect(untouched.map((i) => [i.state, i.claimedById])).toEqual([
      ["pending", null],
      ["pending", null],
    ]);
    // The same moderator without the filter gets the removal order first.
    expect((await claimNext(m))?.itemId).toBe(overdueHigh);
  });

  it("holds back an assignment of an excluded reason but returns a lease already held", async () => {
    await settleOpenItems();
    const lead = await makeUser("policy_lead");
    const m = await makeUser("moderator");
    const assignedHigh = await itemFor("violent_extremism");
    const spam = await itemFor("spam", { flag: { source: "automated" } });
    await assignItem(lead, { itemId: assignedHigh, assigneeId: m.id, reason: "test: assigned high-severity work" });
    const got = (await claimNext(m, exclude))!;
    expect(got.itemId).toBe(spam);
    await endClaim(m, { itemId: spam, claimId: got.claimId, kind: "released", reason: "test" });
    const held = (await claimNext(m))!;
    expect(held.itemId).toBe(assignedHigh);
    const again = (await claimNext(m, exclude))!;
    expect(again.itemId).toBe(assignedHigh);
    const label = await db.label.findFirstOrThrow({ where: { key: "ve_news_reporting", versionId: versions.starterVersionId } });
    await decide(m, { itemId: assignedHigh, claimId: again.claimId, action: "keep", labelIds: [label.id], rationale: "" });
  });

  it("does not hold back escalated work from a lead", async () => {
    await settleOpenItems();
    const m = await makeUser("moderator");
    const lead = await makeUser("policy_lead");
    const specialist = await db.label.findFirstOrThrow({ where: { key: "ve_needs_specialist", versionId: versions.starterVersionId } });
    const itemId = await itemFor("violent_extremism");
    const claim = (await claimItem(m, itemId))!;
    await decide(m, { itemId, claimId: claim.claimId, action: "escalate", labelIds: [specialist.id], rationale: "Needs a lead." });
    expect((await claimNext(lead, { state: "escalated", ...exclude }))?.itemId).toBe(itemId);
  });

  it("concurrent claimers with a filter never share an item and never take an excluded one", async () => {
    await settleOpenItems();
    const spam = await Promise.all(Array.from({ length: 16 }, () => itemFor("spam")));
    await Promise.all(Array.from({ length: 6 }, () => itemFor("violent_extremism", { flag: { source: "trusted_flagger" } })));
    const claimers = await Promise.all(Array.from({ length: 8 }, () => makeUser("moderator")));
    const label = await db.label.findFirstOrThrow({ where: { key: "ve_news_reporting", versionId: versions.spamVersionId } });
    const taken: string[] = [];
    await Promise.all(
      claimers.map(async (m) => {
        for (let c = await claimNext(m, exclude); c; c = await claimNext(m, exclude)) {
          taken.push(c.itemId);
          await decide(m, { itemId: c.itemId, claimId: c.claimId, action: "keep", labelIds: [label.id], rationale: "" });
        }
      }),
    );
    expect(taken.length).toBe(16);
    expect(new Set(taken)).toEqual(new Set(spam));
  }, 120_000);
});

describe("the leads' team care page", () => {
  it("shows team totals and how many are at or near the limit, with no names, to policy leads only", async () => {
    await settleOpenItems();
    await careSettings({ highSeverityCap: 5, shiftHours: 8 });
    const before = await teamExposure();
    const atLimit = await makeUser("moderator", { email: `care-at-limit-${randomUUID().slice(0, 6)}@example.test` });
    const near = await makeUser("moderator", { email: `care-near-${randomUUID().slice(0, 6)}@example.test` });
    for (let i = 0; i < 5; i++) await reviewWith(atLimit, "violent_extremism", ["ve_incitement"]);
    for (let i = 0; i < 4; i++) await reviewWith(near, "violent_extremism", ["ve_credible_threat"]);
    await reviewWith(near, "spam", ["ve_news_reporting"]);
    await recordMediaReveal(near.id, randomUUID());
    const after = await teamExposure();
    expect(after.reviewers - before.reviewers).toBe(2);
    expect(after.atCap - before.atCap).toBe(1);
    expect(after.nearCap - before.nearCap).toBe(1);
    expect(after.bySeverity.map((n, s) => n - before.bySeverity[s])).toEqual([1, 0, 0, 5, 4]);
    expect(after.mediaRevealed - before.mediaRevealed).toBe(1);

    const lead = await makeUser("policy_lead");
    const page = await (await signedIn(lead)).get("/quality/care");
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain("Team care");
    expect(text).toContain('href="/quality/settings"');
    expect(text).toMatch(/data-testid="care-cap">5 high-severity items/);
    expect(text).not.toContain(atLimit.email);
    expect(text).not.toContain(near.email);
    expect(text).not.toContain("Test moderator");
    for (const role of ["moderator", "auditor", "admin"] as const) {
      expect((await (await signedIn(await makeUser(role))).get("/quality/care")).status).toBe(403);
    }
  });
});
