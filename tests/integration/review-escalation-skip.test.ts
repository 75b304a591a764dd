import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { claimNext } from "~/modules/queue/claims.server.ts";
import { Client } from "../support/http.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { seedItems, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
beforeAll(async () => {
  await starterLabels();
  server = await startServer();
});
afterAll(() => server?.stop());

describe("a policy lead working escalations", () => {
  it("skipping an escalated item leads to the next escalated item, and releasing one goes back to the escalations", async () => {
    await seedItems(6);
    const moderator = await makeUser("moderator");
    const specialist = await db.label.findFirstOrThrow({ where: { key: "ve_needs_specialist", version: { status: "published" } } });
    for (let i = 0; i < 2; i++) {
      const claim = (await claimNext(moderator, "pending"))!;
      await decide(moderator, {
        itemId: claim.itemId,
        claimId: claim.claimId,
        action: "escalate",
        labelIds: [specialist.id],
        rationale: "Mixed frame; needs a lead.",
      });
    }
    const lead = await makeUser("policy_lead");
    const tab = new Client(server.url);
    await tab.login(lead.email, PASSWORD);

    const first = (await claimNext(lead, "escalated"))!;
    const skip = await tab.post(`/review/${first.itemId}`, { intent: "skip", claimId: first.claimId, reason: "Needs a reviewer who reads this language" });
    expect(skip.status, server.output()).toBe(302);
    const nextId = /^\/review\/([^?]+)/.exec(skip.headers.get("location") ?? "")?.[1];
    expect(nextId).toBeDefined();
    expect(nextId).not.toBe(first.itemId);
    expect((await db.item.findUniqueOrThrow({ where: { id: nextId! } })).state).toBe("escalated");

    const held = await db.item.findUniqueOrThrow({ where: { id: nextId! } });
    const release = await tab.post(`/review/${nextId}`, { intent: "release", claimId: held.claimId!, reason: "Out for the day" });
    expect(release.status).toBe(302);
    expect(release.headers.get("location")).toMatch(/^\/escalations\?/);
  });
});
