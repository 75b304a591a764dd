// Intake moves items through the lifecycle only where it allows: a removal order reopens a decided
// item; nothing else that arrives changes an item's state.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { DECIDED_STATE, ESCALATED_STATE, INITIAL_STATE } from "~/modules/items/lifecycle.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { makeUser } from "../support/fixtures.ts";
import { flagRequest, seedItems, starterLabels, testSender } from "../support/queue-fixtures.ts";

let versionId: string;
const label = async (key: string) => (await db.label.findFirstOrThrow({ where: { key, versionId } })).id;
beforeAll(async () => {
  versionId = (await starterLabels()).versionId;
});

/** An item decided (or escalated) through the real claim and decision path. */
async function itemDecidedAs(action: "keep" | "escalate") {
  const externalId = `life-${Math.random().toString(36).slice(2, 10)}`;
  const [itemId] = await seedItems(1, undefined, () => flagRequest({ content: { externalId } }));
  const user = await makeUser("moderator");
  const claim = (await claimItem(user, itemId))!;
  await decide(user, {
    itemId,
    claimId: claim.claimId,
    action,
    labelIds: [await label(action === "keep" ? "ve_news_reporting" : "ve_needs_specialist")],
    rationale: action === "keep" ? "" : "Needs a lead.",
  });
  return { itemId, externalId };
}

const order = (externalId: string, receivedAt = new Date()) =>
  flagRequest({ content: { externalId }, flag: { source: "removal_order", reference: "TCO-LIFE-1", receivedAt: receivedAt.toISOString() } });

describe("intake and the item lifecycle", () => {
  it("a new item starts in the initial state", async () => {
    const [itemId] = await seedItems(1);
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).state).toBe(INITIAL_STATE);
  });

  it("a removal order reopens a decided item with the order's one-hour deadline", async () => {
    const { itemId, externalId } = await itemDecidedAs("keep");
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).state).toBe(DECIDED_STATE);
    const receivedAt = new Date(Date.now() - 60_000);
    const [result] = await ingestFlags(testSender, [order(externalId, receivedAt)], "single");
    expect(result).toMatchObject({ itemId, newItem: false, duplicate: false });
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    expect(item.state).toBe(INITIAL_STATE);
    expect(item.decidedAt).toBeNull();
    expect(item.dueAt!.getTime()).toBe(receivedAt.getTime() + 3600_000);
    const reopened = await db.auditEvent.findMany({ where: { action: "item.reopened", subjectId: itemId } });
    expect(reopened.map((e) => JSON.parse(e.payload))).toEqual([
      {
        itemId,
        externalId,
        platform: testSender.platform,
        flagId: result.flagId,
        source: "removal_order",
        dueAt: item.dueAt!.toISOString(),
        queueId: item.queueId,
      },
    ]);
  });

  it("a batch records one item.reopened event per item its removal orders reopen, after the batch's own event", async () => {
    const first = await itemDecidedAs("keep");
    const second = await itemDecidedAs("keep");
    const pending = await seedItems(1, undefined, () => flagRequest({ content: { externalId: "life-still-pending" } }));
    const results = await ingestFlags(
      testSender,
      [order(first.externalId), order(first.externalId), order(second.externalId), order("life-still-pending")],
      "batch",
    );
    expect(results.every((r) => !r.duplicate)).toBe(true);
    const events = await db.auditEvent.findMany({ where: { action: { in: ["flag.batch_received", "item.reopened"] } }, orderBy: { seq: "desc" }, take: 3 });
    expect(events.map((e) => e.action).reverse()).toEqual(["flag.batch_received", "item.reopened", "item.reopened"]);
    const payloads = events.filter((e) => e.action === "item.reopened").map((e) => JSON.parse(e.payload) as { itemId: string; flagId: string });
    expect(payloads.map((p) => p.itemId).sort()).toEqual([first.itemId, second.itemId].sort());
    // Each names the order that reopened it: the first of the two on the first item.
    expect(payloads.find((p) => p.itemId === first.itemId)!.flagId).toBe(results[0].flagId);
    expect(pending).toHaveLength(1);
  });

  it("another flag on a decided item leaves it decided", async () => {
    const { itemId, externalId } = await itemDecidedAs("keep");
    await ingestFlags(testSender, [flagRequest({ content: { externalId }, flag: { source: "trusted_flagger" } })], "single");
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    expect(item.state).toBe(DECIDED_STATE);
    expect(item.flagCount).toBe(2);
  });

  it("a removal order on an escalated item keeps it escalated and brings its deadline forward", async () => {
    const { itemId, externalId } = await itemDecidedAs("escalate");
    await ingestFlags(testSender, [order(externalId)], "single");
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    expect(item.state).toBe(ESCALATED_STATE);
    expect(item.dueAt!.getTime()).toBeLessThanOrEqual(Date.now() + 3600_000);
  });
});
