// Property-based intake tests: generated payloads (unicode edge cases, wrong types, deep nesting,
// missing and extra fields, duplicate ids within a batch) against the intake schema, the intake
// endpoints in-process on the real database, and a few hundred over HTTP against the real server.
// Whatever arrives: no 5xx and no thrown error other than a refusal; a refused request writes
// nothing; an accepted one writes exactly the rows its answer reports and stores its strings exactly
// as sent; a replay answers the same ids.
//
// The seed is fixed, so a failure is reproducible; set DOCKET_PROPERTY_SEED to explore others.
import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { API_SCOPES } from "~/modules/auth/scopes.ts";
import { db } from "~/db.server.ts";
import type { ApiClient } from "~/modules/auth/guard.server.ts";
import { receiveBatch, receiveFlag } from "~/modules/intake/http.server.ts";
import { BatchEnvelope, CONTENT_TYPES, FlagRequest } from "~/modules/intake/schema.ts";
import { unstorableText } from "~/modules/intake/unicode.ts";
import { SOURCES } from "~/modules/items/sources.ts";
import { makeApiKey } from "../support/fixtures.ts";
import { starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

const SEED = Number(process.env.DOCKET_PROPERTY_SEED ?? 20_240_326);
// 10,000 generated payloads per run: most against the schema alone, then through the endpoints.
const RUNS = { schema: 8_900, inProcess: 900, http: 200 };
// About 40 s on a busy 2-core machine; the limit leaves room for one shared with more work.
const TIMEOUT_MS = 240_000;

let server: RunningServer;
let token: string;
let client: ApiClient;
beforeAll(async () => {
  await starterLabels();
  server = await startServer({ DOCKET_API_MAX_PER_MINUTE: "1000000" });
  const made = await makeApiKey("generated");
  token = made.token;
  client = { id: made.key.id, name: made.key.name, platform: made.key.platform, scopes: [...API_SCOPES] };
});
afterAll(() => server?.stop());

/** Runs a property with the fixed seed; a failure names the seed to reproduce it with. */
async function check<T>(name: string, property: fc.IRawProperty<T>, numRuns: number) {
  try {
    await fc.assert(property, { seed: SEED, numRuns });
  } catch (e) {
    const cause = (e as Error).cause;
    const why = cause instanceof Error ? cause.message : String(cause ?? "");
    throw new Error(`${name} failed; reproduce with DOCKET_PROPERTY_SEED=${SEED} (fast-check's seed and path follow)\n${why}\n${(e as Error).message}`, {
      cause: e,
    });
  }
}

// ---- generators -------------------------------------------------------------------------------

const deep = (n: number): unknown => (n === 0 ? "x" : n % 2 ? { a: deep(n - 1) } : [deep(n - 1)]);

const RTL = ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"];
const SPECIAL = [
  "\ufeff",
  "\ufffe",
  "\uffff",
  "\ufffd",
  "\u0085",
  "\u00a0",
  "\u2028",
  "\u2029",
  " ",
  "\t",
  "\n",
  '"',
  "'",
  "<",
  ">",
  "\\",
  "`",
  "\u0001",
  "\u007f",
];

const asciiChar = fc.constantFrom(..."abcxyzABC0129-_.:");
const wellFormedChar = fc.oneof(
  { weight: 8, arbitrary: asciiChar },
  { weight: 1, arbitrary: fc.constantFrom(...RTL) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x300, max: 0x36f }).map((c) => `e${String.fromCharCode(c)}`) },
  { weight: 1, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
);
// Characters an identifier may hold: the same minus spaces, quotes, markup and controls.
const idChar = wellFormedChar.filter((c) => /^[^\s<>"'`\\\p{Cc}]+$/u.test(c));
const hostileChar = fc.oneof(
  fc.integer({ min: 0xd800, max: 0xdbff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0xdc00, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.constant("\u0000"),
);

const text = fc.string({ unit: wellFormedChar, maxLength: 24 });
// A small pool, so that ids collide across runs and within batches.
const identifier = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.option(fc.string({ unit: idChar, minLength: 1, maxLength: 6 }), { nil: "", freq: 3 }))
  .map(([n, suffix]) => `g-${n}${suffix}`);
const url = fc.oneof(
  fc.string({ unit: asciiChar, maxLength: 12 }).map((s) => `https://media.example/${s}`),
  fc.string({ unit: idChar, maxLength: 6 }).map((s) => `http://media.example/a?q=${s}`),
);
const now = Date.now();
// Past times only: a replay must be judged like the first request, and "now" moves between them.
const pastTime = fc.integer({ min: Date.UTC(1991, 0, 1), max: now - 60_000 }).map((t) => new Date(t).toISOString());
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

/** A payload the schema should take, its strings full of well-formed unicode edge cases. */
const wellFormedRequest = fc
  .record({
    content: fc.record({
      externalId: identifier,
      type: fc.constantFrom(...CONTENT_TYPES),
      title: opt(text),
      body: opt(text),
      url: opt(url),
      mediaUrls: opt(fc.array(url, { maxLength: 3 })),
      language: opt(fc.constantFrom("en", "pt-BR", "de")),
      postedAt: opt(pastTime),
      author: opt(fc.record({ externalId: opt(identifier), handle: opt(text) })),
    }),
    flag: fc.record({
      externalId: opt(identifier),
      source: fc.constantFrom(...SOURCES),
      reason: fc.constantFrom("violent_extremism", "terrorist_content", "spam_abuse"),
      note: opt(text),
      reporterId: opt(identifier),
      reference: opt(text),
      receivedAt: opt(pastTime),
    }),
  })
  .map((r) => JSON.parse(JSON.stringify(r)) as Record<string, Record<string, unknown>>);

// What a hostile or broken client puts in a field instead.
const hostileString = fc.tuple(text, hostileChar, fc.nat()).map(([t, c, at]) => t.slice(0, at % (t.length + 1)) + c + t.slice(at % (t.length + 1)));
const longString = fc
  .tuple(wellFormedChar, fc.constantFrom(199, 200, 201, 499, 501, 1_000, 1_001, 2_049, 5_000, 5_001, 50_000, 50_001))
  .map(([c, n]) => c.repeat(Math.ceil(n / c.length)).slice(0, n));
const wrongValue = fc.oneof(
  { weight: 3, arbitrary: hostileString as fc.Arbitrary<unknown> },
  { weight: 1, arbitrary: longString },
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      0,
      -1,
      1.5,
      true,
      null,
      "",
      [],
      {},
      ["a"],
      { text: "x" },
      "rumour",
      "hologram",
      "yesterday",
      "2024-02-31T25:61:00Z",
      "2999-01-01T00:00:00Z",
      "javascript:alert(1)",
      "https://media.example/a\u0000b",
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }).map(deep) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const FIELDS = [
  "content",
  "flag",
  "content.externalId",
  "content.type",
  "content.title",
  "content.body",
  "content.url",
  "content.mediaUrls",
  "content.mediaUrls.0",
  "content.language",
  "content.postedAt",
  "content.author",
  "content.author.externalId",
  "content.author.handle",
  "flag.externalId",
  "flag.source",
  "flag.reason",
  "flag.note",
  "flag.reporterId",
  "flag.reference",
  "flag.receivedAt",
  "extra",
  "content.extra",
  "flag.extra",
  "content.author.extra",
];
const mutation = fc.tuple(fc.constantFrom(...FIELDS), wrongValue);

function mutate(target: Record<string, unknown>, [path, value]: [string, unknown]) {
  const keys = path.split(".");
  let node: unknown = target;
  for (const key of keys.slice(0, -1)) {
    const next = (node as Record<string, unknown>)[key];
    if (typeof next !== "object" || next === null) return;
    node = next;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete (node as Record<string, unknown>)[last];
  else (node as Record<string, unknown>)[last] = value;
}

/** Half the payloads well formed; the rest with one to three fields broken, or not a flag at all. */
const single = fc.oneof(
  { weight: 10, arbitrary: wellFormedRequest as fc.Arbitrary<unknown> },
  {
    weight: 9,
    arbitrary: fc.tuple(wellFormedRequest, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([generated, mutations]) => {
      // fast-check may map the same generated value again while shrinking: change a copy.
      const body = structuredClone(generated);
      for (const m of mutations) mutate(body, m);
      return body as unknown;
    }),
  },
  { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.integer({ min: 1, max: 500 }).map(deep)) },
);
// Entries, then copies of some of them (the same flag id twice) and entries sharing a content id.
const batchEntries = fc
  .tuple(fc.array(single, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 3 }), fc.array(fc.tuple(fc.nat(), identifier), { maxLength: 2 }))
  .map(([entries, copies, shared]) => {
    const out = [...entries, ...copies.map((i) => entries[i % entries.length])];
    for (const [i, id] of shared) {
      const e = out[i % out.length];
      if (isObject(e) && isObject(e.content))
        out.push({ content: { ...e.content, externalId: id }, flag: isObject(e.flag) ? { ...e.flag, externalId: undefined } : e.flag });
    }
    return out;
  });
const batch = fc.oneof(
  { weight: 20, arbitrary: batchEntries.map((flags) => ({ flags }) as unknown) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      { flags: [] },
      { flags: "x" },
      [],
      null,
      { flags: [{}], extra: 1 },
      { flags: Array.from({ length: 1001 }, () => ({})) },
    ),
  },
);
const request = fc.oneof(
  { weight: 2, arbitrary: single.map((body) => ({ kind: "single" as const, body })) },
  { weight: 1, arbitrary: batch.map((body) => ({ kind: "batch" as const, body })) },
);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// ---- the invariants ---------------------------------------------------------------------------

type Answer = { status: number; json: unknown };
type Send = (kind: "single" | "batch", body: unknown) => Promise<Answer>;
type EntryAnswer = { index: number; status: number; itemId?: string; flagId?: string; newItem?: boolean; error?: unknown };

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** Rows in the three tables intake writes, read in one statement. */
async function counts() {
  const [row] = await db.$queryRawUnsafe<Record<"items" | "flags" | "audit", number | bigint>[]>(
    `SELECT (SELECT COUNT(*) FROM "Item") AS "items", (SELECT COUNT(*) FROM "Flag") AS "flags", (SELECT COUNT(*) FROM "AuditEvent") AS "audit"`,
  );
  return { items: Number(row.items), flags: Number(row.flags), audit: Number(row.audit) };
}

function fail(message: string, detail: unknown): never {
  throw new Error(`${message}: ${JSON.stringify(detail).slice(0, 2_000)}`);
}

function expectErrorShape(json: unknown) {
  const error = isObject(json) && isObject(json.error) ? json.error : fail("a refusal without { error }", json);
  if (typeof error.code !== "string" || typeof error.message !== "string" || !error.message || !Array.isArray(error.issues))
    fail("a refusal without code, message and issues", json);
}

/** The single and batch answers reduced to per-entry results, with the rows they claim to have written. */
function entriesOf(kind: "single" | "batch", answer: Answer): EntryAnswer[] {
  if (kind === "single") return [{ index: 0, ...(answer.json as object), status: answer.status }];
  const json = answer.json as { accepted: number; duplicates: number; refused: number; results: EntryAnswer[] };
  const tally = (s: number) => json.results.filter((r) => r.status === s).length;
  if (json.accepted !== tally(201) || json.duplicates !== tally(200) || json.refused !== tally(400)) fail("batch totals disagree with its results", json);
  json.results.forEach((r, i) => {
    if (r.index !== i) fail("batch results out of order", json);
    if (r.status === 400) expectErrorShape(r);
  });
  return json.results;
}

function expectedRows(before: Awaited<ReturnType<typeof counts>>, entries: EntryAnswer[]) {
  const taken = entries.filter((e) => e.status === 201).length;
  return {
    items: before.items + entries.filter((e) => e.status === 201 && e.newItem).length,
    flags: before.flags + taken,
    audit: before.audit + (taken > 0 ? 1 : 0),
  };
}

function flagExternalIdOf(body: unknown): string | undefined {
  return isObject(body) && isObject(body.flag) && typeof body.flag.externalId === "string" ? body.flag.externalId : undefined;
}

/** A new item's and flag's stored strings are the ones sent. */
async function expectStoredAsSent(body: Record<string, Record<string, unknown>>, answer: EntryAnswer) {
  const [item, flagRow] = await Promise.all([db.item.findUnique({ where: { id: answer.itemId } }), db.flag.findUnique({ where: { id: answer.flagId } })]);
  if (!item || !flagRow || flagRow.itemId !== item.id) fail("the answered item or flag is missing", answer);
  const author = (body.content.author ?? {}) as Record<string, unknown>;
  const pairs: [unknown, unknown][] = [
    [item.externalId, body.content.externalId],
    [flagRow.externalId, body.flag.externalId ?? null],
    [flagRow.note, body.flag.note ?? null],
    [flagRow.reporterId, body.flag.reporterId ?? null],
    [flagRow.reference, body.flag.reference ?? null],
  ];
  if (answer.newItem) {
    pairs.push([item.title, body.content.title ?? null], [item.body, body.content.body ?? null], [item.url, body.content.url ?? null]);
    pairs.push([item.authorExternalId, author.externalId ?? null], [item.authorHandle, author.handle ?? null]);
    pairs.push([item.mediaUrls, JSON.stringify(body.content.mediaUrls ?? [])]);
  }
  for (const [stored, sent] of pairs) if (stored !== sent) fail("a string reads back differently from what was sent", { stored, sent });
}

async function expectIntakeHolds(send: Send, kind: "single" | "batch", body: unknown) {
  const before = await counts();
  const first = await send(kind, body);
  if (first.status >= 500) fail(`answered ${first.status}`, first.json);
  if (first.status >= 400) {
    expectErrorShape(first.json);
    const after = await counts();
    if (JSON.stringify(after) !== JSON.stringify(before)) fail("a refused request wrote rows", { before, after, body });
    return;
  }
  const entries = entriesOf(kind, first);
  const afterFirst = await counts();
  const expected = expectedRows(before, entries);
  if (JSON.stringify(afterFirst) !== JSON.stringify(expected)) fail("rows written differ from the answer", { expected, afterFirst, first: first.json });
  const bodies = kind === "single" ? [body] : (body as { flags: unknown[] }).flags;
  if (kind === "single" && entries[0].status === 201) await expectStoredAsSent(body as Record<string, Record<string, unknown>>, entries[0]);

  const replay = await send(kind, body);
  if (replay.status >= 500) fail(`replay answered ${replay.status}`, replay.json);
  const again = entriesOf(kind, replay);
  entries.forEach((e, i) => {
    const r = again[i];
    if (e.status === 400) return void (r.status !== 400 && fail("a refused entry was taken on replay", { e, r }));
    const idempotent = flagExternalIdOf(bodies[i]) !== undefined;
    const same = r.itemId === e.itemId && r.newItem === false && (idempotent ? r.status === 200 && r.flagId === e.flagId : r.status === 201);
    if (!same) fail("a replay answered different ids", { first: e, replay: r });
  });
  const afterReplay = await counts();
  const expectedReplay = expectedRows(afterFirst, again);
  if (JSON.stringify(afterReplay) !== JSON.stringify(expectedReplay))
    fail("rows written by the replay differ from its answer", { expectedReplay, afterReplay });
}

// ---- the properties ---------------------------------------------------------------------------

describe(`intake properties (seed ${SEED})`, () => {
  it(
    `the schema never throws, and whatever it accepts is storable exactly as sent (${RUNS.schema.toLocaleString("en")} payloads)`,
    async () => {
      let runs = 0;
      await check(
        "schema property",
        fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: single }, { weight: 1, arbitrary: batch }), async (body) => {
          // Let the test runner's own messages through during a long synchronous run.
          if (++runs % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
          for (const candidate of [body, ...(isObject(body) && Array.isArray(body.flags) ? body.flags : [])]) {
            const parsed = FlagRequest.safeParse(candidate);
            if (parsed.success) {
              for (const s of strings(parsed.data)) if (unstorableText("value", s)) fail("an unstorable string was accepted", s);
            } else {
              for (const issue of parsed.error.issues) if (!issue.message) fail("an issue without a message", issue);
            }
          }
          BatchEnvelope.safeParse(body);
        }),
        RUNS.schema,
      );
    },
    TIMEOUT_MS,
  );

  it(
    `the endpoints in-process on the real database: no 5xx, no partial rows, replays answer the same ids (${RUNS.inProcess.toLocaleString("en")} payloads)`,
    async () => {
      const send: Send = async (kind, body) => {
        // The database driver answers synchronously: let the test runner's own messages through.
        await new Promise((resolve) => setImmediate(resolve));
        const req = new Request(`http://docket.test/api/v1/flags${kind === "batch" ? "/batch" : ""}`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
        });
        let res: Response;
        try {
          res = await (kind === "single" ? receiveFlag(req, client) : receiveBatch(req, client));
        } catch (thrown) {
          // A refusal is thrown as a Response; anything else is what the server would answer with a 500.
          if (!(thrown instanceof Response)) fail("intake threw", String((thrown as Error)?.stack ?? thrown));
          res = thrown;
        }
        return { status: res.status, json: await res.json() };
      };
      await check(
        "in-process intake property",
        fc.asyncProperty(request, ({ kind, body }) => expectIntakeHolds(send, kind, body)),
        RUNS.inProcess,
      );
    },
    TIMEOUT_MS,
  );

  it(
    `the real server over HTTP: the same holds (${RUNS.http.toLocaleString("en")} payloads)`,
    async () => {
      const send: Send = async (kind, body) => {
        const res = await fetch(`${server.url}/api/v1/flags${kind === "batch" ? "/batch" : ""}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
        const raw = await res.text();
        try {
          return { status: res.status, json: JSON.parse(raw) };
        } catch {
          return { status: res.status, json: { unparsed: raw.slice(0, 500) } };
        }
      };
      await check(
        "HTTP intake property",
        fc.asyncProperty(request, ({ kind, body }) => expectIntakeHolds(send, kind, body)),
        RUNS.http,
      );
    },
    TIMEOUT_MS,
  );
});
