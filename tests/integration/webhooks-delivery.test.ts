import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server.ts";
import { claimAppealOrWhy } from "~/modules/appeals/claims.server.ts";
import { decideAppeal } from "~/modules/appeals/review.server.ts";
import { appealAgainst, liveLabelIds } from "../support/appeals.ts";
import { makeDecision } from "../support/audit-fixtures.ts";
import { makeApiKey, makeUser } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";
import { webhookBodyProblem } from "../support/openapi-schemas.ts";
import { WebhookReceiver, type Received } from "../support/webhook-receiver.ts";
import { makeEndpoint, waitFor } from "../support/webhooks.ts";

// The server's dispatcher sends every event of a platform's items to that platform's subscribed
// endpoints, each delivery verified by the Standard Webhooks library at a real receiver.

let server: RunningServer;
let receiver: WebhookReceiver;
let token: string;

beforeAll(async () => {
  token = (await makeApiKey("test")).token;
  receiver = await new WebhookReceiver().start();
  server = await startServer({ DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK: "1", DOCKET_WEBHOOK_POLL_MS: "50", DOCKET_API_MAX_PER_MINUTE: "1000000" });
});
afterAll(async () => {
  await server?.stop();
  await receiver?.stop();
});

/** Every event in the log has been fanned out and every delivery has been answered. */
async function settled() {
  const [head, audit, waiting] = await Promise.all([
    db.webhookFanout.findUniqueOrThrow({ where: { id: "head" } }),
    db.auditHead.findUniqueOrThrow({ where: { id: 1 } }),
    db.webhookDelivery.count({ where: { state: "pending" } }),
  ]);
  return head.seq >= audit.seq && waiting === 0;
}

const ofType = (list: Received[], type: string) => list.filter((r) => r.type === type);

describe("webhook delivery", () => {
  it("sends decision.made (the feed object, supersedes after an overturn), appeal.received, appeal.decided and item.reopened to the item's platform only", async () => {
    const all = await makeEndpoint("test", receiver.endpoint("all", ""));
    receiver.endpoint("all", all.secret);
    const decisionsOnly = await makeEndpoint("test", receiver.endpoint("decisions", ""), ["decision.made"]);
    receiver.endpoint("decisions", decisionsOnly.secret);
    const other = await makeEndpoint("other-platform", receiver.endpoint("other", ""));
    receiver.endpoint("other", other.secret);

    const removed = await makeDecision({ action: "remove" });
    // Registered after the first decision: it hears of the later events only.
    const late = await makeEndpoint("test", receiver.endpoint("late", ""));
    receiver.endpoint("late", late.secret);
    const kept = await makeDecision({ action: "keep" });

    const { appealId } = await appealAgainst(removed);
    const reviewer = await makeUser("moderator");
    const claim = await claimAppealOrWhy(reviewer, appealId);
    if ("refused" in claim) throw new Error(`claim refused: ${claim.refused}`);
    const labels = await liveLabelIds();
    const overturned = await decideAppeal(reviewer, {
      appealId,
      claimId: claim.claimId,
      outcome: "overturned",
      action: "keep",
      labelIds: [labels.get("ve_news_reporting")!],
      rationale: "Fictional test rationale: on a second look the post reports on the made-up group.",
      summary: "On a second look the content was judged differently; the decision is reversed.",
    });

    // A removal order on the kept item reopens it, through the platform API.
    const order = await fetch(`${server.url}/api/v1/flags`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        content: { externalId: kept.externalId, type: "text", body: "Fictional test text about the Placeholder Cell." },
        flag: { source: "removal_order", reason: "violent_extremism", reference: `RO-${randomUUID().slice(0, 8)}` },
      }),
    });
    expect(order.status, await order.clone().text()).toBeLessThan(300);
    const { flagId } = (await order.json()) as { flagId: string };

    await waitFor(
      () => `every event at /all (have ${receiver.at("all").map((r) => r.type)}; ${server.output()})`,
      () => receiver.at("all").length >= 6,
    );
    await waitFor("every delivery answered", settled);
    expect(receiver.rejected).toEqual([]);

    const got = receiver.at("all");
    expect(got.map((r) => r.type).sort()).toEqual(["appeal.decided", "appeal.received", "decision.made", "decision.made", "decision.made", "item.reopened"]);
    expect(new Set(got.map((r) => r.id)).size).toBe(got.length);
    // Each body is what the OpenAPI document the server serves says of its event, and nothing more.
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as Parameters<typeof webhookBodyProblem>[0];
    expect(got.map((r) => webhookBodyProblem(doc, r.type, JSON.parse(r.body))).filter(Boolean)).toEqual([]);

    // Each decision's data is the decisions-feed entry the platform reads over the API.
    const feed = (await (
      await fetch(`${server.url}/api/v1/decisions?after=${removed.decision.seq - 1}&limit=1000`, { headers: { Authorization: `Bearer ${token}` } })
    ).json()) as { decisions: { id: string }[] };
    const decided = ofType(got, "decision.made");
    expect(decided.map((r) => r.data.id).sort()).toEqual([removed.decision.id, kept.decision.id, overturned.newDecisionId].sort());
    for (const r of decided) expect(r.data).toEqual(feed.decisions.find((d) => d.id === r.data.id));
    expect(decided.find((r) => r.data.id === overturned.newDecisionId)!.data).toMatchObject({ supersedes: removed.decision.id, appealId });

    const appeal = await db.appeal.findUniqueOrThrow({ where: { id: appealId } });
    expect(ofType(got, "appeal.received")[0].data).toEqual({
      appealId,
      externalId: appeal.externalId,
      itemId: removed.itemId,
      itemExternalId: removed.externalId,
      decisionId: removed.decision.id,
      appellantRole: "content_author",
      receivedAt: appeal.receivedAt.toISOString(),
      dueAt: appeal.dueAt.toISOString(),
    });
    expect(ofType(got, "appeal.decided")[0].data).toEqual({
      appealId,
      itemId: removed.itemId,
      itemExternalId: removed.externalId,
      decisionId: removed.decision.id,
      outcome: "overturned",
      answer: overturned.answer,
      newDecisionId: overturned.newDecisionId,
      decidedAt: appeal.decidedAt!.toISOString(),
    });
    const reopened = await db.item.findUniqueOrThrow({ where: { id: kept.itemId } });
    expect(ofType(got, "item.reopened")[0].data).toEqual({
      itemId: kept.itemId,
      externalId: kept.externalId,
      dueAt: reopened.dueAt!.toISOString(),
      queueId: reopened.queueId,
      flagId,
      source: "removal_order",
    });

    for (const r of got) {
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers["user-agent"]).toBe("Docket-Webhooks/1");
      expect(JSON.parse(r.body)).toMatchObject({ type: r.type, timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    }

    // Unsubscribed types are not sent; another platform hears nothing; a later endpoint nothing from before it.
    expect(receiver.at("decisions").map((r) => r.type)).toEqual(["decision.made", "decision.made", "decision.made"]);
    expect(receiver.at("other")).toEqual([]);
    expect(await db.webhookDelivery.count({ where: { endpointId: other.id } })).toBe(0);
    expect(receiver.at("late").map((r) => r.data.id)).not.toContain(removed.decision.id);
    expect(
      receiver
        .at("late")
        .map((r) => r.type)
        .sort(),
    ).toEqual(["appeal.decided", "appeal.received", "decision.made", "decision.made", "item.reopened"]);
    // One message per event: every endpoint got the same webhook-id for it.
    const idsOf = (name: string) => new Map(receiver.at(name).map((r) => [r.body, r.id]));
    for (const [body, id] of idsOf("late")) expect(idsOf("all").get(body)).toBe(id);
    await db.webhookEndpoint.updateMany({ where: { id: { in: [all.id, decisionsOnly.id, late.id, other.id] } }, data: { deletedAt: new Date() } });
  });

  it("a receiver verifying with the Standard Webhooks library refuses a captured delivery replayed after five minutes, and one whose timestamp was changed", async () => {
    const endpoint = await makeEndpoint("test", receiver.endpoint("replay", ""), ["decision.made"]);
    receiver.endpoint("replay", endpoint.secret);
    const made = await makeDecision({ action: "restrict" });
    await waitFor("the delivery", () => receiver.at("replay").length >= 1);
    const captured = receiver.at("replay")[0];
    expect(captured.data.id).toBe(made.decision.id);
    expect(Math.abs(captured.timestamp - Date.now() / 1000)).toBeLessThan(300);

    // Within the tolerance the copy verifies (dropping it as a duplicate is the webhook-id's job).
    expect(await receiver.replay(captured)).toBe(200);
    // With the timestamp moved to now, the signature no longer matches.
    expect(await receiver.replay(captured, { "webhook-timestamp": String(Math.floor(Date.now() / 1000) + 1) })).toBe(401);
    expect(receiver.rejected.at(-1)?.reason).toMatch(/signature/i);

    // Six minutes later the untouched copy is too old.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 6 * 60_000 });
    try {
      expect(await receiver.replay(captured)).toBe(401);
      expect(receiver.rejected.at(-1)?.reason).toMatch(/too old/i);
    } finally {
      vi.useRealTimers();
    }
    await db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { deletedAt: new Date() } });
  });
});
