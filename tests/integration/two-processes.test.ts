import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { Client } from "../support/http.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// Two Docket processes on one database, as behind a load balancer: nothing that must be shared may
// live in a process.
let a: RunningServer;
let b: RunningServer;
let apiKey: string;

beforeAll(async () => {
  await ensureStarterLabelSet({ kind: "system", name: "test" });
  apiKey = (await makeApiKey("twin")).token;
  [a, b] = await Promise.all([startServer(), startServer()]);
});
afterAll(() => Promise.all([a?.stop(), b?.stop()]));

describe("two app processes on one database", () => {
  it("a session made by one process is honoured by the other, and signing out on one ends it on both", async () => {
    const user = await makeUser("moderator");
    const tab = new Client(a.url);
    await tab.login(user.email, PASSWORD);
    const other = new Client(b.url);
    other.cookie = tab.cookie;
    expect((await other.get("/settings")).status).toBe(200);
    const out = new Client(b.url);
    out.cookie = tab.cookie;
    await out.request("/logout", { method: "POST", headers: { Origin: b.url } });
    expect((await tab.get("/settings")).status).toBe(302);
  });

  it("failed logins counted by one process lock the account on the other", async () => {
    const user = await makeUser("moderator");
    for (let i = 0; i < 5; i++) {
      const server = i % 2 === 0 ? a : b;
      expect((await new Client(server.url).post("/login", { email: user.email, password: `wrong-${i}` })).status).toBe(401);
    }
    expect((await new Client(b.url).post("/login", { email: user.email, password: PASSWORD })).status).toBe(429);
    expect((await new Client(a.url).post("/login", { email: user.email, password: PASSWORD })).status).toBe(429);
  });

  it("a flag sent twice with one external id, once to each process, makes one flag", async () => {
    const body = JSON.stringify({
      content: { externalId: "twin-post-1", type: "text", body: "A report about the fictional Northern Ember Front." },
      flag: { externalId: "twin-flag-1", source: "user_report", reason: "violent_extremism" },
    });
    const send = (server: RunningServer) =>
      fetch(`${server.url}/api/v1/flags`, { method: "POST", headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" }, body });
    const [r1, r2] = await Promise.all([send(a), send(b)]);
    expect([r1.status, r2.status].sort(), a.output() + b.output()).toEqual([200, 201]);
    const [j1, j2] = await Promise.all([r1.json(), r2.json()]);
    expect(j1.flagId).toBe(j2.flagId);
    expect(await db.flag.count({ where: { externalId: "twin-flag-1" } })).toBe(1);
  });

  it("moderators claiming through both processes at once never share an item", async () => {
    const flags = Array.from({ length: 30 }, (_, i) => ({
      content: { externalId: `twin-item-${i}`, type: "text", body: `Synthetic news item ${i} about the fictional Placeholder Cell.` },
      flag: { source: "user_report", reason: "violent_extremism" },
    }));
    const res = await fetch(`${a.url}/api/v1/flags/batch`, {
      method: "POST",
      headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ flags }),
    });
    expect(res.status).toBeLessThan(300);
    const moderators = await Promise.all(Array.from({ length: 12 }, () => makeUser("moderator")));
    const tabs = await Promise.all(
      moderators.map(async (m, i) => {
        const tab = new Client((i % 2 === 0 ? a : b).url);
        await tab.login(m.email, PASSWORD);
        return tab;
      }),
    );
    const claimed = await Promise.all(
      tabs.map(async (tab) => {
        const r = await tab.post("/queue", { intent: "next" });
        return r.headers.get("location") ?? "";
      }),
    );
    const itemIds = claimed.map((loc) => /^\/review\/(.+)$/.exec(loc)?.[1]);
    expect(itemIds.every(Boolean), `every moderator got an item: ${claimed.join(", ")}`).toBe(true);
    expect(new Set(itemIds).size).toBe(itemIds.length);
    const holders = await db.item.findMany({ where: { id: { in: itemIds as string[] } }, select: { claimedById: true } });
    expect(new Set(holders.map((h) => h.claimedById)).size).toBe(moderators.length);
  });

  it("one moderator's sessions on both processes pressing Next item at once hold one item between them", async () => {
    const flags = Array.from({ length: 20 }, (_, i) => ({
      content: { externalId: `twin-single-${i}`, type: "text", body: `Synthetic report ${i} about the fictional Grey Lantern Circle.` },
      flag: { source: "user_report", reason: "violent_extremism" },
    }));
    const res = await fetch(`${a.url}/api/v1/flags/batch`, {
      method: "POST",
      headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ flags }),
    });
    expect(res.status).toBeLessThan(300);
    const moderator = await makeUser("moderator");
    const tabs = await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        const tab = new Client((i % 2 === 0 ? a : b).url);
        await tab.login(moderator.email, PASSWORD);
        return tab;
      }),
    );
    for (let round = 0; round < 5; round++) {
      const locations = await Promise.all(tabs.map(async (tab) => (await tab.post("/queue", { intent: "next" })).headers.get("location") ?? ""));
      expect(new Set(locations).size, locations.join(", ")).toBe(1);
      const held = await db.item.findMany({ where: { claimedById: moderator.id, leaseExpiresAt: { gt: new Date() } } });
      expect(held).toHaveLength(1);
      const release = await tabs[round % 4].post(`/review/${held[0].id}`, { intent: "release", claimId: held[0].claimId!, reason: "Next round" });
      expect(release.status).toBe(302);
    }
  });
});
