import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { decisionFeed } from "~/modules/decisions/feed.server.ts";
import { ingestFlags, type IntakeSender } from "~/modules/intake/ingest.server.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { makeApiKey, makeUser } from "../support/fixtures.ts";
import { flagRequest, starterLabels, testSender } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let token: string;
let otherToken: string;
let versionId: string;
const otherSender: IntakeSender = { platform: "other-platform", apiKeyId: null, actor: { kind: "system", name: "test intake" } };

beforeAll(async () => {
  versionId = (await starterLabels()).versionId;
  server = await startServer({ DOCKET_API_MAX_PER_MINUTE: "100000" });
  token = (await makeApiKey("test")).token;
  otherToken = (await makeApiKey("other-platform")).token;
});
afterAll(() => server?.stop());

/** Asks for an item by the path segment given, exactly as written (already percent-encoded). */
function getItem(segment: string, key: string | null = token, method = "GET") {
  return fetch(`${server.url}/api/v1/items/${segment}`, { method, headers: key === null ? {} : { Authorization: `Bearer ${key}` } });
}

async function ingest(overrides: Parameters<typeof flagRequest>[0] = {}, sender: IntakeSender = testSender) {
  const request = flagRequest(overrides);
  const [result] = await ingestFlags(sender, [request], "single");
  return { itemId: result.itemId, externalId: request.content.externalId };
}

const labelId = async (key: string) => (await db.label.findFirstOrThrow({ where: { key, versionId } })).id;

function expectErrorShape(body: unknown, code: string) {
  expect(body).toEqual({ error: { code, message: expect.any(String), issues: expect.any(Array) } });
}

describe("GET /api/v1/items/{externalId}", () => {
  it("an item in a queue answers its state, queue, deadline and counts, and nothing about who works it", async () => {
    const { itemId, externalId } = await ingest({ flag: { source: "trusted_flagger", reporterId: "r-1", note: "reporter's private note" } });
    await ingestFlags(testSender, [flagRequest({ content: { externalId }, flag: { source: "user_report", reporterId: "r-2" } })], "single");
    const moderator = await makeUser("moderator");
    const claim = (await claimItem(moderator, itemId))!;
    expect(claim.itemId).toBe(itemId);
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });

    const res = await getItem(encodeURIComponent(externalId));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      itemId,
      externalId,
      platform: "test",
      state: "pending",
      queue: { id: "queue-general-review", name: "General review" },
      unrouted: false,
      dueAt: item.dueAt!.toISOString(),
      overdue: false,
      clusterId: item.clusterId,
      clusterSize: 1,
      flagCount: 2,
      firstFlaggedAt: item.firstFlaggedAt.toISOString(),
      lastFlaggedAt: item.lastFlaggedAt.toISOString(),
      decidedAt: null,
      decisions: [],
    });
    for (const secret of [moderator.id, moderator.email, claim.claimId, "reporter's private note", "r-1"]) expect(text).not.toContain(secret);
  });

  it("an open item no queue holds is unrouted, and its routing note stays inside", async () => {
    const { itemId, externalId } = await ingest();
    await db.item.update({ where: { id: itemId }, data: { queueId: null, routedBy: null, routeNote: "No rule matched the Placeholder Cell case." } });
    const res = await getItem(encodeURIComponent(externalId));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ state: "pending", queue: null, unrouted: true });
    expect(text).not.toContain("Placeholder Cell");
  });

  it("an open item past its deadline is overdue", async () => {
    const receivedAt = new Date(Date.now() - 73 * 3600_000).toISOString();
    const { externalId } = await ingest({ flag: { source: "user_report", receivedAt } });
    const body = await (await getItem(encodeURIComponent(externalId))).json();
    expect(body).toMatchObject({ state: "pending", overdue: true });
    expect(new Date(body.dueAt).getTime()).toBeLessThan(Date.now());
  });

  it("a closed or deleted queue still shows its name while the item sits in it", async () => {
    const { itemId, externalId } = await ingest();
    const queueId = `queue-${randomUUID().slice(0, 8)}`;
    await db.queue.create({ data: { id: queueId, name: "Northern Ember Front follow-up" } });
    await db.item.update({ where: { id: itemId }, data: { queueId } });
    await db.queue.update({ where: { id: queueId }, data: { open: false, deletedAt: new Date() } });
    const body = await (await getItem(encodeURIComponent(externalId))).json();
    expect(body).toMatchObject({ queue: { id: queueId, name: "Northern Ember Front follow-up" }, unrouted: false });
  });

  it("a decided item lists its decisions oldest first, each exactly as the decisions feed shows it", async () => {
    const { itemId, externalId } = await ingest({ flag: { source: "trusted_flagger", reference: "TF-12" } });
    const moderator = await makeUser("moderator");
    const first = (await claimItem(moderator, itemId))!;
    await decide(moderator, {
      itemId,
      claimId: first.claimId,
      action: "escalate",
      labelIds: [await labelId("ve_needs_specialist")],
      rationale: "Internal rationale: mixed frame, needs a lead.",
    });
    const lead = await makeUser("policy_lead");
    const second = (await claimItem(lead, itemId))!;
    expect(second.itemId).toBe(itemId);
    await decide(lead, {
      itemId,
      claimId: second.claimId,
      action: "remove",
      labelIds: [await labelId("ve_glorification")],
      rationale: "Internal rationale: praises the fictional group's attack.",
    });
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    const feed = (await decisionFeed("test", 0, 1000)).decisions.filter((d) => d.itemId === itemId);
    expect(feed.map((d) => d.action)).toEqual(["escalate", "remove"]);

    const res = await getItem(encodeURIComponent(externalId));
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body).toMatchObject({ state: "decided", decidedAt: item.decidedAt!.toISOString(), overdue: false, unrouted: false });
    expect(body.decisions).toEqual(feed);
    expect(body.decisions[1]).toMatchObject({ externalId, labelKeys: ["ve_glorification"], supersedes: null, labelSet: { versionId } });
    for (const secret of ["Internal rationale", moderator.email, lead.email, moderator.id, lead.id]) expect(text).not.toContain(secret);
  });

  it("another platform's item answers 404 exactly as an item that does not exist", async () => {
    const { externalId } = await ingest({}, otherSender);
    const theirs = await getItem(encodeURIComponent(externalId));
    const missing = await getItem(encodeURIComponent(`no-such-${randomUUID()}`));
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    const [theirsBody, missingBody] = [await theirs.json(), await missing.json()];
    expectErrorShape(theirsBody, "not_found");
    expect(theirsBody).toEqual(missingBody);
    const own = await getItem(encodeURIComponent(externalId), otherToken);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ externalId, platform: "other-platform" });
  });

  it("external ids with encoded slashes, percent signs, query characters and Unicode round-trip", async () => {
    const ids = ["thread/42/post-7", "a%2Fb", "50%", "q?x=1&y=2#frag", "пост-ünïcödé-✓", "emoji-🛡️-日本語", "plus+sign"];
    for (const id of ids) {
      const { itemId } = await ingest({ content: { externalId: id } });
      const res = await getItem(encodeURIComponent(id));
      expect(res.status, id).toBe(200);
      expect(await res.json(), id).toMatchObject({ itemId, externalId: id });
    }
  });

  it("a malformed external id is refused with 400 in the error shape, never looked up", async () => {
    const segments = {
      "over 200 characters": "x".repeat(201),
      "a space (intake never takes one)": "post%201",
      "a control character": "post%01x",
      "a DEL character": "post%7F",
      "a quote": "post%22x",
      "a backslash": "a%5Cb",
      "an invalid percent-encoding": "post%E0%A4%A",
      "a lone surrogate": "post%ED%A0%80",
      "a NUL": "post%00",
    };
    for (const [what, segment] of Object.entries(segments)) {
      const res = await getItem(segment);
      expect(res.status, what).toBe(400);
      expectErrorShape(await res.json(), "invalid_request");
    }
    const long = await (await getItem("x".repeat(201))).json();
    expect(long.error.issues).toEqual([{ path: "", message: "externalId must be at most 200 characters." }]);
  });

  it("refuses a missing or unknown key with 401 and other methods with 405, in the error shape", async () => {
    const { externalId } = await ingest();
    for (const key of [null, "not-a-real-key"]) {
      const res = await getItem(encodeURIComponent(externalId), key);
      expect(res.status).toBe(401);
      expectErrorShape(await res.json(), "unauthorized");
    }
    const unauthenticated = await getItem(encodeURIComponent(externalId), null, "POST");
    expect(unauthenticated.status).toBe(401);
    await unauthenticated.arrayBuffer();
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const res = await getItem(encodeURIComponent(externalId), token, method);
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow")).toBe("GET");
      expectErrorShape(await res.json(), "method_not_allowed");
    }
  });
});
