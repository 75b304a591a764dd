// The appeal pages over HTTP, as a browser without JavaScript uses them: who may open and post to
// each, the refusal a decider meets, recording a letter, editing an answer template, moving an
// unrouted appeal, and deciding an appeal through the review screen's form.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { CLAIM_REFUSALS } from "~/modules/appeals/claims.server.ts";
import { DISPUTE_SETTLEMENT_NOTICE } from "~/modules/appeals/answer.ts";
import { closeQueue, reopenQueue } from "~/modules/queue/queues.server.ts";
import { makeDecision } from "../support/audit-fixtures.ts";
import { appealAgainst, liveLabelIds } from "../support/appeals.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client, markupText as html } from "../support/http.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

async function signedIn(role: "moderator" | "policy_lead" | "auditor" | "admin", user?: { email: string }) {
  const client = new Client(server.url);
  await client.login((user ?? (await makeUser(role))).email, PASSWORD);
  return client;
}

const eventCount = (action: string) => db.auditEvent.count({ where: { action } });

describe("who may use the appeal pages", () => {
  it("a moderator reads the list and an appeal but cannot open the record form or the templates", async () => {
    const made = await makeDecision({ action: "remove" });
    const { appealId } = await appealAgainst(made);
    const moderator = await signedIn("moderator");
    expect((await moderator.get("/appeals")).status).toBe(200);
    expect((await moderator.get(`/appeals/${appealId}`)).status).toBe(200);
    expect((await moderator.get("/appeals/templates")).status).toBe(403);
    expect((await moderator.get("/appeals/new")).status).toBe(403);
    const before = await db.appealAnswerTemplate.findUniqueOrThrow({ where: { outcome: "upheld" } });
    expect((await moderator.post("/appeals/templates", { outcome: "upheld", body: "Changed by a moderator. {summary}" })).status).toBe(403);
    expect((await db.appealAnswerTemplate.findUniqueOrThrow({ where: { outcome: "upheld" } })).body).toBe(before.body);
    const move = await moderator.post(`/appeals/${appealId}`, { intent: "move", queueId: "queue-appeals", reason: "Moderators do not move appeals" });
    expect(move.status).toBe(403);
  });

  it("a moderator opens only appeals waiting in their own queues and those they answered; colleagues' answered appeals are the leads'", async () => {
    const made = await makeDecision({ action: "remove" });
    const { appealId } = await appealAgainst(made);
    const outsider = await makeUser("moderator", { queues: [] });
    const colleague = await makeUser("moderator");
    const reviewer = await makeUser("moderator");
    expect((await (await signedIn("moderator", outsider)).get(`/appeals/${appealId}`)).status).toBe(404);
    expect((await (await signedIn("moderator", colleague)).get(`/appeals/${appealId}`)).status).toBe(200);
    const client = await signedIn("moderator", reviewer);
    expect((await client.post(`/appeals/${appealId}`, { intent: "claim" })).status).toBe(302);
    const { claimId } = await db.appeal.findUniqueOrThrow({ where: { id: appealId }, select: { claimId: true } });
    const decided = await client.post(`/appeals/${appealId}`, {
      intent: "decide",
      claimId: claimId!,
      outcome: "upheld",
      rationale: "Fictional: the praise is plain.",
      summary: "The post praises the fictional group; the removal stands.",
    });
    expect(decided.status).toBe(302);
    expect((await (await signedIn("moderator", colleague)).get(`/appeals/${appealId}`)).status).toBe(404);
    // The list shows each what they may open.
    expect(await (await (await signedIn("moderator", colleague)).get("/appeals?show=decided")).text()).not.toContain(`/appeals/${appealId}`);
    expect(await (await client.get("/appeals?show=decided")).text()).toContain(`/appeals/${appealId}`);
    const own = await client.get(`/appeals/${appealId}`);
    expect(own.status).toBe(200);
    expect(html(await own.text())).toContain("The post praises the fictional group; the removal stands.");
    expect((await (await signedIn("policy_lead")).get(`/appeals/${appealId}`)).status).toBe(200);
  });

  it("an auditor reads an appeal and the counts but can neither claim nor decide it", async () => {
    const made = await makeDecision({ action: "remove" });
    const { appealId } = await appealAgainst(made);
    const auditor = await signedIn("auditor");
    const list = await auditor.get("/appeals?show=all");
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).toContain("Median time to decide");
    expect(text).not.toContain("Per moderator");
    const page = await auditor.get(`/appeals/${appealId}`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain("Claim this appeal");
    const claims = await eventCount("appeal.claimed");
    expect((await auditor.post(`/appeals/${appealId}`, { intent: "claim" })).status).toBe(403);
    const decide = await auditor.post(`/appeals/${appealId}`, {
      intent: "decide",
      claimId: "not-a-lease",
      outcome: "upheld",
      rationale: "An auditor tries to decide.",
      summary: "An auditor tries to answer.",
    });
    expect(decide.status).toBe(403);
    expect(await eventCount("appeal.claimed")).toBe(claims);
    expect((await db.appeal.findUniqueOrThrow({ where: { id: appealId } })).state).toBe("open");
    expect((await auditor.get("/appeals/templates")).status).toBe(403);
    expect((await auditor.post("/appeals/next")).status).toBe(403);
  });

  it("a lead sees the per-moderator overturn counts", async () => {
    const lead = await signedIn("policy_lead");
    const text = await (await lead.get("/appeals")).text();
    expect(text).toContain("Per moderator");
    expect(text).toContain("Record an appeal");
  });
});

describe("the review screen without JavaScript", () => {
  it("the moderator who made the contested decision sees why they may not review it, and no claim button", async () => {
    const made = await makeDecision({ action: "remove" });
    const { appealId } = await appealAgainst(made);
    const decider = await signedIn("moderator", made.moderator);
    const page = await decider.get(`/appeals/${appealId}`);
    expect(page.status).toBe(200);
    const text = html(await page.text());
    expect(text).toContain(CLAIM_REFUSALS.took_part);
    expect(text).not.toContain("Claim this appeal");
    expect(text).not.toContain("Decide the appeal");
    const claim = await decider.post(`/appeals/${appealId}`, { intent: "claim" });
    expect(claim.status).toBe(409);
    expect(html(await claim.text())).toContain(CLAIM_REFUSALS.took_part);
    expect((await db.appeal.findUniqueOrThrow({ where: { id: appealId } })).claimedById).toBeNull();
  });

  it("another moderator claims, is refused an incomplete form with field errors, then overturns with a form post", async () => {
    const made = await makeDecision({ action: "remove" });
    const { appealId } = await appealAgainst(made);
    const reviewer = await makeUser("moderator");
    const client = await signedIn("moderator", reviewer);
    const claimed = await client.post(`/appeals/${appealId}`, { intent: "claim" });
    expect(claimed.status).toBe(302);
    expect(claimed.headers.get("location")).toBe(`/appeals/${appealId}`);
    const { claimId } = await db.appeal.findUniqueOrThrow({ where: { id: appealId } });
    const screen = html(await (await client.get(`/appeals/${appealId}`)).text());
    expect(screen).toContain("Decide the appeal");
    expect(screen).toContain("The contested decision, as it was made");

    const keep = (await liveLabelIds()).get("ve_news_reporting")!;
    const incomplete = await client.post(`/appeals/${appealId}`, {
      intent: "decide",
      claimId: claimId!,
      outcome: "overturned",
      action: "keep",
      labelIds: keep,
      rationale: "",
      summary: "",
    });
    expect(incomplete.status).toBe(400);
    const refusedText = html(await incomplete.text());
    expect(refusedText).toContain("a rationale is required");
    expect(refusedText).toContain("the answer must give them");
    expect((await db.appeal.findUniqueOrThrow({ where: { id: appealId } })).state).toBe("open");

    const decided = await client.post(`/appeals/${appealId}`, {
      intent: "decide",
      claimId: claimId!,
      outcome: "overturned",
      action: "keep",
      labelIds: keep,
      rationale: "The post reports on the fictional group in a news frame.",
      summary: "The post reports on events and does not praise the group.",
    });
    expect(decided.status).toBe(302);
    expect(decided.headers.get("location")).toBe(`/appeals/${appealId}?notice=decided`);
    const appeal = await db.appeal.findUniqueOrThrow({ where: { id: appealId } });
    expect(appeal).toMatchObject({ state: "decided", outcome: "overturned", decidedById: reviewer.id });
    const after = html(await (await client.get(`/appeals/${appealId}?notice=decided`)).text());
    expect(after).toContain("Outcome: Overturned");
    expect(after).toContain(DISPUTE_SETTLEMENT_NOTICE);
    // A moderator cannot read the audit log, so the new decision is named, not linked.
    expect(after).toContain(appeal.newDecisionId!);
    expect(after).not.toContain(`/audit/decisions/${appeal.newDecisionId}`);
  });

  it("Next appeal opens the reviewer's next appeal, and says so when none waits", async () => {
    const made = await makeDecision({ action: "remove" });
    await appealAgainst(made);
    const client = await signedIn("moderator");
    const next = await client.post("/appeals/next", { intent: "next" });
    expect(next.status).toBe(302);
    const location = next.headers.get("location")!;
    expect(location).toMatch(/^\/appeals\/[^/?]+$/);
    // Holding one, Next appeal gives the same one back.
    expect((await client.post("/appeals/next", { intent: "next" })).headers.get("location")).toBe(location);
    const outsider = await signedIn("moderator", await makeUser("moderator", { queues: [] }));
    const none = await outsider.post("/appeals/next", { intent: "next" });
    expect(none.status).toBe(302);
    expect(none.headers.get("location")).toBe("/appeals?notice=none-waiting");
  });
});

describe("what leads do on the appeal pages", () => {
  it("records an appeal that came by letter, and is refused one with no standing, writing nothing", async () => {
    const made = await makeDecision({ action: "remove" });
    const lead = await makeUser("policy_lead");
    const client = await signedIn("policy_lead", lead);
    expect((await client.get("/appeals/new")).status).toBe(200);
    const form = {
      platform: "test",
      decisionId: made.decision.id,
      itemExternalId: "",
      role: "content_author",
      appellantId: `author-${made.externalId}`,
      statement: "A letter from the author: the post was satire about a made-up group.",
      channel: "letter",
      receivedAt: new Date().toISOString(),
      reference: `LTR-${made.externalId}`,
    };
    const before = await db.appeal.count();
    const stranger = await client.post("/appeals/new", { ...form, appellantId: "someone-else", reference: `LTR-x-${made.externalId}` });
    expect(stranger.status).toBe(422);
    const strangerText = html(await stranger.text());
    expect(strangerText).toContain("The appellant is not the author of the content");
    // Beside the field it is about.
    expect(strangerText).toContain('id="record-appellantId-error"');
    expect(await db.appeal.count()).toBe(before);

    const recorded = await client.post("/appeals/new", form);
    expect(recorded.status).toBe(302);
    const location = recorded.headers.get("location")!;
    expect(location).toMatch(/^\/appeals\/[^/?]+\?notice=recorded$/);
    const appealId = location.slice("/appeals/".length, location.indexOf("?"));
    expect(await db.appeal.findUniqueOrThrow({ where: { id: appealId } })).toMatchObject({
      channel: "letter",
      recordedById: lead.id,
      decisionId: made.decision.id,
      appellantRole: "content_author",
    });
    // The same letter entered twice is the same appeal.
    const again = await client.post("/appeals/new", form);
    expect(again.headers.get("location")).toBe(`/appeals/${appealId}?notice=already-recorded`);

    const empty = await client.post("/appeals/new", { ...form, statement: "" });
    expect(empty.status).toBe(400);
    expect(html(await empty.text())).toContain("Write down what the appellant contests.");
  });

  it("edits an answer template; one without {summary} is refused beside its field and nothing is written", async () => {
    const client = await signedIn("policy_lead");
    const before = await db.appealAnswerTemplate.findUniqueOrThrow({ where: { outcome: "modified" } });
    const events = await eventCount("appeal_template.updated");
    const refused = await client.post("/appeals/templates", { outcome: "modified", body: "We changed the decision." });
    expect(refused.status).toBe(400);
    const text = html(await refused.text());
    expect(text).toContain("The template must include {summary}");
    expect(text).toContain('id="template-modified-error"');
    expect((await db.appealAnswerTemplate.findUniqueOrThrow({ where: { outcome: "modified" } })).body).toBe(before.body);
    expect(await eventCount("appeal_template.updated")).toBe(events);

    const body = "We looked at your appeal again and changed the decision of {decisionDate}: the content is now {newAction}.\n\n{summary}";
    const saved = await client.post("/appeals/templates", { outcome: "modified", body });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe("/appeals/templates?saved=modified");
    expect((await db.appealAnswerTemplate.findUniqueOrThrow({ where: { outcome: "modified" } })).body).toBe(body);
    expect(await eventCount("appeal_template.updated")).toBe(events + 1);
  });

  it("moves an unrouted appeal, listed with why it waits, to a queue", async () => {
    const made = await makeDecision({ action: "remove" });
    // With the appeals queue closed, no appeal rule leads to an open queue: the appeal waits unrouted.
    const setup = { kind: "system", name: "test setup" } as const;
    await closeQueue(setup, "queue-appeals");
    let appealId: string;
    try {
      appealId = (await appealAgainst(made)).appealId;
    } finally {
      await reopenQueue(setup, "queue-appeals");
    }
    const unrouted = await db.appeal.findUniqueOrThrow({ where: { id: appealId } });
    expect(unrouted.queueId).toBeNull();
    const client = await signedIn("policy_lead");
    const list = html(await (await client.get("/appeals?show=unrouted")).text());
    expect(list).toContain(`/appeals/${appealId}`);
    expect(list).toContain(unrouted.routeNote!);

    const noReason = await client.post(`/appeals/${appealId}`, { intent: "move", queueId: "queue-appeals", reason: "" });
    expect(noReason.status).toBe(400);
    expect((await db.appeal.findUniqueOrThrow({ where: { id: appealId } })).queueId).toBeNull();
    const moved = await client.post(`/appeals/${appealId}`, { intent: "move", queueId: "queue-appeals", reason: "The appeals queue is open again." });
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe(`/appeals/${appealId}?notice=moved`);
    expect(await db.appeal.findUniqueOrThrow({ where: { id: appealId } })).toMatchObject({
      queueId: "queue-appeals",
      routeNote: "The appeals queue is open again.",
    });
  });
});
