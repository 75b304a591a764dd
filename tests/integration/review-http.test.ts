import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { claimNext } from "~/modules/queue/claims.server.ts";
import { Client } from "../support/http.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { rawFlag, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let token: string;
let versionId: string;
const label = async (key: string) => (await db.label.findFirstOrThrow({ where: { key, versionId } })).id;

beforeAll(async () => {
  versionId = (await starterLabels()).versionId;
  server = await startServer();
  token = (await makeApiKey("test")).token;
});
afterAll(() => server?.stop());

const api = (path: string, init: RequestInit = {}) =>
  fetch(server.url + path, { ...init, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...init.headers } });

async function ingest(body: unknown) {
  const res = await api("/api/v1/flags", { method: "POST", body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return (await res.json()) as { itemId: string };
}

async function loggedIn(role: "moderator" | "policy_lead" | "admin") {
  const user = await makeUser(role);
  const client = new Client(server.url);
  await client.login(user.email, PASSWORD);
  return { user, client };
}

/** Earlier tests' items leave the queue the real way: a moderator decides each one. */
async function parkPending() {
  const clearer = await makeUser("moderator");
  const keep = await label("ve_news_reporting");
  for (let next = await claimNext(clearer); next; next = await claimNext(clearer)) {
    await decide(clearer, { itemId: next.itemId, claimId: next.claimId, action: "keep", labelIds: [keep], rationale: "" });
  }
}

describe("intake to queue to claim to decision to feed, over HTTP", () => {
  it("a moderator takes the next item, decides it with a plain form post, and the platform reads the decision from the feed", async () => {
    await parkPending();
    const { itemId } = await ingest(rawFlag({ content: { externalId: "http-flow-1", title: "A report about the Northern Ember Front" } }));
    const { user, client } = await loggedIn("moderator");

    const next = await client.post("/queue");
    expect(next.status).toBe(302);
    expect(next.headers.get("location")).toBe(`/review/${itemId}`);
    const page = await client.get(`/review/${itemId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("A report about the Northern Ember Front");
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    expect(item.claimedById).toBe(user.id);
    expect(html).toContain(`value="${item.claimId}"`);

    // Without JavaScript a refused form comes back as HTML with its message, the label still ticked
    // and the rationale still written; a data request gets the error shape.
    const news = await label("ve_news_reporting");
    const noAction = { intent: "decide", claimId: item.claimId!, labelIds: [news], rationale: "Framed as reporting <b>on</b> the rally." };
    const refused = await client.post(`/review/${itemId}`, noAction);
    expect(refused.status).toBe(400);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain("Choose an action: keep, remove, restrict or escalate.");
    expect(refusedHtml).toContain("Framed as reporting &lt;b&gt;on&lt;/b&gt; the rally.");
    const ticked = /<input type="checkbox" id="label-1"[^>]*>/.exec(refusedHtml)?.[0] ?? "";
    expect(ticked).toContain(`value="${news}"`);
    expect(ticked).toContain('checked=""');
    const refusedData = await client.post(`/review/${itemId}?_data=${encodeURIComponent("routes/_console.review.$itemId")}`, noAction);
    expect(refusedData.status).toBe(400);
    expect(await refusedData.json()).toMatchObject({
      error: {
        code: "invalid_form",
        message: "Check the highlighted fields.",
        issues: [{ path: "action", message: "Choose an action: keep, remove, restrict or escalate." }],
      },
    });
    expect(await db.decision.count({ where: { itemId } })).toBe(0);

    const decided = await client.post(`/review/${itemId}`, {
      intent: "decide",
      claimId: item.claimId!,
      action: "keep",
      labelIds: [news],
      rationale: "",
    });
    expect(decided.status).toBe(302);
    expect(decided.headers.get("location")).toBe("/queue?notice=saved-empty");
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).state).toBe("decided");

    const feed = await (await api("/api/v1/decisions?after=0&limit=100")).json();
    const mine = feed.decisions.find((d: { externalId: string }) => d.externalId === "http-flow-1");
    expect(mine).toMatchObject({ action: "keep", labelKeys: ["ve_news_reporting"], versionId, labelSet: { key: "violent_extremism", version: 1 } });
    expect(mine.decidedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(feed.nextCursor).toBe(mine.cursor);
    const after = await (await api(`/api/v1/decisions?after=${feed.nextCursor}`)).json();
    expect(after).toEqual({ decisions: [], nextCursor: feed.nextCursor });
    const bad = await api("/api/v1/decisions?after=abc&limit=5000");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["after", "limit"]);
    expect((await fetch(`${server.url}/api/v1/decisions`)).status).toBe(401);
  });

  it("an escalation goes to the lead's queue, where the lead's decision closes it and reaches the feed", async () => {
    await parkPending();
    const { itemId } = await ingest(rawFlag({ content: { externalId: "http-flow-esc" }, flag: { source: "trusted_flagger" } }));
    const { client } = await loggedIn("moderator");
    await client.post("/queue");
    const claimId = (await db.item.findUniqueOrThrow({ where: { id: itemId } })).claimId!;
    const missing = await client.post(`/review/${itemId}`, { intent: "decide", claimId, action: "escalate", rationale: "" });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("a rationale is required for escalations");
    const esc = await client.post(`/review/${itemId}`, { intent: "decide", claimId, action: "escalate", rationale: "Could be praise; needs a lead." });
    expect(esc.status).toBe(302);
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).state).toBe("escalated");
    expect((await client.get("/escalations")).status).toBe(403);

    const lead = await loggedIn("policy_lead");
    const list = await lead.client.get("/escalations");
    expect(list.status).toBe(200);
    const next = await lead.client.post("/escalations");
    expect(next.headers.get("location")).toBe(`/review/${itemId}`);
    const leadClaim = (await db.item.findUniqueOrThrow({ where: { id: itemId } })).claimId!;
    const done = await lead.client.post(`/review/${itemId}`, {
      intent: "decide",
      claimId: leadClaim,
      action: "remove",
      labelIds: [await label("ve_glorification")],
      rationale: "Glorifies the group.",
    });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/escalations?notice=saved-empty");
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).state).toBe("decided");
    const feed = await (await api("/api/v1/decisions?limit=1000")).json();
    const actions = feed.decisions
      .filter((d: { externalId: string }) => d.externalId === "http-flow-esc")
      .map((d: { action: string; byLead: boolean }) => [d.action, d.byLead]);
    expect(actions).toEqual([
      ["escalate", false],
      ["remove", true],
    ]);
  });

  it("a decision under a lease that expired and was re-claimed gets 409 and writes nothing", async () => {
    await parkPending();
    const { itemId } = await ingest(rawFlag());
    const first = await loggedIn("moderator");
    const second = await loggedIn("moderator");
    await first.client.post("/queue");
    const stale = (await db.item.findUniqueOrThrow({ where: { id: itemId } })).claimId!;
    await db.item.update({ where: { id: itemId }, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });
    expect((await second.client.post("/queue")).headers.get("location")).toBe(`/review/${itemId}`);
    const before = { decisions: await db.decision.count(), audit: await db.auditEvent.count() };
    const res = await first.client.post(`/review/${itemId}`, {
      intent: "decide",
      claimId: stale,
      action: "keep",
      labelIds: [await label("ve_news_reporting")],
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("You no longer hold this item");
    expect({ decisions: await db.decision.count(), audit: await db.auditEvent.count() }).toEqual(before);
    const renew = await first.client.post(`/review/${itemId}`, { intent: "renew", claimId: stale });
    expect(renew.status).toBe(409);
  });

  it("the holder's page renews the lease; a lead sees who holds what and can release it", async () => {
    await parkPending();
    const { itemId } = await ingest(rawFlag());
    const mod = await loggedIn("moderator");
    await mod.client.post("/queue");
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    await db.item.update({ where: { id: itemId }, data: { leaseExpiresAt: new Date(Date.now() + 5_000) } });
    const renew = await mod.client.post(`/review/${itemId}`, { intent: "renew", claimId: item.claimId! });
    expect(renew.status).toBe(200);
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 60_000);

    expect((await mod.client.get("/claims")).status).toBe(403);
    const lead = await loggedIn("policy_lead");
    const claims = await lead.client.get("/claims");
    expect(await claims.text()).toContain(mod.user.email);
    const refused = await lead.client.post("/claims", { itemId, claimId: item.claimId!, reason: "" });
    expect(refused.status).toBe(400);
    const released = await lead.client.post("/claims", { itemId, claimId: item.claimId!, reason: "Shift handover" });
    expect(released.status).toBe(200);
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).claimId).toBeNull();
    const conflict = await mod.client.post(`/review/${itemId}`, {
      intent: "decide",
      claimId: item.claimId!,
      action: "keep",
      labelIds: [await label("ve_news_reporting")],
    });
    expect(conflict.status).toBe(409);
  });

  it("the queue list filters by state, source, reason, overdue and language with counts; admins may view it", async () => {
    await parkPending();
    await ingest(
      rawFlag({
        content: { language: "de" },
        flag: { source: "removal_order", reference: "RO-1", receivedAt: new Date(Date.now() - 2 * 3600_000).toISOString() },
      }),
    );
    await ingest(rawFlag({ content: { language: "fr", title: "Automated find" }, flag: { source: "automated" } }));
    const { client } = await loggedIn("admin");
    const all = await (await client.get("/queue/list")).text();
    expect(all).toContain("Removal order (1)");
    expect(all).toContain("Automated find");
    const overdue = await (await client.get("/queue/list?overdue=1")).text();
    expect(overdue).toContain("Overdue by");
    expect(overdue).not.toContain("Automated find");
    const fr = await (await client.get("/queue/list?language=fr&source=automated&reason=violent_extremism")).text();
    expect(fr).toContain("Automated find");
    const garbage = await client.get("/queue/list?state=<script>&page=-4");
    expect(garbage.status).toBe(200);
    expect((await client.get("/queue")).status).toBe(403);
  });
});
