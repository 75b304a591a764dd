import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { DISPUTE_SETTLEMENT_NOTICE } from "~/modules/appeals/answer.ts";
import { claimAppealOrWhy } from "~/modules/appeals/claims.server.ts";
import { decideAppeal } from "~/modules/appeals/review.server.ts";
import { STATEMENT_MAX } from "~/modules/appeals/schema.ts";
import { makeDecision } from "../support/audit-fixtures.ts";
import { liveLabelIds } from "../support/appeals.ts";
import { makeApiKey, makeUser } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// POST /api/v1/appeals and GET /api/v1/appeals/{id} over HTTP against the real server: every refusal
// the issue names is a clear 4xx in the one error shape and writes nothing; the same appeal sent
// again (also to two processes at once) makes one appeal.

const SERVER_ENV = { DOCKET_API_MAX_PER_MINUTE: "1000000" };
const MONTH_MS = 30.44 * 86_400_000;

let server: RunningServer;
let token: string;
let elsewhereToken: string;

beforeAll(async () => {
  token = (await makeApiKey("test")).token;
  elsewhereToken = (await makeApiKey("elsewhere")).token;
  server = await startServer(SERVER_ENV);
});
afterAll(() => server?.stop());

type Made = Awaited<ReturnType<typeof makeDecision>>;

function send(body: unknown, opts: { key?: string; method?: string; raw?: string; to?: RunningServer } = {}) {
  return fetch(`${(opts.to ?? server).url}/api/v1/appeals`, {
    method: opts.method ?? "POST",
    headers: { Authorization: `Bearer ${opts.key ?? token}`, "Content-Type": "application/json" },
    body: opts.method === "GET" ? undefined : (opts.raw ?? JSON.stringify(body)),
  });
}

/** An admissible appeal body against `made`: its author against a removal, its notifier against a keep. */
function appealBody(made: Made, overrides: Record<string, unknown> = {}) {
  const notifier = made.decision.action === "keep";
  return {
    externalId: `appeal-${randomUUID().slice(0, 12)}`,
    decisionId: made.decision.id,
    appellant: notifier ? { role: "notifier", externalId: `reporter-${made.externalId}` } : { role: "content_author", externalId: `author-${made.externalId}` },
    statement: "Fictional test appeal: the post reported on the made-up group, it did not praise it.",
    ...overrides,
  };
}

/** What an appeal request could write: appeal rows, audit events, and the item's state. */
async function written(itemId: string) {
  const [appeals, events, item] = await Promise.all([
    db.appeal.count(),
    db.auditEvent.count(),
    db.item.findUniqueOrThrow({ where: { id: itemId }, select: { state: true, updatedAt: true } }),
  ]);
  return { appeals, events, state: item.state, updatedAt: item.updatedAt.toISOString() };
}

async function expectRefusal(res: Response, status: number, code: string) {
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(15);
  expect(Array.isArray(body.error.issues)).toBe(true);
  return body.error as { code: string; message: string; issues: { path: string; message: string }[] };
}

/** Sends a request that must be refused, and checks that nothing was written. */
async function refused(made: Made, request: () => Promise<Response>, status: number, code: string) {
  const before = await written(made.itemId);
  const error = await expectRefusal(await request(), status, code);
  expect(await written(made.itemId)).toEqual(before);
  return error;
}

const backdate = (decisionId: string, months: number) =>
  db.decision.update({ where: { id: decisionId }, data: { createdAt: new Date(Date.now() - months * MONTH_MS) } });

describe("POST /api/v1/appeals", () => {
  it("receives an admissible appeal: 201 with appealId and dueAt, one appeal, one appeal.received event, the item appealed", async () => {
    const made = await makeDecision({ action: "remove" });
    const before = await written(made.itemId);
    const body = appealBody(made);
    const res = await send(body);
    expect(res.status).toBe(201);
    const json = await res.json();
    expect(Object.keys(json).sort()).toEqual(["appealId", "dueAt"]);
    const appeal = await db.appeal.findUniqueOrThrow({ where: { id: json.appealId } });
    expect(appeal).toMatchObject({
      platform: "test",
      externalId: body.externalId,
      decisionId: made.decision.id,
      state: "open",
      channel: "api",
      queueId: "queue-appeals",
    });
    expect(appeal.dueAt.toISOString()).toBe(json.dueAt);
    expect(appeal.dueAt.getTime() - appeal.receivedAt.getTime()).toBe(336 * 3_600_000);
    const after = await written(made.itemId);
    expect(after.appeals).toBe(before.appeals + 1);
    expect(after.events).toBe(before.events + 1);
    expect(after.state).toBe("appealed");
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "appeal.received", subjectId: json.appealId } });
    // The statement is kept on the appeal; the log holds its digest, not the text.
    expect(event.payload).not.toContain("did not praise");
    expect(JSON.parse(event.payload)).toMatchObject({ decisionId: made.decision.id, externalId: body.externalId });
  });

  it("names the contested decision by the item's external id: its latest decision", async () => {
    const made = await makeDecision({ action: "restrict" });
    const { decisionId: _, ...body } = appealBody(made, { itemExternalId: made.externalId, receivedAt: new Date().toISOString() });
    const res = await send(body);
    expect(res.status).toBe(201);
    const appeal = await db.appeal.findUniqueOrThrow({ where: { id: (await res.json()).appealId } });
    expect(appeal.decisionId).toBe(made.decision.id);
  });

  it("an unknown decision or item: 404, nothing written", async () => {
    const made = await makeDecision({ action: "remove" });
    const error = await refused(made, () => send(appealBody(made, { decisionId: "no-such-decision" })), 404, "not_found");
    expect(error.message).toBe("This platform has no decision with that decisionId.");
    const { decisionId: _, ...byItem } = appealBody(made, { itemExternalId: "no-such-item" });
    await refused(made, () => send(byItem), 404, "not_found");
  });

  it("another platform's decision or item: the same 404 as an unknown one, nothing about it in the answer", async () => {
    const made = await makeDecision({ action: "remove" });
    const unknown = await expectRefusal(await send(appealBody(made, { decisionId: "no-such-decision" }), { key: elsewhereToken }), 404, "not_found");
    const before = await written(made.itemId);
    const res = await send(appealBody(made), { key: elsewhereToken });
    const text = await res.clone().text();
    const error = await expectRefusal(res, 404, "not_found");
    expect(error).toEqual(unknown);
    for (const secret of [made.externalId, made.itemId, "remove", made.moderator.email]) expect(text).not.toContain(secret);
    const { decisionId: _, ...byItem } = appealBody(made, { itemExternalId: made.externalId });
    const byItemError = await expectRefusal(await send(byItem, { key: elsewhereToken }), 404, "not_found");
    expect(byItemError.message).toBe("This platform has no item with that itemExternalId.");
    expect(await written(made.itemId)).toEqual(before);
  });

  it("outside the six-month window: 422 out_of_window, nothing written", async () => {
    const made = await makeDecision({ action: "remove" });
    await backdate(made.decision.id, 7);
    const error = await refused(made, () => send(appealBody(made)), 422, "out_of_window");
    expect(error.message).toContain("6 months");
    expect(error.issues).toEqual([{ path: "receivedAt", message: error.message }]);
  });

  it("DOCKET_APPEAL_WINDOW_MONTHS=7 keeps the window open longer; a value under six stops the server at startup", async () => {
    const made = await makeDecision({ action: "remove" });
    await backdate(made.decision.id, 6.5);
    await refused(made, () => send(appealBody(made)), 422, "out_of_window");
    const longer = await startServer({ ...SERVER_ENV, DOCKET_APPEAL_WINDOW_MONTHS: "7" });
    try {
      expect((await send(appealBody(made), { to: longer })).status).toBe(201);
      const older = await makeDecision({ action: "remove" });
      await backdate(older.decision.id, 7.5);
      const error = await refused(older, () => send(appealBody(older), { to: longer }), 422, "out_of_window");
      expect(error.message).toContain("7 months");
    } finally {
      await longer.stop();
    }
    await expect(startServer({ DOCKET_APPEAL_WINDOW_MONTHS: "5" })).rejects.toThrow(
      /DOCKET_APPEAL_WINDOW_MONTHS: the DSA \(Art\. 20\(1\)\) keeps appeals open for at least six months/,
    );
  });

  it("a role without standing: 422 no_standing, nothing written", async () => {
    const keep = await makeDecision({ action: "keep" });
    const remove = await makeDecision({ action: "remove" });
    const cases: { made: Made; appellant: { role: string; externalId: string }; path: string }[] = [
      // An author contests a removal or restriction, never a decision to keep their content.
      { made: keep, appellant: { role: "content_author", externalId: `author-${keep.externalId}` }, path: "appellant.role" },
      // A notifier contests a decision not to act on their notice, never a removal.
      { made: remove, appellant: { role: "notifier", externalId: `reporter-${remove.externalId}` }, path: "appellant.role" },
      // A notifier who never flagged the item.
      { made: keep, appellant: { role: "notifier", externalId: "reporter-who-never-flagged" }, path: "appellant.externalId" },
      // An author id that is not the item's author.
      { made: remove, appellant: { role: "content_author", externalId: "author-of-something-else" }, path: "appellant.externalId" },
    ];
    for (const c of cases) {
      const error = await refused(c.made, () => send(appealBody(c.made, { appellant: c.appellant })), 422, "no_standing");
      expect(error.issues.map((i) => i.path)).toEqual([c.path]);
    }
  });

  it("an escalation is not a final decision: 409 not_final, nothing written", async () => {
    const made = await makeDecision({ action: "escalate" });
    await refused(made, () => send(appealBody(made, { appellant: { role: "content_author", externalId: `author-${made.externalId}` } })), 409, "not_final");
  });

  it("an item reopened by a removal order is under review again: 409 under_review, nothing written", async () => {
    const made = await makeDecision({ action: "keep" });
    const order = await fetch(`${server.url}/api/v1/flags`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        content: { externalId: made.externalId, type: "text", body: "Fictional test text about the made-up group." },
        flag: { externalId: `${made.externalId}-order`, source: "removal_order", reason: "violent_extremism", reference: `RO-${made.externalId}` },
      }),
    });
    expect(order.status).toBeLessThan(300);
    expect((await db.item.findUniqueOrThrow({ where: { id: made.itemId } })).state).toBe("pending");
    await refused(made, () => send(appealBody(made)), 409, "under_review");
  });

  it("a receipt time in the future or before the decision: 400, nothing written", async () => {
    const made = await makeDecision({ action: "remove" });
    await refused(made, () => send(appealBody(made, { receivedAt: new Date(Date.now() + 3_600_000).toISOString() })), 400, "invalid_request");
    await refused(
      made,
      () => send(appealBody(made, { receivedAt: new Date(made.decision.createdAt.getTime() - 60_000).toISOString() })),
      400,
      "invalid_request",
    );
  });

  it("a second open appeal by the same person on the same decision: 409 appeal_open, nothing written", async () => {
    const made = await makeDecision({ action: "remove" });
    expect((await send(appealBody(made))).status).toBe(201);
    const error = await refused(made, () => send(appealBody(made)), 409, "appeal_open");
    expect(error.message).toMatch(/already has an open appeal/);
  });

  it("an appellant whose appeal against the decision was answered: 409 already_answered, nothing written", async () => {
    const made = await makeDecision({ action: "remove" });
    const { appealId } = await (await send(appealBody(made))).json();
    const reviewer = await makeUser("moderator");
    const claim = await claimAppealOrWhy(reviewer, appealId);
    if ("refused" in claim) throw new Error(claim.refused);
    await decideAppeal(reviewer, { appealId, claimId: claim.claimId, outcome: "upheld", rationale: "Fictional: it stands.", summary: "The removal stands." });
    const error = await refused(made, () => send(appealBody(made)), 409, "already_answered");
    expect(error.message).toContain(appealId);
  });

  it("DOCKET_APPEAL_DEADLINE_HOURS sets the answer time in the starter Appeals queue, which sets no hours of its own", async () => {
    const made = await makeDecision({ action: "keep" });
    const shorter = await startServer({ ...SERVER_ENV, DOCKET_APPEAL_DEADLINE_HOURS: "72" });
    try {
      const receivedAt = new Date(made.decision.createdAt.getTime() + 1000);
      const res = await send(appealBody(made, { receivedAt: receivedAt.toISOString() }), { to: shorter });
      expect(res.status).toBe(201);
      const { dueAt } = await res.json();
      expect(new Date(dueAt).getTime() - receivedAt.getTime()).toBe(72 * 3_600_000);
    } finally {
      await shorter.stop();
    }
  });

  it("replaying an appeal answers 200 with the same ids and writes nothing; its externalId for another appeal is 409", async () => {
    const made = await makeDecision({ action: "remove" });
    const body = appealBody(made);
    const first = await send(body);
    expect(first.status).toBe(201);
    const ids = await first.json();
    const before = await written(made.itemId);
    for (let i = 0; i < 3; i++) {
      const again = await send(body);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual(ids);
    }
    expect(await written(made.itemId)).toEqual(before);
    const other = await makeDecision({ action: "remove" });
    const error = await refused(other, () => send(appealBody(other, { externalId: body.externalId })), 409, "external_id_reused");
    expect(error.issues[0].path).toBe("externalId");
    // The same externalId by another appellant on the same decision is another appeal too.
    await refused(made, () => send({ ...body, appellant: { role: "content_author", externalId: "author-someone-else" } }), 409, "external_id_reused");
    // Another platform may use the same externalId for its own appeal: the key is per platform.
    expect((await send({ ...body, decisionId: "no-such-decision" }, { key: elsewhereToken })).status).toBe(404);
  });

  it("a replaced decision: 409 decision_replaced, nothing written; the decided appeal reads its outcome and answer", async () => {
    const made = await makeDecision({ action: "remove" });
    const first = await send(appealBody(made));
    const { appealId } = await first.json();
    const reviewer = await makeUser("moderator");
    const claim = await claimAppealOrWhy(reviewer, appealId);
    if ("refused" in claim) throw new Error(claim.refused);
    const labels = await liveLabelIds();
    const decided = await decideAppeal(reviewer, {
      appealId,
      claimId: claim.claimId,
      outcome: "overturned",
      action: "keep",
      labelIds: [labels.get("ve_news_reporting")!],
      rationale: "Fictional test rationale: a news frame.",
      summary: "The post reports on the fictional group in a news frame, so it stays available.",
    });
    const error = await refused(made, () => send(appealBody(made)), 409, "decision_replaced");
    expect(error.message).toContain(decided.newDecisionId!);
    // By the item's external id, the appeal contests the decision that stands now: the notifier may contest the keep.
    const byItem = await send({
      externalId: `appeal-${randomUUID().slice(0, 12)}`,
      itemExternalId: made.externalId,
      appellant: { role: "notifier", externalId: `reporter-${made.externalId}` },
      statement: "Fictional test appeal: the post praises the made-up group.",
    });
    expect(byItem.status).toBe(201);
    expect((await db.appeal.findUniqueOrThrow({ where: { id: (await byItem.json()).appealId } })).decisionId).toBe(decided.newDecisionId);

    const res = await fetch(`${server.url}/api/v1/appeals/${appealId}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const status = await res.json();
    expect(status).toMatchObject({ appealId, state: "decided", outcome: "overturned", decisionId: made.decision.id, newDecisionId: decided.newDecisionId });
    expect(status.answer).toContain("The post reports on the fictional group in a news frame");
    expect(status.answer).toMatch(/out-of-court dispute settlement/);
    expect(status.answer.endsWith(DISPUTE_SETTLEMENT_NOTICE)).toBe(true);
    // Nothing about who reviewed it.
    expect(JSON.stringify(status)).not.toContain(reviewer.id);
    expect(JSON.stringify(status)).not.toContain(reviewer.email.split("@")[0]);
    expect(JSON.stringify(status)).not.toContain("Fictional test rationale");
  });

  describe("invalid requests: 400, the error shape, nothing written", () => {
    let made: Made;
    beforeAll(async () => {
      made = await makeDecision({ action: "remove" });
    });

    const cases: { name: string; body: (b: Record<string, unknown>) => unknown; path: string }[] = [
      { name: "no externalId", body: ({ externalId: _, ...b }) => b, path: "externalId" },
      { name: "no appellant", body: ({ appellant: _, ...b }) => b, path: "appellant" },
      { name: "no statement", body: ({ statement: _, ...b }) => b, path: "statement" },
      { name: "neither decisionId nor itemExternalId", body: ({ decisionId: _, ...b }) => b, path: "decisionId" },
      { name: "both decisionId and itemExternalId", body: (b) => ({ ...b, itemExternalId: made.externalId }), path: "decisionId" },
      { name: "a statement over the limit", body: (b) => ({ ...b, statement: "x".repeat(STATEMENT_MAX + 1) }), path: "statement" },
      { name: "an empty statement", body: (b) => ({ ...b, statement: "   " }), path: "statement" },
      { name: "a statement that cannot be stored (a lone surrogate)", body: (b) => ({ ...b, statement: "Fictional \uD800 text" }), path: "statement" },
      { name: "an unknown role", body: (b) => ({ ...b, appellant: { role: "bystander", externalId: "x" } }), path: "appellant.role" },
      { name: "an appellant without an id", body: (b) => ({ ...b, appellant: { role: "content_author" } }), path: "appellant.externalId" },
      { name: "an appellant that is a string", body: (b) => ({ ...b, appellant: "author" }), path: "appellant" },
      { name: "a receivedAt without a zone", body: (b) => ({ ...b, receivedAt: "2025-01-01T10:00:00" }), path: "receivedAt" },
      { name: "an unknown field", body: (b) => ({ ...b, reviewer: "someone" }), path: "" },
      { name: "an externalId with spaces", body: (b) => ({ ...b, externalId: "two words" }), path: "externalId" },
      { name: "a decisionId that is a number", body: (b) => ({ ...b, decisionId: 42 }), path: "decisionId" },
      { name: "an array", body: (b) => [b], path: "" },
      { name: "null", body: () => null, path: "" },
    ];
    it.each(cases)("$name", async (c) => {
      const error = await refused(made, () => send(c.body(appealBody(made))), 400, "invalid_request");
      expect(error.issues.length).toBeGreaterThan(0);
      if (c.path) expect(error.issues.map((i) => i.path)).toContain(c.path);
      for (const issue of error.issues) expect(issue.message.length).toBeGreaterThan(5);
    });

    it("bad JSON, no body, a body over the limit", async () => {
      await refused(made, () => send(null, { raw: '{"externalId": "a",' }), 400, "invalid_json");
      await refused(made, () => send(null, { raw: "" }), 400, "invalid_json");
      await refused(made, () => send(null, { raw: JSON.stringify({ ...appealBody(made), statement: "x".repeat(1_100_000) }) }), 413, "payload_too_large");
    });

    it("the wrong method (405 with Allow), no key (401), a revoked-looking key (401)", async () => {
      for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
        const res = await send(appealBody(made), { method });
        expect(res.headers.get("allow")).toBe("POST");
        await refused(made, async () => res, 405, "method_not_allowed");
      }
      await refused(made, () => fetch(`${server.url}/api/v1/appeals`, { method: "POST", body: JSON.stringify(appealBody(made)) }), 401, "unauthorized");
      await refused(made, () => send(appealBody(made), { key: "dk_not_a_real_key_at_all" }), 401, "unauthorized");
    });
  });
});

describe("GET /api/v1/appeals/{id}", () => {
  it("answers the platform's own appeal; another platform's and a missing one are the same 404; a malformed id is 400", async () => {
    const made = await makeDecision({ action: "remove" });
    const body = appealBody(made);
    const { appealId, dueAt } = await (await send(body)).json();
    const get = (id: string, key = token) => fetch(`${server.url}/api/v1/appeals/${id}`, { headers: { Authorization: `Bearer ${key}` } });
    const res = await get(appealId);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toMatchObject({
      appealId,
      externalId: body.externalId,
      state: "open",
      outcome: null,
      answer: null,
      decidedAt: null,
      decisionId: made.decision.id,
      itemExternalId: made.externalId,
      appellantRole: "content_author",
      dueAt,
      newDecisionId: null,
    });
    const missing = await expectRefusal(await get("no-such-appeal"), 404, "not_found");
    const foreign = await expectRefusal(await get(appealId, elsewhereToken), 404, "not_found");
    expect(foreign).toEqual(missing);
    for (const bad of ["has%20space", "x".repeat(65), "semi%3Bcolon", "%F0%9F%99%82"]) {
      const error = await expectRefusal(await get(bad), 400, "invalid_request");
      expect(error.issues[0].message).toMatch(/appealId/);
    }
    expect((await fetch(`${server.url}/api/v1/appeals/${appealId}`)).status).toBe(401);
    const post = await fetch(`${server.url}/api/v1/appeals/${appealId}`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: "{}" });
    await expectRefusal(post, 405, "method_not_allowed");
  });
});

describe("two processes receiving the same appeal at once", () => {
  let twin: RunningServer;
  beforeAll(async () => {
    twin = await startServer(SERVER_ENV);
  });
  afterAll(() => twin?.stop());

  const ROUNDS = 8;
  const COPIES = 4;

  it("the same appeal sent to both processes at once makes one appeal and one appeal.received event; the others answer 200 with its ids", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const made = await makeDecision({ action: "remove" });
      const body = appealBody(made);
      const responses = await Promise.all(Array.from({ length: COPIES }, (_, i) => send(body, { to: i % 2 === 0 ? server : twin })));
      const answers = await Promise.all(responses.map(async (r) => ({ status: r.status, body: await r.json() })));
      expect(answers.map((a) => a.status).sort(), `${JSON.stringify(answers)}\n${twin.output()}`).toEqual([200, 200, 200, 201]);
      const ids = new Set(answers.map((a) => a.body.appealId));
      expect(ids.size).toBe(1);
      expect(new Set(answers.map((a) => a.body.dueAt)).size).toBe(1);
      expect(await db.appeal.count({ where: { decisionId: made.decision.id } })).toBe(1);
      expect(await db.auditEvent.count({ where: { action: "appeal.received", subjectId: [...ids][0] } })).toBe(1);
    }
  }, 60_000);

  it("different externalIds by the same appellant at once: one 201, the others 409 appeal_open, one appeal", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const made = await makeDecision({ action: "remove" });
      const responses = await Promise.all(Array.from({ length: COPIES }, (_, i) => send(appealBody(made), { to: i % 2 === 0 ? server : twin })));
      const answers = await Promise.all(responses.map(async (r) => ({ status: r.status, body: await r.json() })));
      expect(answers.map((a) => a.status).sort(), JSON.stringify(answers)).toEqual([201, 409, 409, 409]);
      for (const a of answers.filter((x) => x.status === 409)) expect(a.body.error.code).toBe("appeal_open");
      expect(await db.appeal.count({ where: { decisionId: made.decision.id } })).toBe(1);
      expect(await db.auditEvent.count({ where: { action: "appeal.received", payload: { contains: made.decision.id } } })).toBe(1);
    }
  }, 60_000);
});
