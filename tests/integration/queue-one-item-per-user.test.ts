import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { claimItem, claimNext } from "~/modules/queue/claims.server.ts";
import { Client } from "../support/http.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { seedItems, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// "A moderator holds at most one item at a time", across every queue, however many tabs press "Next item" at once.
let server: RunningServer;
let keepLabelId: string;
beforeAll(async () => {
  await starterLabels();
  keepLabelId = (await db.label.findFirstOrThrow({ where: { key: "ve_news_reporting", version: { status: "published" } } })).id;
  server = await startServer();
});
afterAll(() => server?.stop());

const liveLeasesOf = (userId: string) => db.item.count({ where: { claimedById: userId, leaseExpiresAt: { gt: new Date() } } });

describe("one item per moderator", () => {
  it("four sessions of one moderator pressing Next item at once, ten rounds: each round all four land on the same one item", async () => {
    await seedItems(60);
    const moderator = await makeUser("moderator");
    const tabs = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const tab = new Client(server.url);
        await tab.login(moderator.email, PASSWORD);
        return tab;
      }),
    );
    const rounds: string[][] = [];
    for (let round = 0; round < 10; round++) {
      const locations = await Promise.all(tabs.map(async (tab) => (await tab.post("/queue", { intent: "next" })).headers.get("location") ?? ""));
      const itemIds = locations.map((l) => /^\/review\/([^?]+)$/.exec(l)?.[1]);
      expect(itemIds.every(Boolean), `every tab was sent to an item: ${locations.join(", ")}\n${server.output()}`).toBe(true);
      rounds.push(itemIds as string[]);
      expect(await liveLeasesOf(moderator.id)).toBe(1);
      const held = await db.item.findFirstOrThrow({ where: { claimedById: moderator.id, leaseExpiresAt: { gt: new Date() } } });
      await decide(moderator, { itemId: held.id, claimId: held.claimId!, action: "keep", labelIds: [keepLabelId], rationale: "" });
    }
    expect(rounds.filter((ids) => new Set(ids).size !== 1)).toEqual([]);
    expect(await db.claim.count({ where: { userId: moderator.id } })).toBe(10);
  });

  it("concurrent claims of one user, by queue and by named item, give one lease", async () => {
    const ids = await seedItems(8);
    const moderator = await makeUser("moderator");
    const results = await Promise.all([...ids.slice(0, 4).map((id) => claimItem(moderator, id)), ...Array.from({ length: 4 }, () => claimNext(moderator))]);
    expect(await liveLeasesOf(moderator.id)).toBe(1);
    const held = await db.item.findFirstOrThrow({ where: { claimedById: moderator.id, leaseExpiresAt: { gt: new Date() } } });
    // Every call answered with the one lease the moderator holds.
    expect(results.map((r) => r?.claimId)).toEqual(results.map(() => held.claimId));
    expect(await db.claim.count({ where: { userId: moderator.id } })).toBe(1);
  });

  it("the limit is across queues: a lead holding a pending item gets it back when asking for an escalation", async () => {
    const ids = await seedItems(3);
    const moderator = await makeUser("moderator");
    const specialist = (await db.label.findFirstOrThrow({ where: { key: "ve_needs_specialist", version: { status: "published" } } })).id;
    for (const id of ids.slice(0, 2)) {
      const c = (await claimItem(moderator, id))!;
      await decide(moderator, { itemId: id, claimId: c.claimId, action: "escalate", labelIds: [specialist], rationale: "Needs a lead." });
    }
    const lead = await makeUser("policy_lead");
    const pending = (await claimItem(lead, ids[2]))!;
    expect(pending.itemId).toBe(ids[2]);
    const escalations = await Promise.all([claimNext(lead, "escalated"), claimNext(lead, "escalated"), claimItem(lead, ids[0]), claimItem(lead, ids[1])]);
    expect(escalations.map((c) => c!.claimId)).toEqual(Array(4).fill(pending.claimId));
    expect(await liveLeasesOf(lead.id)).toBe(1);
  });
});
