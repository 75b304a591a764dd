// Strings that are not well-formed Unicode, and characters the two engines store differently, at the
// API over the real server. A string is either refused with a 400 naming its field, or stored so that
// it reads back exactly as sent; never a 500, never a batch lost for one bad entry.
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

// JSON.stringify writes a lone surrogate as the escape `\udc00`, exactly what a client with a
// truncated UTF-16 string sends.
async function post(path: string, body: unknown) {
  const res = await fetch(server.url + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = { unparsed: text };
  }
  return { status: res.status, json };
}

async function counts() {
  const [items, flags, audit] = await Promise.all([db.item.count(), db.flag.count(), db.auditEvent.count()]);
  return { items, flags, audit };
}

const LONE_LOW = "rs\udc00";
const LONE_HIGH = "rs\ud83d";

type Override = { content?: Record<string, unknown>; flag?: Record<string, unknown> };
// Each case: the field, and how to put the bad value in it.
const identifierCases: [string, (v: string) => Override][] = [
  ["content.externalId", (v) => ({ content: { externalId: v } })],
  ["flag.externalId", (v) => ({ flag: { externalId: v } })],
  ["content.author.externalId", (v) => ({ content: { author: { externalId: v } } })],
  ["flag.reporterId", (v) => ({ flag: { reporterId: v } })],
];
const freeTextCases: [string, (v: string) => Override][] = [
  ["content.title", (v) => ({ content: { title: v } })],
  ["content.body", (v) => ({ content: { body: v } })],
  ["content.author.handle", (v) => ({ content: { author: { handle: v } } })],
  ["flag.note", (v) => ({ flag: { note: v } })],
  ["flag.reference", (v) => ({ flag: { reference: v } })],
  ["content.url", (v) => ({ content: { url: `https://media.example/${v}` } })],
  ["content.mediaUrls.0", (v) => ({ content: { mediaUrls: [`https://media.example/${v}`] } })],
];

function expectRefused(
  res: { status: number; json: { error: { code: string; message: string; issues: { path: string; message: string }[] } } },
  field: string,
) {
  expect(res.status).toBe(400);
  expect(res.json.error.code).toBe("invalid_request");
  expect(res.json.error.message).toBeTruthy();
  const issue = res.json.error.issues.find((i) => i.path === field);
  expect(issue, `an issue naming ${field} in ${JSON.stringify(res.json.error.issues)}`).toBeTruthy();
  expect(issue!.message).toContain(field.replace(/\.\d+$/, ""));
}

describe("identifiers that are not well-formed Unicode", () => {
  it("the body from the report, sent twice, answers 400 then 400 naming content.externalId, writing nothing", async () => {
    const body = rawFlag({ content: { externalId: LONE_LOW } });
    const before = await counts();
    const first = await post("/api/v1/flags", body);
    const second = await post("/api/v1/flags", body);
    expectRefused(first, "content.externalId");
    expectRefused(second, "content.externalId");
    expect(await counts()).toEqual(before);
  });

  for (const [field, put] of identifierCases) {
    for (const [label, value] of [
      ["an unpaired low surrogate", LONE_LOW],
      ["an unpaired high surrogate", LONE_HIGH],
      ["a NUL", "rs\u0000x"],
    ]) {
      it(`${field} holding ${label} is refused with a 400 naming it, twice in a row`, async () => {
        const body = rawFlag(put(value));
        const before = await counts();
        expectRefused(await post("/api/v1/flags", body), field);
        expectRefused(await post("/api/v1/flags", body), field);
        expect(await counts()).toEqual(before);
      });
    }
  }

  it("a batch holding one such entry answers it 400 and takes the good entries", async () => {
    const before = await counts();
    const good = [rawFlag({ flag: { externalId: "uni-good-1" } }), rawFlag({ flag: { externalId: "uni-good-2" } })];
    const bad = rawFlag({ content: { externalId: LONE_LOW }, flag: { externalId: "uni-bad" } });
    const res = await post("/api/v1/flags/batch", { flags: [good[0], bad, good[1]] });
    expect(res.status).toBe(200);
    expect(res.json.accepted).toBe(2);
    expect(res.json.refused).toBe(1);
    expect(res.json.results.map((r: { status: number }) => r.status)).toEqual([201, 400, 201]);
    expect(res.json.results[1].error.code).toBe("invalid_flag");
    expect(res.json.results[1].error.issues.map((i: { path: string }) => i.path)).toContain("flags.1.content.externalId");
    expect(await counts()).toEqual({ items: before.items + 2, flags: before.flags + 2, audit: before.audit + 1 });

    const replay = await post("/api/v1/flags/batch", { flags: [good[0], bad, good[1]] });
    expect(replay.status).toBe(200);
    expect(replay.json.results.map((r: { status: number }) => r.status)).toEqual([200, 400, 200]);
    expect(replay.json.results[0].flagId).toBe(res.json.results[0].flagId);
    expect(replay.json.results[2].flagId).toBe(res.json.results[2].flagId);
  });
});

describe("free text", () => {
  for (const [field, put] of freeTextCases) {
    it(`${field} holding an unpaired surrogate is refused with a 400 naming it`, async () => {
      const before = await counts();
      expectRefused(await post("/api/v1/flags", rawFlag(put(LONE_HIGH))), field);
      expectRefused(await post("/api/v1/flags", rawFlag(put(LONE_LOW))), field);
      expect(await counts()).toEqual(before);
    });
  }

  it("a NUL anywhere in a URL is refused (PostgreSQL text cannot hold it)", async () => {
    const before = await counts();
    expectRefused(await post("/api/v1/flags", rawFlag({ content: { url: "https://media.example/a\u0000b" } })), "content.url");
    expectRefused(await post("/api/v1/flags", rawFlag({ content: { mediaUrls: ["https://media.example/a\u0000b"] } })), "content.mediaUrls.0");
    expect(await counts()).toEqual(before);
  });

  it("well-formed text the engines could treat differently reads back exactly as sent", async () => {
    const tricky = [
      "\u202eevil.exe\u202c and \u2067isolate\u2069", // bidi overrides and isolates
      "\u{1F600}\u{10FFFD}\u{1D11E}", // 4-byte characters (surrogate pairs in JSON)
      "e\u0301 vs \u00e9, \u1100\u1161\u11a8", // combining marks, decomposed Hangul
      "\ufeffbom \ufffe\uffff noncharacters \u2028\u2029 separators",
      "\u0001\u001f\u007f\u0085 controls",
      "trailing spaces   ",
    ].join(" | ");
    const id = `tricky-\u{1F600}-\u00e9`;
    const res = await post(
      "/api/v1/flags",
      rawFlag({
        content: { externalId: id, title: tricky, body: tricky, author: { externalId: `a-\u05d0\u05d1`, handle: tricky } },
        flag: { externalId: `f-${id}`, note: tricky, reference: tricky, reporterId: `r-\u{10FFFD}` },
      }),
    );
    expect(res.status).toBe(201);
    const item = await db.item.findUniqueOrThrow({ where: { id: res.json.itemId } });
    expect(item.externalId).toBe(id);
    expect(item.title).toBe(tricky);
    expect(item.body).toBe(tricky);
    expect(item.authorExternalId).toBe(`a-\u05d0\u05d1`);
    expect(item.authorHandle).toBe(tricky);
    const flag = await db.flag.findUniqueOrThrow({ where: { id: res.json.flagId } });
    expect(flag.note).toBe(tricky);
    expect(flag.reference).toBe(tricky);
    expect(flag.reporterId).toBe(`r-\u{10FFFD}`);

    // The lookups find what was stored: a replay is a duplicate, a second flag joins the same item.
    const replay = await post("/api/v1/flags", rawFlag({ content: { externalId: id }, flag: { externalId: `f-${id}` } }));
    expect(replay).toEqual({ status: 200, json: { itemId: res.json.itemId, flagId: res.json.flagId, newItem: false, clusterId: res.json.clusterId } });
    const second = await post("/api/v1/flags", rawFlag({ content: { externalId: id } }));
    expect(second.status).toBe(201);
    expect(second.json.itemId).toBe(res.json.itemId);
  });
});
