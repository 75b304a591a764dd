import { randomUUID } from "node:crypto";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "~/modules/auth/api-keys.server.ts";
import { API_SCOPES, type ApiScope } from "~/modules/auth/scopes.ts";
import { ENDPOINTS_PER_PLATFORM } from "~/modules/webhooks/endpoints.server.ts";
import { makeDecision } from "../support/audit-fixtures.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client } from "../support/http.ts";
import { ajv, closed } from "../support/openapi-schemas.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// Every operation of the OpenAPI document the server serves, called for real: each answer's status
// must be documented for that operation, and its content type, headers and body must match what the
// document says for that status. The schemas are read closed (no property the document does not
// name), so a field added to an answer without the document fails here.

type Schema = Record<string, unknown>;
type Media = { schema: Schema };
type ResponseDoc = { description: string; headers?: Record<string, { required?: boolean; schema: Schema }>; content?: Record<string, Media> };
type OperationDoc = { operationId: string; security?: unknown[]; "x-required-scope"?: ApiScope; responses: Record<string, ResponseDoc> };
type Doc = { paths: Record<string, Record<string, OperationDoc>>; components: { schemas: Record<string, Schema> } };
type Found = { path: string; method: string; op: OperationDoc };

const SMALL_BODY = 20_000;
let server: RunningServer;
let limited: RunningServer;
let doc: Doc;
let token: string;
let elsewhereToken: string;
let admin: Awaited<ReturnType<typeof makeUser>>;
const covered = new Set<string>();
const validators = new Map<string, ValidateFunction>();

function operation(operationId: string): Found {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) if (op.operationId === operationId) return { path, method, op };
  }
  throw new Error(`the document has no operation ${operationId}`);
}

function validatorFor(operationId: string, status: string, schema: Schema) {
  const key = `${operationId} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ ...(closed(schema) as Schema), components: closed(doc.components) });
    validators.set(key, validate);
  }
  return validate;
}

/** Checks one real answer against the document and returns its body (each NDJSON line for NDJSON). */
async function conforms(res: Response, operationId: string, status: number): Promise<unknown[]> {
  const { path, method, op } = operation(operationId);
  const where = `${method.toUpperCase()} ${path} (${operationId})`;
  const text = await res.text();
  expect(res.status, `${where} answered ${res.status}, expected ${status}: ${text.slice(0, 300)}`).toBe(status);
  const documented = op.responses[String(status)];
  expect(documented, `${where}: status ${status} is not documented`).toBeDefined();
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    const value = res.headers.get(name);
    if (header.required) expect(value, `${where} ${status}: header ${name} is missing`).not.toBeNull();
    if (value !== null) expect(ajv.validate(header.schema, value), `${where} ${status}: header ${name}=${value}`).toBe(true);
  }
  const [mediaType, media] = Object.entries(documented.content ?? {})[0] ?? [];
  let values: unknown[] = [];
  if (!mediaType || !media) {
    expect(text, `${where} ${status}: documented without a body`).toBe("");
  } else {
    expect(res.headers.get("content-type")?.split(";")[0].trim(), `${where} ${status}: content type`).toBe(mediaType);
    values =
      mediaType === "application/x-ndjson"
        ? text
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as unknown)
        : [JSON.parse(text) as unknown];
    const validate = validatorFor(operationId, String(status), media.schema);
    for (const value of values) {
      const ok = validate(value);
      expect(ok, `${where} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 600)}`).toBe(true);
    }
  }
  covered.add(`${operationId} ${status}`);
  return values;
}

function call(
  operationId: string,
  opts: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown; raw?: string; key?: string | null; to?: RunningServer } = {},
) {
  const { path, method } = operation(operationId);
  const target = path.replace(/\{(\w+)\}/g, (_, name: string) => opts.params?.[name] ?? "x");
  const query = opts.query ? `?${new URLSearchParams(opts.query)}` : "";
  const key = opts.key === undefined ? token : opts.key;
  const headers: Record<string, string> = key === null ? {} : { Authorization: `Bearer ${key}` };
  const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(`${(opts.to ?? server).url}${target}${query}`, { method: method.toUpperCase(), headers, body });
}

async function keyWith(scopes: readonly ApiScope[], platform = "test") {
  const user = { id: admin.id, email: admin.email, name: admin.name, role: admin.role, revealMedia: false };
  return (await createApiKey(user, { name: `contract ${randomUUID().slice(0, 6)}`, platform, scopes: [...scopes] })).token;
}

function flag(externalId = `post-${randomUUID().slice(0, 12)}`, flagId?: string) {
  return {
    content: { externalId, type: "text", body: "Fictional contract-test text about the Northern Ember Front." },
    flag: { source: "user_report", reason: "violent_extremism", ...(flagId ? { externalId: flagId } : {}) },
  };
}

const oversized = () => JSON.stringify({ ...flag(), padding: "x".repeat(SMALL_BODY * 2) });

beforeAll(async () => {
  admin = await makeUser("admin");
  token = (await makeApiKey("test")).token;
  elsewhereToken = (await makeApiKey("elsewhere")).token;
  const env = {
    DOCKET_MAX_BODY_BYTES: String(SMALL_BODY),
    DOCKET_MAX_BATCH_BODY_BYTES: String(SMALL_BODY * 2),
    DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK: "1",
    DOCKET_WEBHOOKS: "0",
  };
  [server, limited] = await Promise.all([
    startServer({ ...env, DOCKET_API_MAX_PER_MINUTE: "1000000" }),
    startServer({ ...env, DOCKET_API_MAX_PER_MINUTE: "1" }),
  ]);
  const res = await fetch(`${server.url}/api/v1/openapi.json`);
  doc = (await res.clone().json()) as Doc;
  await conforms(res, "readOpenApiDocument", 200);
});
afterAll(async () => {
  await Promise.all([server?.stop(), limited?.stop()]);
});

describe("the document itself", () => {
  it("is public, cacheable, and the same document on every call", async () => {
    const res = await call("readOpenApiDocument", { key: null });
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600");
    const [body] = await conforms(res, "readOpenApiDocument", 200);
    expect(body).toEqual(doc);
  });
});

describe("intake", () => {
  it("POST /api/v1/flags: new, replayed, invalid, not JSON, too large", async () => {
    const sent = flag(undefined, `flag-${randomUUID().slice(0, 8)}`);
    const [taken] = (await conforms(await call("sendFlag", { body: sent }), "sendFlag", 201)) as { itemId: string; flagId: string }[];
    const [again] = (await conforms(await call("sendFlag", { body: sent }), "sendFlag", 200)) as { itemId: string; flagId: string }[];
    expect([again.itemId, again.flagId]).toEqual([taken.itemId, taken.flagId]);
    await conforms(await call("sendFlag", { body: { content: sent.content } }), "sendFlag", 400);
    await conforms(await call("sendFlag", { raw: "{not json" }), "sendFlag", 400);
    await conforms(await call("sendFlag", { raw: oversized() }), "sendFlag", 413);
  });

  it("POST /api/v1/flags/batch: taken, duplicate and refused entries; no batch at all; too large", async () => {
    const repeated = flag(undefined, `flag-${randomUUID().slice(0, 8)}`);
    await conforms(await call("sendFlag", { body: repeated }), "sendFlag", 201);
    const [answer] = (await conforms(await call("sendFlagBatch", { body: { flags: [flag(), repeated, { content: {} }] } }), "sendFlagBatch", 200)) as {
      results: { status: number }[];
    }[];
    expect(answer.results.map((r) => r.status)).toEqual([201, 200, 400]);
    await conforms(await call("sendFlagBatch", { body: { flags: "none" } }), "sendFlagBatch", 400);
    await conforms(await call("sendFlagBatch", { raw: JSON.stringify({ flags: [flag()], padding: "x".repeat(SMALL_BODY * 3) }) }), "sendFlagBatch", 413);
  });
});

describe("reads", () => {
  it("GET /api/v1/decisions: a page with decisions of every action, and a bad cursor", async () => {
    for (const action of ["keep", "remove", "restrict", "escalate"] as const) await makeDecision({ action });
    const [page] = (await conforms(await call("readDecisions", { query: { limit: "50" } }), "readDecisions", 200)) as { decisions: unknown[] }[];
    expect(page.decisions.length).toBeGreaterThanOrEqual(4);
    await conforms(await call("readDecisions", { query: { limit: "0" } }), "readDecisions", 400);
  });

  it("GET /api/v1/statements-of-reasons: NDJSON batches, an empty range, a bad range", async () => {
    await makeDecision({ action: "remove", sources: ["removal_order", "user_report"] });
    await makeDecision({ action: "restrict", type: "link" });
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const lines = (await conforms(await call("readStatementsOfReasons", { query: { from, to } }), "readStatementsOfReasons", 200)) as {
      statements: unknown[];
    }[];
    expect(lines.flatMap((l) => l.statements).length).toBeGreaterThanOrEqual(2);
    const empty = await conforms(
      await call("readStatementsOfReasons", { query: { from: "2001-01-01T00:00:00Z", to: "2001-01-02T00:00:00Z" } }),
      "readStatementsOfReasons",
      200,
    );
    expect(empty).toEqual([]);
    await conforms(await call("readStatementsOfReasons", { query: { from } }), "readStatementsOfReasons", 400);
  });

  it("GET /api/v1/transparency-report: a report with figures, an empty period, a bad period", async () => {
    await makeDecision({ action: "remove", sources: ["removal_order", "user_report"] });
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const [report] = (await conforms(await call("readTransparencyReport", { query: { from: today, to: tomorrow } }), "readTransparencyReport", 200)) as {
      platform: string;
      tco: { removalOrdersReceived: { value: number } };
    }[];
    expect(report.platform).toBe("test");
    expect(report.tco.removalOrdersReceived.value).toBeGreaterThanOrEqual(1);
    await conforms(
      await call("readTransparencyReport", { query: { from: "2001-01-01T00:00:00Z", to: "2001-07-01T00:00:00Z" } }),
      "readTransparencyReport",
      200,
    );
    await conforms(await call("readTransparencyReport", { query: { from: today } }), "readTransparencyReport", 400);
    await conforms(await call("readTransparencyReport", { query: { from: `${today}T10:00:00Z`, to: tomorrow } }), "readTransparencyReport", 400);
  });

  it("GET /api/v1/label-sets", async () => {
    await makeDecision({ action: "keep" });
    const [answer] = (await conforms(await call("readLabelSets"), "readLabelSets", 200)) as { labelSets: unknown[] }[];
    expect(answer.labelSets.length).toBeGreaterThan(0);
  });

  it("GET /api/v1/items/{externalId}: a decided item, a waiting one, a missing one, a malformed id", async () => {
    const made = await makeDecision({ action: "remove" });
    await conforms(await call("readItem", { params: { externalId: encodeURIComponent(made.externalId) } }), "readItem", 200);
    const waiting = flag();
    await conforms(await call("sendFlag", { body: waiting }), "sendFlag", 201);
    await conforms(await call("readItem", { params: { externalId: waiting.content.externalId } }), "readItem", 200);
    await conforms(await call("readItem", { params: { externalId: "no-such-post" } }), "readItem", 404);
    await conforms(await call("readItem", { params: { externalId: "bad%E0%A4%A" } }), "readItem", 400);
  });
});

describe("appeals", () => {
  it("POST /api/v1/appeals and GET /api/v1/appeals/{appealId}: received, replayed, refused every way", async () => {
    const made = await makeDecision({ action: "remove" });
    const appellant = { role: "content_author", externalId: `author-${made.externalId}` };
    const body = { externalId: `appeal-${randomUUID().slice(0, 8)}`, decisionId: made.decision.id, appellant, statement: "Fictional contract-test appeal." };
    const [received] = (await conforms(await call("lodgeAppeal", { body }), "lodgeAppeal", 201)) as { appealId: string }[];
    await conforms(await call("lodgeAppeal", { body }), "lodgeAppeal", 200);
    await conforms(await call("lodgeAppeal", { body: { ...body, statement: undefined } }), "lodgeAppeal", 400);
    await conforms(await call("lodgeAppeal", { body: { ...body, externalId: "appeal-unknown", decisionId: "no-such-decision" } }), "lodgeAppeal", 404);
    await conforms(await call("lodgeAppeal", { body: { ...body, externalId: `appeal-${randomUUID().slice(0, 8)}` } }), "lodgeAppeal", 409);
    const notifier = { role: "notifier", externalId: `reporter-${made.externalId}` };
    await conforms(await call("lodgeAppeal", { body: { ...body, externalId: `appeal-${randomUUID().slice(0, 8)}`, appellant: notifier } }), "lodgeAppeal", 422);
    await conforms(await call("lodgeAppeal", { raw: oversized() }), "lodgeAppeal", 413);

    await conforms(await call("readAppeal", { params: { appealId: received.appealId } }), "readAppeal", 200);
    await conforms(await call("readAppeal", { params: { appealId: received.appealId }, key: elsewhereToken }), "readAppeal", 404);
    await conforms(await call("readAppeal", { params: { appealId: "not.an.id" } }), "readAppeal", 400);
  });
});

// The webhook endpoints are described from app/modules/webhooks/schema.ts; these cases fail until
// their routes answer as the document says.
describe("webhooks", () => {
  it("POST, GET, rotate-secret and DELETE on /api/v1/webhooks", async () => {
    const registration = { url: "http://127.0.0.1:9/docket-events", events: ["decision.made", "item.reopened"], description: "Contract test receiver" };
    const [created] = (await conforms(await call("registerWebhook", { body: registration }), "registerWebhook", 201)) as { id: string }[];
    await conforms(await call("registerWebhook", { body: { ...registration, url: "ftp://127.0.0.1/events" } }), "registerWebhook", 400);
    await conforms(
      await call("registerWebhook", { raw: JSON.stringify({ ...registration, description: "x".repeat(SMALL_BODY * 2) }) }),
      "registerWebhook",
      413,
    );

    const [list] = (await conforms(await call("listWebhooks"), "listWebhooks", 200)) as { endpoints: { id: string }[] }[];
    expect(list.endpoints.map((e) => e.id)).toContain(created.id);
    await conforms(await call("readWebhook", { params: { webhookId: created.id } }), "readWebhook", 200);
    await conforms(await call("readWebhook", { params: { webhookId: created.id }, key: elsewhereToken }), "readWebhook", 404);

    await conforms(await call("rotateWebhookSecret", { params: { webhookId: created.id }, body: { overlapSeconds: 60 } }), "rotateWebhookSecret", 200);
    await conforms(await call("rotateWebhookSecret", { params: { webhookId: created.id }, body: { overlapSeconds: -1 } }), "rotateWebhookSecret", 400);
    await conforms(await call("rotateWebhookSecret", { params: { webhookId: "no-such-endpoint" }, body: {} }), "rotateWebhookSecret", 404);
    await conforms(
      await call("rotateWebhookSecret", { params: { webhookId: created.id }, raw: JSON.stringify({ padding: "x".repeat(SMALL_BODY * 2) }) }),
      "rotateWebhookSecret",
      413,
    );
    await conforms(await call("readWebhook", { params: { webhookId: created.id } }), "readWebhook", 200);

    await conforms(await call("readWebhook", { params: { webhookId: "not.an.id" } }), "readWebhook", 400);
    await conforms(await call("deleteWebhook", { params: { webhookId: "not.an.id" } }), "deleteWebhook", 400);
    const [refusedUrl] = (await conforms(
      await call("registerWebhook", { body: { ...registration, url: "https://169.254.169.254/latest" } }),
      "registerWebhook",
      400,
    )) as { error: { code: string } }[];
    expect(refusedUrl.error.code).toBe("invalid_url");

    await conforms(await call("deleteWebhook", { params: { webhookId: created.id } }), "deleteWebhook", 204);
    await conforms(await call("deleteWebhook", { params: { webhookId: created.id } }), "deleteWebhook", 404);
    await conforms(await call("readWebhook", { params: { webhookId: created.id } }), "readWebhook", 404);

    // A platform's twenty-first endpoint is refused.
    const crowded = (await makeApiKey("contract-crowded")).token;
    for (let i = 0; i < ENDPOINTS_PER_PLATFORM; i++) {
      await conforms(await call("registerWebhook", { body: { ...registration, url: `http://127.0.0.1:9/n${i}` }, key: crowded }), "registerWebhook", 201);
    }
    await conforms(await call("registerWebhook", { body: registration, key: crowded }), "registerWebhook", 409);
  });
});

describe("the key's own refusals on every operation", () => {
  /** Runs `check` for every operation that needs a key and reports every operation that failed, not just the first. */
  async function everyScopedOperation(check: (op: OperationDoc) => Promise<void>) {
    const failures: string[] = [];
    const ops = Object.values(doc.paths)
      .flatMap((item) => Object.values(item))
      .filter((op) => op["x-required-scope"]);
    for (const op of ops) await check(op).catch((e: Error) => failures.push(e.message.split("\n")[0]));
    expect(failures).toEqual([]);
  }

  it("401 without a key or with an unknown one", async () => {
    await everyScopedOperation(async (op) => {
      await conforms(await call(op.operationId, { key: null }), op.operationId, 401);
      await conforms(await call(op.operationId, { key: "not-a-real-key" }), op.operationId, 401);
    });
  });

  it("403 naming the scope the document names, for a key holding every other scope", async () => {
    await everyScopedOperation(async (op) => {
      const scope = op["x-required-scope"]!;
      const [body] = (await conforms(await call(op.operationId, { key: await keyWith(API_SCOPES.filter((s) => s !== scope)) }), op.operationId, 403)) as {
        error: { code: string; issues: { message: string }[] };
      }[];
      expect(body.error.code).toBe("missing_scope");
      expect(body.error.issues).toEqual([{ path: "scope", message: `missing scope: ${scope}` }]);
    });
  });

  it("429 once a key is over its rate", async () => {
    await everyScopedOperation(async (op) => {
      const key = await keyWith(API_SCOPES);
      let res = await call(op.operationId, { key, to: limited });
      for (let i = 0; i < 3 && res.status !== 429; i++) {
        await res.arrayBuffer();
        res = await call(op.operationId, { key, to: limited });
      }
      await conforms(res, op.operationId, 429);
    });
  });
});

describe("the console's API reference page", () => {
  it("shows every operation with its scope, the webhook events, and links the document; only to roles holding api:reference", async () => {
    const auditor = new Client(server.url);
    await auditor.login((await makeUser("auditor")).email, PASSWORD);
    const res = await auditor.get("/api-reference");
    expect(res.status).toBe(200);
    const html = (await res.text()).replace(/<!-- -->/g, "");
    expect(html).toContain('href="/api/v1/openapi.json"');
    expect(html).toContain('href="/api-reference"');
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(html).toContain(`${method.toUpperCase()} ${path}`);
        if (op["x-required-scope"]) expect(html).toContain(`<code>${op["x-required-scope"]}</code>`);
      }
    }
    for (const text of ["content.externalId", "decisions[].supersedes", "webhook-signature", "appeal.decided", "error.issues[].path"])
      expect(html).toContain(text);
    const moderator = new Client(server.url);
    await moderator.login((await makeUser("moderator")).email, PASSWORD);
    expect((await moderator.get("/api-reference")).status).toBe(403);
    expect(await (await moderator.get("/queue/list")).text()).not.toContain('href="/api-reference"');
  });
});

describe("coverage", () => {
  it("every documented answer of every operation was received and checked", () => {
    const documented = Object.values(doc.paths)
      .flatMap((item) => Object.values(item))
      .flatMap((op) => Object.keys(op.responses).map((status) => `${op.operationId} ${status}`));
    expect(documented.filter((d) => !covered.has(d))).toEqual([]);
  });
});
