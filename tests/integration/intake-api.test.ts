import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { makeApiKey } from "../support/fixtures.ts";
import { rawFlag, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let token: string;
beforeAll(async () => {
  await starterLabels();
  server = await startServer({ DOCKET_API_MAX_PER_MINUTE: "100000" });
  token = (await makeApiKey("test")).token;
});
afterAll(() => server?.stop());

function post(path: string, body: unknown, init: { raw?: string; key?: string; headers?: Record<string, string> } = {}) {
  return fetch(server.url + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${init.key ?? token}`, ...init.headers },
    body: init.raw ?? JSON.stringify(body),
  });
}

async function counts() {
  const [items, flags, audit] = await Promise.all([db.item.count(), db.flag.count(), db.auditEvent.count()]);
  return { items, flags, audit };
}

const deep = (n: number): unknown => (n === 0 ? "x" : { a: deep(n - 1) });
const MARKUP = `<img src=x onerror=alert(1)>`;

// Each case: a name, and a body that must be refused with a 4xx and write nothing.
const hostile: [string, unknown, string?][] = [
  ["an empty object", {}],
  ["null", null],
  ["an array instead of an object", [rawFlag()]],
  ["a string instead of an object", "flag"],
  ["content missing", { flag: rawFlag().flag }],
  ["flag missing", { content: rawFlag().content }],
  ["content.externalId missing", rawFlag({ content: { externalId: undefined } })],
  ["content.externalId a number", rawFlag({ content: { externalId: 123 } })],
  ["content.externalId empty", rawFlag({ content: { externalId: "" } })],
  ["content.externalId huge", rawFlag({ content: { externalId: "x".repeat(5000) } })],
  ["markup in content.externalId", rawFlag({ content: { externalId: MARKUP } })],
  ["content.type unknown", rawFlag({ content: { type: "hologram" } })],
  ["markup in content.type", rawFlag({ content: { type: "<script>window.__pwned=1</script>" } })],
  ["content.title an object", rawFlag({ content: { title: { text: "x" } } })],
  ["content.title huge", rawFlag({ content: { title: "t".repeat(2000) } })],
  ["content.body huge", rawFlag({ content: { body: "b".repeat(60_000) } })],
  ["content.body deeply nested", rawFlag({ content: { body: deep(200) } })],
  ["content.url a javascript: URL", rawFlag({ content: { url: "javascript:alert(1)" } })],
  ["content.url markup", rawFlag({ content: { url: MARKUP } })],
  ["content.url a data: URL", rawFlag({ content: { url: "data:text/html,<script>alert(1)</script>" } })],
  ["content.mediaUrls not an array", rawFlag({ content: { mediaUrls: "https://media.example/a.png" } })],
  ["content.mediaUrls with a javascript: URL", rawFlag({ content: { mediaUrls: ["javascript:alert(1)"] } })],
  ["content.mediaUrls too many", rawFlag({ content: { mediaUrls: Array.from({ length: 50 }, (_, i) => `https://media.example/${i}.png`) } })],
  ["markup in content.language", rawFlag({ content: { language: "<b>en</b>" } })],
  ["content.postedAt not a date", rawFlag({ content: { postedAt: "yesterday" } })],
  ["content.postedAt without a zone", rawFlag({ content: { postedAt: "2024-03-26 10:00" } })],
  ["content.postedAt an impossible date", rawFlag({ content: { postedAt: "2024-02-31T25:61:00Z" } })],
  ["content.author a string", rawFlag({ content: { author: "someone" } })],
  ["markup in content.author.externalId", rawFlag({ content: { author: { externalId: MARKUP } } })],
  ["content.author deeply nested", rawFlag({ content: { author: deep(50) } })],
  ["an unknown field in content", rawFlag({ content: { html: MARKUP } })],
  ["flag.source unknown", rawFlag({ flag: { source: "anonymous_tip" } })],
  ["markup in flag.source", rawFlag({ flag: { source: MARKUP } })],
  ["flag.source missing", rawFlag({ flag: { source: undefined } })],
  ["flag.reason missing", rawFlag({ flag: { reason: undefined } })],
  ["markup in flag.reason", rawFlag({ flag: { reason: "<script>window.__pwned=1</script>" } })],
  ["flag.reason a number", rawFlag({ flag: { reason: 7 } })],
  ["flag.note huge", rawFlag({ flag: { note: "n".repeat(10_000) } })],
  ["flag.note an array", rawFlag({ flag: { note: ["a"] } })],
  ["markup in flag.externalId", rawFlag({ flag: { externalId: MARKUP } })],
  ["markup in flag.reporterId", rawFlag({ flag: { reporterId: `"><svg onload=alert(1)>` } })],
  ["flag.reference huge", rawFlag({ flag: { reference: "r".repeat(1000) } })],
  ["flag.receivedAt in the future", rawFlag({ flag: { receivedAt: new Date(Date.now() + 86_400_000).toISOString() } })],
  ["flag.receivedAt a number", rawFlag({ flag: { receivedAt: 1711447200 } })],
  ["flag.receivedAt nonsense", rawFlag({ flag: { receivedAt: "2024-13-45T00:00:00Z" } })],
  ["an unknown top-level field", { ...rawFlag(), extra: deep(20) }],
  ["a NUL byte in the body", rawFlag({ content: { body: "before\u0000after" } })],
  ["content.postedAt in the year 10000 once in UTC", rawFlag({ content: { postedAt: "9999-12-31T23:00:00-05:00" } })],
];

describe("POST /api/v1/flags", () => {
  it("a valid flag creates an item (201), its flag and one audit event", async () => {
    const before = await counts();
    const body = rawFlag({ flag: { externalId: "f-created", note: "reported by a user", reporterId: "r1" } });
    const res = await post("/api/v1/flags", body);
    expect(res.status).toBe(201);
    const json = await res.json();
    expect(json).toEqual({ itemId: expect.any(String), flagId: expect.any(String), newItem: true, clusterId: expect.any(String) });
    expect(await counts()).toEqual({ items: before.items + 1, flags: before.flags + 1, audit: before.audit + 1 });
    const event = await db.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(event.action).toBe("flag.received");
    const item = await db.item.findUniqueOrThrow({ where: { id: json.itemId } });
    expect(item.platform).toBe("test");
    expect(item.dueAt!.getTime() - item.firstFlaggedAt.getTime()).toBe(72 * 3600_000);
  });

  it("the same flag externalId again answers 200 with the same ids and writes nothing", async () => {
    const body = rawFlag({ flag: { externalId: "f-idem" } });
    const first = await (await post("/api/v1/flags", body)).json();
    const before = await counts();
    const again = await post("/api/v1/flags", body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ itemId: first.itemId, flagId: first.flagId, newItem: false, clusterId: first.clusterId });
    expect(await counts()).toEqual(before);
  });

  it("flags about the same content attach to one item with counts, the strongest source and the earliest deadline", async () => {
    const base = rawFlag();
    const a = await (await post("/api/v1/flags", { ...base, flag: { source: "user_report", reason: "violent_extremism", reporterId: "r1" } })).json();
    await post("/api/v1/flags", { ...base, flag: { source: "user_report", reason: "violent_extremism", reporterId: "r1" } });
    const order = await post("/api/v1/flags", {
      ...base,
      flag: { source: "removal_order", reason: "terrorist_content", reference: "TCO/2026/0042", receivedAt: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(order.status).toBe(201);
    expect((await order.json()).newItem).toBe(false);
    const item = await db.item.findUniqueOrThrow({ where: { id: a.itemId } });
    expect(item.flagCount).toBe(3);
    expect(item.reporterCount).toBe(2);
    expect(item.strongestSource).toBe("removal_order");
    expect(JSON.parse(item.countsBySource)).toEqual({ user_report: 2, removal_order: 1 });
    expect(JSON.parse(item.countsByReason)).toEqual({ violent_extremism: 2, terrorist_content: 1 });
    const orderFlag = await db.flag.findFirstOrThrow({ where: { itemId: a.itemId, source: "removal_order" } });
    expect(orderFlag.dueAt!.getTime() - orderFlag.receivedAt.getTime()).toBe(3600_000);
    expect(item.dueAt!.getTime()).toBe(orderFlag.dueAt!.getTime());
    expect(item.priority).toBeGreaterThan(1000);
  });

  it("identical normalised text on different content is grouped as copies by digest", async () => {
    const a = await (await post("/api/v1/flags", rawFlag({ content: { title: "Same", body: "The Placeholder Cell   held a MEETING." } }))).json();
    const b = await (await post("/api/v1/flags", rawFlag({ content: { title: "same", body: "the placeholder cell held a meeting." } }))).json();
    const [ia, ib] = await Promise.all([a, b].map((r) => db.item.findUniqueOrThrow({ where: { id: r.itemId } })));
    expect(ia.id).not.toBe(ib.id);
    expect(ia.contentDigest).toBe(ib.contentDigest);
  });

  it("markup in free text is taken and stored verbatim (it is rendered as text, never as HTML)", async () => {
    const payload = `<script>window.__pwned=1</script>${MARKUP}`;
    const res = await post("/api/v1/flags", rawFlag({ content: { title: payload, body: payload, author: { handle: payload } }, flag: { note: payload } }));
    expect(res.status).toBe(201);
    const item = await db.item.findUniqueOrThrow({ where: { id: (await res.json()).itemId } });
    expect(item.title).toBe(payload);
    expect(item.authorHandle).toBe(payload);
  });

  it.each(hostile)("refuses %s with a 4xx and a clear error, writing nothing", async (_name, body) => {
    const before = await counts();
    const res = await post("/api/v1/flags", body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const json = await res.json();
    expect(json.error.code).toMatch(/invalid_request|invalid_json/);
    expect(json.error.message).toBeTruthy();
    if (json.error.code === "invalid_request") {
      expect(json.error.issues.length).toBeGreaterThan(0);
      for (const issue of json.error.issues) expect(issue.message).toBeTruthy();
    }
    expect(await counts()).toEqual(before);
  });

  it("refuses malformed JSON, a deeply nested document, an oversized body, and bad keys, writing nothing", async () => {
    const before = await counts();
    const bad = await post("/api/v1/flags", null, { raw: '{"content": {' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_json");
    const nested = await post("/api/v1/flags", null, { raw: "[".repeat(100_000) + "]".repeat(100_000) });
    expect(nested.status).toBe(400);
    const huge = await post("/api/v1/flags", rawFlag({ content: { body: "x".repeat(1_200_000) } }));
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe("payload_too_large");
    const noKey = await fetch(`${server.url}/api/v1/flags`, { method: "POST", body: JSON.stringify(rawFlag()) });
    expect(noKey.status).toBe(401);
    expect((await noKey.json()).error.code).toBe("unauthorized");
    expect((await post("/api/v1/flags", rawFlag(), { key: "not-a-real-key" })).status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it("a key over its rate limit gets 429 with Retry-After", async () => {
    const limited = await startServer({ DOCKET_API_MAX_PER_MINUTE: "3" });
    try {
      const { token: key } = await makeApiKey("limited");
      const statuses = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${limited.url}/api/v1/flags`, {
          method: "POST",
          headers: { Authorization: `Bearer ${key}` },
          body: JSON.stringify(rawFlag()),
        });
        statuses.push(res.status);
        if (res.status === 429) expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
    } finally {
      await limited.stop();
    }
  });
});

describe("POST /api/v1/flags/batch", () => {
  it("refuses bad entries one by one and takes the good ones, with one audit event for the batch", async () => {
    const before = await counts();
    const entries = [rawFlag(), hostile[17][1], rawFlag({ flag: { externalId: "b-1" } }), hostile[31][1], rawFlag({ flag: { externalId: "b-1" } }), rawFlag()];
    const res = await post("/api/v1/flags/batch", { flags: entries });
    expect(res.status).toBe(200);
    const json = await res.json();
    expect(json.accepted).toBe(3);
    expect(json.refused).toBe(2);
    expect(json.duplicates).toBe(1);
    expect(json.results.map((r: { status: number }) => r.status)).toEqual([201, 400, 201, 400, 200, 201]);
    expect(json.results[1].error.issues[0].path).toMatch(/^flags\.1\.content\.url/);
    expect(json.results[3].error.issues[0].path).toBe("flags.3.flag.source");
    expect(json.results[4].flagId).toBe(json.results[2].flagId);
    expect(await counts()).toEqual({ items: before.items + 3, flags: before.flags + 3, audit: before.audit + 1 });
    const event = await db.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(event.action).toBe("flag.batch_received");
    const payload = JSON.parse(event.payload);
    expect(payload).toMatchObject({ accepted: 3, duplicates: 1, refused: 2, newItems: 3 });
    expect(payload.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a referral delivering many copies of one item groups them by digest", async () => {
    const entries = Array.from({ length: 50 }, (_, i) =>
      rawFlag({
        content: { body: "Recruitment poster text for the Placeholder Cell (fictional).", title: "Poster" },
        flag: { source: "authority_referral", reference: `IRU-REF-${i}` },
      }),
    );
    const json = await (await post("/api/v1/flags/batch", { flags: entries })).json();
    expect(json.accepted).toBe(50);
    const items = await db.item.findMany({ where: { id: { in: json.results.map((r: { itemId: string }) => r.itemId) } } });
    expect(new Set(items.map((i) => i.contentDigest)).size).toBe(1);
  });

  it("refuses an invalid envelope (not an object, not an array, empty, over 1,000 entries) and writes nothing", async () => {
    const before = await counts();
    for (const body of [null, [], { flags: "x" }, { flags: [] }, { flags: Array.from({ length: 1001 }, () => ({})) }, { flag: [rawFlag()] }]) {
      const res = await post("/api/v1/flags/batch", body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("invalid_request");
    }
    expect(await counts()).toEqual(before);
  });
});
