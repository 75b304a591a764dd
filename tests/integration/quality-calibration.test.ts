// Calibration items over HTTP, as a browser without JavaScript uses them: a lead makes them, a
// moderator is served one blind in place of an item, answers it and reads the explanation; nobody
// else can open it; and nothing of it leaves the console (the feed, statements of reasons, the
// platform APIs, the audit export and the counts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { overview } from "~/modules/reports/overview.server.ts";
import { openCountsByQueue, openStateTotals } from "~/modules/queue/open-counts.server.ts";
import { nextWork } from "~/modules/quality/next-work.server.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client, markupText as html } from "../support/http.ts";
import { flagRequest, seedItems, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let token: string;
beforeAll(async () => {
  token = (await makeApiKey("test")).token;
  server = await startServer();
});
afterAll(() => server?.stop());

async function signedIn(user: { email: string }) {
  const client = new Client(server.url);
  await client.login(user.email, PASSWORD);
  return client;
}

const REVIEW_DATA = `_data=${encodeURIComponent("routes/_console.review.$itemId")}`;
const NEW_DATA = `_data=${encodeURIComponent("routes/_console.quality.calibration.new")}`;
const WRITTEN_TEXT = "A fictional post praising the Glimmer Ridge Collective and asking readers to join its next march.";
const EXPLANATION = "Praise plus a call to join the fictional group: recruitment, so remove.";

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...init.headers } });

/** What the counts say: the overview, and what waits per state and per queue. */
async function counts() {
  const { perDay, ...rest } = await overview();
  return {
    ...rest,
    decidedToday: perDay.at(-1),
    states: await openStateTotals(),
    queues: Object.fromEntries(await openCountsByQueue()),
  };
}

describe("calibration items", () => {
  let lead: Awaited<ReturnType<typeof makeUser>>;
  let moderator: Awaited<ReturnType<typeof makeUser>>;
  let labels: Map<string, string>;
  let writtenId: string;
  let answerId: string;
  let claimToken: string;
  let shownExternalId: string;
  let before: Awaited<ReturnType<typeof counts>>;

  beforeAll(async () => {
    lead = await makeUser("policy_lead");
    moderator = await makeUser("moderator");
    await starterLabels();
    const [set] = await liveLabelSetsForReason("violent_extremism");
    labels = new Map(set!.labels.map((l) => [l.key, l.id]));
  });

  it("a lead makes one from an item and one from a written text; moderators may not", async () => {
    const [itemId] = await seedItems(1, undefined, () => flagRequest({ flag: { source: "trusted_flagger" } }));
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    const client = await signedIn(lead);
    expect((await client.get("/quality/calibration/new")).status).toBe(200);

    const events = await db.auditEvent.count({ where: { action: "calibration.saved" } });
    const refused = await client.post(`/quality/calibration/new?${NEW_DATA}`, {
      from: "item",
      itemExternalId: item.externalId,
      action: "remove",
      labelIds: "not-a-label",
      explanation: EXPLANATION,
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("invalid_expectation");
    expect(await db.calibrationItem.count()).toBe(0);

    const fromItem = await client.post("/quality/calibration/new", {
      from: "item",
      itemExternalId: item.externalId,
      action: "keep",
      labelIds: labels.get("ve_news_reporting")!,
      explanation: "Reporting on the fictional group, not praise.",
    });
    expect(fromItem.status).toBe(302);
    const copied = await db.calibrationItem.findFirstOrThrow({ where: { sourceItemId: itemId } });
    expect(copied).toMatchObject({
      body: item.body,
      type: item.type,
      language: item.language,
      source: "trusted_flagger",
      reason: item.topReason,
      expectedAction: "keep",
    });
    expect(JSON.parse(copied.expectedLabelKeys)).toEqual(["ve_news_reporting"]);
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).updatedAt).toEqual(item.updatedAt);

    const written = await client.post("/quality/calibration/new", {
      from: "text",
      body: WRITTEN_TEXT,
      type: "text",
      language: "en",
      source: "user_report",
      reason: "violent_extremism",
      action: "remove",
      labelIds: [labels.get("ve_glorification")!, labels.get("ve_recruitment")!],
      explanation: EXPLANATION,
    });
    expect(written.status).toBe(302);
    const made = await db.calibrationItem.findFirstOrThrow({ where: { sourceItemId: null } });
    writtenId = made.id;
    expect(JSON.parse(made.expectedLabelKeys).sort()).toEqual(["ve_glorification", "ve_recruitment"]);

    // The log says what was expected, never the text.
    const saved = await db.auditEvent.findMany({ where: { action: "calibration.saved" } });
    expect(saved).toHaveLength(events + 2);
    for (const e of saved) expect(e.payload).not.toContain("Glimmer Ridge");

    // Retiring the copied one leaves the written one the only one served.
    expect((await client.post(`/quality/calibration/${copied.id}`, { intent: "retire" })).status).toBe(302);
    expect((await db.calibrationItem.findUniqueOrThrow({ where: { id: copied.id } })).active).toBe(false);

    const mod = await signedIn(moderator);
    expect((await mod.get("/quality/calibration")).status).toBe(403);
    expect((await mod.get("/quality/calibration/new")).status).toBe(403);
    expect(
      (await mod.post("/quality/calibration/new", { from: "text", body: "x", reason: "violent_extremism", action: "keep", explanation: "xyz" })).status,
    ).toBe(403);
    expect((await mod.post(`/quality/calibration/${writtenId}`, { intent: "retire" })).status).toBe(403);
    expect(await db.calibrationItem.count()).toBe(2);
  });

  it("with the rate at 100% the moderator's next work is the calibration item, shown exactly as an item is", async () => {
    await db.qualitySettings.update({ where: { id: 1 }, data: { calibrationPercent: 100, showExplanation: true } });
    const [realId] = await seedItems(1);
    before = await counts();
    const mod = await signedIn(moderator);
    expect((await mod.post(`/review/${realId}`, { intent: "claim" })).status).toBe(302);
    const real = await (await mod.get(`/review/${realId}?${REVIEW_DATA}`)).json();

    // Skipping the real item leads to the next work: the calibration item, under an id of its own.
    const skipped = await mod.post(`/review/${realId}`, { intent: "skip", claimId: real.item.claimId, reason: "Taking a break" });
    expect(skipped.status).toBe(302);
    const location = skipped.headers.get("location") ?? "";
    const answer = await db.calibrationAnswer.findFirstOrThrow({ where: { userId: moderator.id } });
    answerId = answer.id;
    claimToken = answer.claimId;
    expect(answer.calibrationItemId).toBe(writtenId);
    expect(location).toBe(`/review/${answerId}?notice=skipped`);
    // "Next item" again returns the same served item, as it returns a held lease.
    expect(await nextWork({ id: moderator.id, email: moderator.email, role: "moderator" }, {})).toEqual({ itemId: answerId });

    const page = await mod.get(location);
    expect(page.status).toBe(200);
    const text = html(await page.text());
    expect(text).toContain(WRITTEN_TEXT);
    expect(text.toLowerCase()).not.toContain("calibration");

    const served = await (await mod.get(`/review/${answerId}?${REVIEW_DATA}`)).json();
    expect(JSON.stringify(served).toLowerCase()).not.toContain("calibration");
    expect(Object.keys(served).sort()).toEqual(Object.keys(real).sort());
    expect(Object.keys(served.item).sort()).toEqual(Object.keys(real.item).sort());
    expect(Object.keys(served.flags[0]).sort()).toEqual(Object.keys(real.flags[0]).sort());
    expect(served.item).toMatchObject({ id: answerId, state: "pending", topReason: "violent_extremism", strongestSource: "user_report", claimId: claimToken });
    // The lease token is not the id in the address, as on an item: nothing tells the two apart.
    expect(served.item.claimId).not.toBe(answerId);
    expect(served.flags).toHaveLength(1);
    expect(served.flags[0].receivedAt).toBe(answer.servedAt.toISOString());
    expect(served.history).toEqual({ onItem: [], onAuthor: [] });
    expect(served.cluster).toBeNull();
    expect(served.heldByMe).toBe(true);
    const queues = await db.queueMember.findMany({ where: { userId: moderator.id }, select: { queueId: true } });
    expect(queues.map((q) => q.queueId)).toContain(served.queue.id);
    expect(served.labelSets.map((s: { versionId: string }) => s.versionId)).toEqual(real.labelSets.map((s: { versionId: string }) => s.versionId));
    shownExternalId = served.item.externalId;

    // Serving changed no count.
    expect(await counts()).toEqual(before);

    // The expected answer cannot be read before answering.
    expect((await mod.get(`/quality/calibration/answers/${answerId}`)).status).toBe(404);
    const renewed = await mod.post(`/review/${answerId}`, { intent: "renew", claimId: claimToken });
    expect(renewed.status).toBe(200);
    expect((await db.calibrationAnswer.findUniqueOrThrow({ where: { id: answerId } })).expiresAt.getTime()).toBeGreaterThan(answer.expiresAt.getTime());
  });

  it("a decision is refused as on an item, then scored; the moderator reads the explanation; nobody else opens it", async () => {
    const mod = await signedIn(moderator);
    const noRationale = await mod.post(`/review/${answerId}?${REVIEW_DATA}`, {
      intent: "decide",
      claimId: claimToken,
      action: "remove",
      labelIds: labels.get("ve_glorification")!,
    });
    expect(noRationale.status).toBe(400);
    expect(((await noRationale.json()) as { error: { message: string } }).error.message).toBe("A rationale is required for violating labels.");

    const other = await makeUser("moderator");
    const otherClient = await signedIn(other);
    expect((await otherClient.get(`/review/${answerId}`)).status).toBe(404);
    const stolen = await otherClient.post(`/review/${answerId}`, {
      intent: "decide",
      claimId: claimToken,
      action: "keep",
      labelIds: labels.get("ve_news_reporting")!,
    });
    expect(stolen.status).toBeGreaterThanOrEqual(400);
    expect((await db.calibrationAnswer.findUniqueOrThrow({ where: { id: answerId } })).outcome).toBeNull();

    const decided = await mod.post(`/review/${answerId}`, {
      intent: "decide",
      claimId: claimToken,
      action: "remove",
      labelIds: labels.get("ve_glorification")!,
      rationale: "Fictional: it praises the group.",
    });
    expect(decided.status).toBe(302);
    expect(decided.headers.get("location")).toBe(`/quality/calibration/answers/${answerId}`);
    const scored = await db.calibrationAnswer.findUniqueOrThrow({ where: { id: answerId } });
    expect(scored).toMatchObject({ outcome: "answered", action: "remove", actionCorrect: true, labelsCorrect: false });
    expect(JSON.parse(scored.labelKeys)).toEqual(["ve_glorification"]);

    const explanation = await mod.get(`/quality/calibration/answers/${answerId}`);
    expect(explanation.status).toBe(200);
    expect(html(await explanation.text())).toContain(EXPLANATION);
    expect((await otherClient.get(`/quality/calibration/answers/${answerId}`)).status).toBe(404);
    // A lead, who reads every moderator's accuracy, reads the answer too.
    expect((await (await signedIn(lead)).get(`/quality/calibration/answers/${answerId}`)).status).toBe(200);

    // Accuracy: the moderator sees their own, the lead sees everyone's, another moderator sees only theirs.
    expect(html(await (await mod.get("/quality/calibration/mine")).text())).toContain("100% (1 of 1)");
    expect(html(await (await otherClient.get("/quality/calibration/mine")).text())).not.toContain("1 of 1");
    const list = html(await (await (await signedIn(lead)).get("/quality/calibration")).text());
    expect(list).toContain(moderator.email);
    expect(list).toContain("0% (0 of 1)");
  });

  it("nothing of it leaves the console: feed, statements, item status, appeals, audit export, counts", async () => {
    const answer = await db.calibrationAnswer.findUniqueOrThrow({ where: { id: answerId } });
    const secrets = [answerId, writtenId, shownExternalId, "Glimmer Ridge"];
    expect(await db.decision.count({ where: { itemId: { in: [answerId, writtenId] } } })).toBe(0);

    const feed = await api("/api/v1/decisions");
    expect(feed.status).toBe(200);
    const feedText = await feed.text();
    for (const s of secrets) expect(feedText).not.toContain(s);

    const range = `from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
    const statements = await api(`/api/v1/statements-of-reasons?${range}`);
    expect(statements.status).toBe(200);
    const statementsText = await statements.text();
    for (const s of secrets) expect(statementsText).not.toContain(s);

    for (const id of [shownExternalId, answerId, writtenId]) expect((await api(`/api/v1/items/${encodeURIComponent(id)}`)).status).toBe(404);

    for (const decisionId of [answerId, writtenId]) {
      const appeal = await api("/api/v1/appeals", {
        method: "POST",
        body: JSON.stringify({
          externalId: `appeal-${decisionId.slice(0, 8)}`,
          decisionId,
          appellant: { role: "content_author", externalId: "author-fictional" },
          statement: "Fictional appeal naming a practice item.",
        }),
      });
      expect(appeal.status).toBe(404);
    }
    expect(await db.appeal.count()).toBe(0);

    const auditor = await signedIn(await makeUser("auditor"));
    for (const kind of ["events", "decisions", "statements"]) {
      const file = await auditor.get(`/audit/export/file?kind=${kind}&format=jsonl&${range}`);
      expect(file.status).toBe(200);
      const body = await file.text();
      for (const s of [answerId, shownExternalId, "Glimmer Ridge", answer.rationale!]) expect(body).not.toContain(s);
    }
    expect(await db.auditEvent.count({ where: { action: "decision.made", subjectId: { in: [answerId, writtenId] } } })).toBe(0);

    const overviewData = await (await (await signedIn(lead)).get(`/overview?_data=${encodeURIComponent("routes/_console.overview")}`)).json();
    expect(overviewData.byState).toEqual(before.byState);
    expect(await counts()).toEqual(before);
  });

  it("with the rate at 0% next work is a real item, and a released serving may be served again", async () => {
    const who = await makeUser("moderator");
    const user = { id: who.id, email: who.email, role: "moderator" as const };
    await db.qualitySettings.update({ where: { id: 1 }, data: { calibrationPercent: 100 } });
    const first = await nextWork(user, {});
    const served = await db.calibrationAnswer.findUniqueOrThrow({ where: { id: first!.itemId } });
    const mod = await signedIn(who);
    expect((await mod.post(`/review/${served.id}`, { intent: "release", claimId: served.claimId, reason: "Needs a break" })).status).toBe(302);
    expect((await db.calibrationAnswer.findUniqueOrThrow({ where: { id: served.id } })).outcome).toBe("released");
    const again = await nextWork(user, {});
    expect((await db.calibrationAnswer.findUniqueOrThrow({ where: { id: again!.itemId } })).calibrationItemId).toBe(served.calibrationItemId);
    // An expired serving is ignored: the next press serves afresh.
    await db.calibrationAnswer.update({ where: { id: again!.itemId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await mod.get(`/review/${again!.itemId}`)).status).toBe(404);
    await db.qualitySettings.update({ where: { id: 1 }, data: { calibrationPercent: 0 } });
    const real = await nextWork(user, {});
    expect(await db.item.findUnique({ where: { id: real!.itemId } })).not.toBeNull();
    // Leads working escalations are never served one.
    await db.qualitySettings.update({ where: { id: 1 }, data: { calibrationPercent: 100 } });
    await nextWork({ id: lead.id, email: lead.email, role: "policy_lead" }, { state: "escalated" });
    expect(await db.calibrationAnswer.count({ where: { userId: lead.id } })).toBe(0);
  });
});
