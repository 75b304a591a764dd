import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { searchEvents } from "~/modules/audit/search.server.ts";
import { Client } from "../support/http.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { makeDecision } from "../support/audit-fixtures.ts";
import { ROOT } from "../support/databases.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let auditor: Client;
let moderator: Client;
let made: Record<string, Awaited<ReturnType<typeof makeDecision>>>;
const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)> praise for the Placeholder Cell`;

beforeAll(async () => {
  made = {
    removedOrder: await makeDecision({ action: "remove", sources: ["removal_order"], receivedAgoMs: 20 * 60_000, body: HOSTILE }),
    lateOrder: await makeDecision({ action: "remove", sources: ["removal_order"], receivedAgoMs: 2 * 3_600_000 }),
    kept: await makeDecision({ action: "keep", sources: ["user_report"] }),
    restricted: await makeDecision({ action: "restrict", sources: ["trusted_flagger"] }),
  };
  server = await startServer();
  const a = await makeUser("auditor");
  const m = await makeUser("moderator");
  auditor = new Client(server.url);
  await auditor.login(a.email, PASSWORD);
  moderator = new Client(server.url);
  await moderator.login(m.email, PASSWORD);
}, 120_000);
afterAll(() => server?.stop());

describe("the auditor's search", () => {
  it("lists events newest first with links to each event and decision", async () => {
    const res = await auditor.get("/audit");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("decision.made");
    expect(html).toContain(`/audit/decisions/${made.kept.decision.id}`);
    expect(html).toContain(`/audit/events/${made.kept.decision.seq}`);
  });

  it("filters by outcome, item external id, label and flag source", async () => {
    const byOutcome = await (await auditor.get("/audit?outcome=restrict")).text();
    expect(byOutcome).toContain(made.restricted.decision.id);
    expect(byOutcome).not.toContain(made.kept.decision.id);
    const byItem = await (await auditor.get(`/audit?item=${made.kept.externalId}`)).text();
    expect(byItem).toContain(made.kept.decision.id);
    expect(byItem).not.toContain(made.restricted.decision.id);
    const byLabel = await (await auditor.get("/audit?label=ve_representation")).text();
    expect(byLabel).toContain(made.restricted.decision.id);
    expect(byLabel).not.toContain(made.removedOrder.decision.id);
    const bySource = await (await auditor.get("/audit?source=removal_order")).text();
    expect(bySource).toContain(made.removedOrder.decision.id);
    expect(bySource).toContain(made.lateOrder.decision.id);
    expect(bySource).not.toContain(made.kept.decision.id);
  });

  it("filters by actor and action, and by time range", async () => {
    const mod = made.kept.moderator;
    const byActor = await (await auditor.get(`/audit?actor=${encodeURIComponent(mod.email)}&action=decision.made`)).text();
    for (const m of Object.values(made)) expect(byActor).toContain(m.decision.id);
    expect(byActor).not.toContain(`font-mono">label_set.imported<`);
    expect(byActor).not.toContain(`font-mono">item.claimed<`);
    const future = new Date(Date.now() + 86_400_000).toISOString().slice(0, 19);
    const empty = await (await auditor.get(`/audit?from=${future}`)).text();
    expect(empty).toContain("No events match.");
  });

  it("an invalid filter is answered with a message, not a crash", async () => {
    const res = await auditor.get("/audit?from=yesterday-ish");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Enter a date and time");
  });

  it("a time range finds exactly the events inside it, bounds included from and excluded to", async () => {
    const event = await db.auditEvent.findUniqueOrThrow({ where: { seq: made.kept.decision.seq } });
    const within = await searchEvents({ from: event.at, to: new Date(event.at.getTime() + 1) });
    expect(within.rows.map((r) => r.seq)).toContain(event.seq);
    for (const r of within.rows) expect(new Date(r.at).getTime()).toBe(event.at.getTime());
    const before = await searchEvents({ to: event.at });
    expect(before.rows.map((r) => r.seq)).not.toContain(event.seq);
    for (const r of before.rows) expect(new Date(r.at).getTime()).toBeLessThan(event.at.getTime());
  });

  it("pages by keyset on seq, both ways, without gaps or repeats", async () => {
    const all = (await searchEvents({}, 10_000)).rows.map((r) => r.seq);
    const seen: number[] = [];
    let page = await searchEvents({}, 3);
    seen.push(...page.rows.map((r) => r.seq));
    while (page.older !== null) {
      page = await searchEvents({ before: page.older }, 3);
      seen.push(...page.rows.map((r) => r.seq));
    }
    expect(seen).toEqual(all);
    const back = await searchEvents({ after: all[all.length - 1] }, 3);
    expect(back.rows.map((r) => r.seq)).toEqual(all.slice(-4, -1));
    expect(back.newer).toBe(all[all.length - 4]);
  });
});

describe("a decision's page", () => {
  it("shows the item as reviewed, its flags, labels with their version's text, who, when and the removal-order hour", async () => {
    const html = await (await auditor.get(`/audit/decisions/${made.removedOrder.decision.id}`)).text();
    expect(html).toContain(made.removedOrder.externalId);
    expect(html).toContain("Glorification");
    expect(html).toContain("Praises, justifies or celebrates an extremist group");
    expect(html).toContain("version 1");
    expect(html).toContain(made.removedOrder.moderator.email);
    expect(html).toContain("Removal order");
    expect(html).toContain("Met: actioned before");
    expect(html).toContain("DECISION_GROUND_ILLEGAL_CONTENT");
    const late = await (await auditor.get(`/audit/decisions/${made.lateOrder.decision.id}`)).text();
    expect(late).toContain("Missed: the deadline was");
  });

  it("renders hostile content as text, never as markup", async () => {
    const html = await (await auditor.get(`/audit/decisions/${made.removedOrder.decision.id}`)).text();
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert");
  });

  it("shows the snapshot, not today's item row", async () => {
    await db.item.update({ where: { id: made.kept.itemId }, data: { title: "Edited after the decision" } });
    const html = await (await auditor.get(`/audit/decisions/${made.kept.decision.id}`)).text();
    expect(html).not.toContain("Edited after the decision");
    expect(html).toContain("A post about the Northern Ember Front");
    expect(html).toContain("needs no statement");
  });

  it("an event's page shows its hashes and its payload read through the event's schema", async () => {
    const html = await (await auditor.get(`/audit/events/${made.kept.decision.seq}`)).text();
    expect(html).toContain("Checked against the schema for decision.made.");
    const event = await db.auditEvent.findUniqueOrThrow({ where: { seq: made.kept.decision.seq } });
    expect(html).toContain(event.hash);
    expect(html).toContain(event.prevHash);
  });

  it("an unknown decision or event is a 404 with a message", async () => {
    expect((await auditor.get("/audit/decisions/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await auditor.get("/audit/events/999999")).status).toBe(404);
    expect((await auditor.get("/audit/events/not-a-number")).status).toBe(404);
  });
});

describe("verification and exports", () => {
  it("the verify page runs the check and records it", async () => {
    const res = await auditor.post("/audit/verify");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("The audit log is intact");
    const last = await db.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(last.action).toBe("audit.verified");
    expect(await (await auditor.get("/audit/verify")).text()).toContain("Intact");
  });

  it("the export page counts the rows first, then streams a CSV without Content-Length, and records the export", async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19);
    const to = new Date(Date.now() + 3_600_000).toISOString().slice(0, 19);
    const page = await (await auditor.get(`/audit/export?kind=decisions&format=csv&from=${from}&to=${to}`)).text();
    expect(page).toMatch(/<strong>4<\/strong>/);
    const res = await auditor.get(`/audit/export/file?kind=decisions&format=csv&from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-length")).toBeNull();
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="docket-decisions-/);
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toMatch(/^decisionId,seq,decidedAt,action/);
    expect(lines).toHaveLength(5);
    const last = await db.auditEvent.findFirstOrThrow({ where: { action: "audit.exported" }, orderBy: { seq: "desc" } });
    expect(JSON.parse(last.payload)).toMatchObject({ kind: "decisions", format: "csv", rows: 4 });
  });

  it("events export as JSON Lines, one event per line, in order", async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const res = await auditor.get(`/audit/export/file?kind=events&format=jsonl&from=${from}&to=${to}`);
    const events = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.length).toBeGreaterThan(10);
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(events[0]).toHaveProperty("hash");
  });

  it("exports need audit:export; a moderator is refused and nothing is recorded", async () => {
    const before = await db.auditEvent.count();
    const res = await moderator.get(`/audit/export/file?kind=events&format=csv&from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z`);
    expect(res.status).toBe(403);
    expect(await db.auditEvent.count()).toBe(before);
    expect((await moderator.get("/audit")).status).toBe(403);
  });

  it("an export without a valid range is a 400 with issues", async () => {
    const res = await auditor.get(`/audit/export/file?kind=events&format=csv&from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.issues[0].path).toBe("to");
  });
});

describe("GET /api/v1/statements-of-reasons", () => {
  it("answers NDJSON batches of statements for the restricting decisions in the range", async () => {
    const { token } = await makeApiKey("test");
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const res = await fetch(`${server.url}/api/v1/statements-of-reasons?from=${from}&to=${to}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = (await res.text()).trim().split("\n");
    expect(lines).toHaveLength(1);
    const { statements } = JSON.parse(lines[0]);
    expect(statements.map((s: { puid: string }) => s.puid).sort()).toEqual(
      [made.removedOrder, made.lateOrder, made.restricted].map((m) => `docket-${m.decision.id}`).sort(),
    );
  });

  it("gives a platform's key the statements for its own items only", async () => {
    const { token } = await makeApiKey("another-platform");
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const res = await fetch(`${server.url}/api/v1/statements-of-reasons?from=${from}&to=${to}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-docket-statement-count")).toBe("0");
    expect((await res.text()).trim()).toBe("");
  });

  it("refuses a missing key (401) and a bad range (400, the API error shape)", async () => {
    expect((await fetch(`${server.url}/api/v1/statements-of-reasons?from=2020-01-01T00:00:00Z&to=2021-01-01T00:00:00Z`)).status).toBe(401);
    const { token } = await makeApiKey("audit-test-2");
    const res = await fetch(`${server.url}/api/v1/statements-of-reasons?from=nope`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(["from", "to"]));
  });
});

describe("auditors cannot change anything", () => {
  it("no audit route accepts a POST except the verify page, which needs audit:read and only appends its own event", async () => {
    const build = (await import(pathToFileURL(path.join(ROOT, "build/index.js")).href)) as {
      routes: Record<string, { id: string; path?: string; module: { action?: unknown; access?: { kind: string; capability?: string } } }>;
    };
    const auditRoutes = Object.values(build.routes).filter((r) => /audit/.test(r.id));
    expect(auditRoutes.length).toBeGreaterThanOrEqual(6);
    const withActions = auditRoutes.filter((r) => r.module.action).map((r) => r.id);
    expect(withActions).toEqual(["routes/_console.audit.verify"]);
    for (const r of auditRoutes) {
      if (r.id.includes("api.v1")) expect(r.module.access?.kind).toBe("api");
      else expect(["audit:read", "audit:export"]).toContain(r.module.access?.capability);
    }
  });
});
