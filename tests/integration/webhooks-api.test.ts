import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiKey } from "~/modules/auth/api-keys.server.ts";
import { db } from "~/db.server.ts";
import { decryptSecret, newSigningSecret } from "~/modules/webhooks/secrets.server.ts";
import { signedHeaders } from "~/modules/webhooks/sign.server.ts";
import { makeApiKey, makeUser } from "../support/fixtures.ts";
import { startDnsServer, type RunningDns } from "../support/dns-server.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// The webhook endpoints of the platform API over HTTP against the real server: registration shows the
// secret once, reads never show it, deletion and rotation work on the key's own platform only, and
// every refusal is a 4xx in the one error shape that writes nothing.

let server: RunningServer;
let dns: RunningDns;
let token: string;
let elsewhereToken: string;
let unscopedToken: string;

beforeAll(async () => {
  dns = await startDnsServer({ "hooks.platform.test": ["93.184.216.34"], "private.platform.test": ["10.1.2.3"] });
  token = (await makeApiKey("test")).token;
  elsewhereToken = (await makeApiKey("elsewhere")).token;
  const admin = await makeUser("admin");
  unscopedToken = (
    await createApiKey(
      { id: admin.id, email: admin.email, name: admin.name, role: admin.role, revealMedia: false },
      { name: "flags only", platform: "test", scopes: ["flags:write", "decisions:read"] },
    )
  ).token;
  server = await startServer({ DOCKET_API_MAX_PER_MINUTE: "1000000", DOCKET_WEBHOOK_DNS_SERVERS: dns.address, DOCKET_WEBHOOKS: "0" });
});
afterAll(async () => {
  await server?.stop();
  await dns?.close();
});

function call(pathname: string, opts: { method?: string; body?: unknown; raw?: string; key?: string; contentType?: string } = {}) {
  const method = opts.method ?? (opts.body !== undefined || opts.raw !== undefined ? "POST" : "GET");
  return fetch(`${server.url}${pathname}`, {
    method,
    headers: { Authorization: `Bearer ${opts.key ?? token}`, "Content-Type": opts.contentType ?? "application/json" },
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
}

const registration = (overrides: Record<string, unknown> = {}) => ({
  url: "https://hooks.platform.test/docket",
  events: ["decision.made", "item.reopened"],
  ...overrides,
});

async function register(overrides: Record<string, unknown> = {}, key = token) {
  const res = await call("/api/v1/webhooks", { body: registration(overrides), key });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body as { id: string; secret: string };
}

async function expectRefusal(res: Response, status: number, code: string) {
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(15);
  expect(Array.isArray(body.error.issues)).toBe(true);
  return body.error as { code: string; message: string; issues: { path: string; message: string }[] };
}

const written = async () => ({
  endpoints: await db.webhookEndpoint.count(),
  live: await db.webhookEndpoint.count({ where: { deletedAt: null } }),
  events: await db.auditEvent.count(),
  secrets: (await db.webhookEndpoint.findMany({ select: { secret: true }, orderBy: { id: "asc" } })).map((e) => e.secret),
});

describe("registering, reading and deleting endpoints", () => {
  it("registers an endpoint: 201 with a whsec_ secret shown once, subscribed from its own audit event", async () => {
    const res = await call("/api/v1/webhooks", { body: registration({ description: "Takedown worker" }) });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const created = (await res.json()) as { id: string; secret: string };
    expect(Object.keys(created).sort()).toEqual(["id", "secret"]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.platform).toBe("test");
    expect(row.url).toBe("https://hooks.platform.test/docket");
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "webhook.endpoint_created", subjectId: created.id } });
    expect(row.startSeq).toBe(event.seq);
    expect(JSON.parse(event.payload)).toMatchObject({ endpointId: created.id, platform: "test", via: "api", events: ["decision.made", "item.reopened"] });

    const list = await call("/api/v1/webhooks");
    expect(list.status).toBe(200);
    const listText = await list.text();
    expect(listText).not.toContain(created.secret);
    expect(listText).not.toContain("whsec_");
    const listed = (JSON.parse(listText) as { endpoints: { id: string }[] }).endpoints.find((e) => e.id === created.id);
    expect(listed).toEqual({
      id: created.id,
      url: "https://hooks.platform.test/docket",
      events: ["decision.made", "item.reopened"],
      description: "Takedown worker",
      state: "enabled",
      disabledReason: null,
      createdAt: row.createdAt.toISOString(),
      secretRotation: null,
    });

    const one = await call(`/api/v1/webhooks/${created.id}`);
    expect(one.status).toBe(200);
    const oneText = await one.text();
    expect(oneText).not.toContain("whsec_");
    expect(JSON.parse(oneText)).toEqual(listed);
  });

  it("stores the secret encrypted: it decrypts only with the key and this endpoint's id", async () => {
    const { id, secret } = await register();
    const { secret: stored } = await db.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice("whsec_".length));
    expect(decryptSecret(stored, id)).toBe(secret);
    const other = await register();
    expect(() => decryptSecret(stored, other.id)).toThrow();
    const saved = { ...process.env };
    process.env.DOCKET_WEBHOOK_KEY = "a0".repeat(32);
    vi.resetModules();
    try {
      const withOtherKey = await import("~/modules/webhooks/secrets.server.ts");
      expect(() => withOtherKey.decryptSecret(stored, id)).toThrow();
    } finally {
      process.env = saved;
    }
  });

  it("deletes an endpoint: 204, then 404 and gone from the list; its waiting deliveries fail", async () => {
    const { id } = await register();
    const messageId = `msg_test_${id}`;
    await db.webhookMessage.create({
      data: { id: messageId, seq: 900_000_000 + (await db.webhookMessage.count()), type: "decision.made", platform: "test", payload: "{}" },
    });
    await db.webhookDelivery.create({ data: { id: `dl_${id}`, messageId, endpointId: id, nextAttemptAt: new Date() } });
    const res = await call(`/api/v1/webhooks/${id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectRefusal(await call(`/api/v1/webhooks/${id}`), 404, "not_found");
    await expectRefusal(await call(`/api/v1/webhooks/${id}`, { method: "DELETE" }), 404, "not_found");
    const list = (await (await call("/api/v1/webhooks")).json()) as { endpoints: { id: string }[] };
    expect(list.endpoints.map((e) => e.id)).not.toContain(id);
    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(row.deletedAt).not.toBeNull();
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: `dl_${id}` } })).toMatchObject({ state: "failed", lastError: "endpoint deleted" });
    expect(await db.auditEvent.count({ where: { action: "webhook.endpoint_deleted", subjectId: id } })).toBe(1);
  });

  it("another platform's endpoint is as unknown as a missing one, and stays untouched", async () => {
    const { id } = await register();
    const before = await written();
    await expectRefusal(await call(`/api/v1/webhooks/${id}`, { key: elsewhereToken }), 404, "not_found");
    await expectRefusal(await call(`/api/v1/webhooks/${id}`, { method: "DELETE", key: elsewhereToken }), 404, "not_found");
    await expectRefusal(await call(`/api/v1/webhooks/${id}/rotate-secret`, { body: {}, key: elsewhereToken }), 404, "not_found");
    const list = (await (await call("/api/v1/webhooks", { key: elsewhereToken })).json()) as { endpoints: unknown[] };
    expect(list.endpoints).toEqual([]);
    expect(await written()).toEqual(before);
  });

  it("a key without webhooks:manage gets 403 missing_scope on every webhook route", async () => {
    const { id } = await register();
    const before = await written();
    const attempts = [
      call("/api/v1/webhooks", { key: unscopedToken }),
      call("/api/v1/webhooks", { body: registration(), key: unscopedToken }),
      call(`/api/v1/webhooks/${id}`, { key: unscopedToken }),
      call(`/api/v1/webhooks/${id}`, { method: "DELETE", key: unscopedToken }),
      call(`/api/v1/webhooks/${id}/rotate-secret`, { body: {}, key: unscopedToken }),
    ];
    for (const res of await Promise.all(attempts)) {
      const error = await expectRefusal(res, 403, "missing_scope");
      expect(error.message).toContain("webhooks:manage");
    }
    expect(await written()).toEqual(before);
  });
});

describe("refusals write nothing", () => {
  const cases: [string, { body?: unknown; raw?: string; contentType?: string }, number, string, string?][] = [
    ["not JSON", { raw: "{url:" }, 400, "invalid_json"],
    ["no url", { body: { events: ["decision.made"] } }, 400, "invalid_request", "url"],
    ["no events", { body: { url: "https://hooks.platform.test/a", events: [] } }, 400, "invalid_request", "events"],
    ["an unknown event", { body: registration({ events: ["item.deleted"] }) }, 400, "invalid_request", "events.0"],
    ["an event twice", { body: registration({ events: ["decision.made", "decision.made"] }) }, 400, "invalid_request", "events"],
    ["an unknown field", { body: registration({ secret: "whsec_mine" }) }, 400, "invalid_request"],
    ["a url of the wrong type", { body: registration({ url: 42 }) }, 400, "invalid_request", "url"],
    ["a list for a body", { body: [registration()] }, 400, "invalid_request"],
    ["plain http", { body: registration({ url: "http://hooks.platform.test/docket" }) }, 400, "invalid_url", "url"],
    ["a private literal", { body: registration({ url: "https://10.0.0.1/docket" }) }, 400, "invalid_url", "url"],
    ["the metadata address", { body: registration({ url: "https://[::ffff:a9fe:a9fe]/latest" }) }, 400, "invalid_url", "url"],
    ["a name resolving to a private address", { body: registration({ url: "https://private.platform.test/docket" }) }, 400, "invalid_url", "url"],
    ["a name that does not resolve", { body: registration({ url: "https://nowhere.platform.test/docket" }) }, 400, "invalid_url", "url"],
    ["credentials in the url", { body: registration({ url: "https://a:b@hooks.platform.test/docket" }) }, 400, "invalid_url", "url"],
    ["an oversized body", { raw: JSON.stringify(registration({ description: "x".repeat(2_000_000) })) }, 413, "payload_too_large"],
  ];
  it.each(cases)("%s", async (_name, request, status, code, issuePath) => {
    const before = await written();
    const error = await expectRefusal(await call("/api/v1/webhooks", request), status, code);
    if (issuePath) expect(error.issues.map((i) => i.path)).toContain(issuePath);
    expect(await written()).toEqual(before);
  });

  it("a bad rotation request or id changes nothing", async () => {
    const { id } = await register();
    const before = await written();
    await expectRefusal(await call(`/api/v1/webhooks/${id}/rotate-secret`, { body: { overlapSeconds: -1 } }), 400, "invalid_request");
    await expectRefusal(await call(`/api/v1/webhooks/${id}/rotate-secret`, { body: { overlapSeconds: 8 * 86_400 } }), 400, "invalid_request");
    await expectRefusal(await call(`/api/v1/webhooks/${id}/rotate-secret`, { raw: "nope" }), 400, "invalid_json");
    await expectRefusal(await call(`/api/v1/webhooks/no%20such/rotate-secret`, { body: {} }), 400, "invalid_request");
    await expectRefusal(await call(`/api/v1/webhooks/${id}`, { method: "PUT", body: registration() }), 405, "method_not_allowed");
    expect(await written()).toEqual(before);
  });

  it("a platform may hold 20 endpoints; the 21st is refused with 409", async () => {
    const crowded = (await makeApiKey("crowded")).token;
    for (let i = 0; i < 20; i++) await register({ url: `https://hooks.platform.test/n${i}` }, crowded);
    const before = await written();
    await expectRefusal(await call("/api/v1/webhooks", { body: registration(), key: crowded }), 409, "too_many_endpoints");
    expect(await written()).toEqual(before);
    const list = (await (await call("/api/v1/webhooks", { key: crowded })).json()) as { endpoints: { id: string }[] };
    await call(`/api/v1/webhooks/${list.endpoints[0].id}`, { method: "DELETE", key: crowded });
    await register({}, crowded);
  });

  it("registrations racing for the last places never take a platform past 20", async () => {
    const racing = await makeApiKey("racing");
    for (let i = 0; i < 18; i++) await register({ url: `https://hooks.platform.test/r${i}` }, racing.token);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => call("/api/v1/webhooks", { body: registration({ url: `https://hooks.platform.test/race${i}` }), key: racing.token })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
    expect(await db.webhookEndpoint.count({ where: { platform: racing.key.platform, deletedAt: null } })).toBe(20);
  });
});

describe("rotating a secret", () => {
  it("gives a new secret; during the overlap a delivery signed with both verifies under each", async () => {
    const { id, secret: first } = await register();
    const started = Date.now();
    const res = await call(`/api/v1/webhooks/${id}/rotate-secret`, { body: { overlapSeconds: 3600 } });
    const rotated = (await res.json()) as { id: string; secret: string; previousValidUntil: string };
    expect(res.status, JSON.stringify(rotated)).toBe(200);
    expect(rotated.id).toBe(id);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(first);
    const until = Date.parse(rotated.previousValidUntil);
    expect(until).toBeGreaterThanOrEqual(started + 3600_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);

    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(decryptSecret(row.secret, id)).toBe(rotated.secret);
    expect(decryptSecret(row.previousSecret!, id)).toBe(first);
    expect(row.previousSecretUntil?.toISOString()).toBe(rotated.previousValidUntil);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "webhook.secret_rotated", subjectId: id } });
    expect(event.payload).not.toContain("whsec_");

    const shown = (await (await call(`/api/v1/webhooks/${id}`)).json()) as { secretRotation: unknown };
    expect(shown.secretRotation).toEqual({ previousValidUntil: rotated.previousValidUntil });

    const body = JSON.stringify({ type: "decision.made", timestamp: new Date().toISOString(), data: { decisionId: "d-1" } });
    const headers = signedHeaders([decryptSecret(row.secret, id), decryptSecret(row.previousSecret!, id)], "msg_rotation", Math.floor(Date.now() / 1000), body);
    expect(new Webhook(rotated.secret).verify(body, headers)).toMatchObject({ type: "decision.made" });
    expect(new Webhook(first).verify(body, headers)).toMatchObject({ type: "decision.made" });
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow();
  });

  it("an empty body asks for a day's overlap; a second rotation ends the oldest secret", async () => {
    const { id, secret: first } = await register();
    const res = await fetch(`${server.url}/api/v1/webhooks/${id}/rotate-secret`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
    const second = (await res.json()) as { secret: string; previousValidUntil: string };
    expect(res.status, JSON.stringify(second)).toBe(200);
    expect(Math.abs(Date.parse(second.previousValidUntil) - (Date.now() + 86_400_000))).toBeLessThan(60_000);
    const third = (await (await call(`/api/v1/webhooks/${id}/rotate-secret`, { body: { overlapSeconds: 0 } })).json()) as { secret: string };
    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(decryptSecret(row.secret, id)).toBe(third.secret);
    expect(decryptSecret(row.previousSecret!, id)).toBe(second.secret);
    expect(decryptSecret(row.previousSecret!, id)).not.toBe(first);
    expect(((await (await call(`/api/v1/webhooks/${id}`)).json()) as { secretRotation: unknown }).secretRotation).toBeNull();
  });
});

describe("the key file", () => {
  it("with DOCKET_WEBHOOK_KEY unset, the key file is made once, owner-only, and reused", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "docket-webhook-key-"));
    const file = path.join(dir, "nested", "webhook.key");
    const saved = { ...process.env };
    delete process.env.DOCKET_WEBHOOK_KEY;
    process.env.DOCKET_WEBHOOK_KEY_FILE = file;
    try {
      vi.resetModules();
      const first = await import("~/modules/webhooks/secrets.server.ts");
      const sealed = first.encryptSecret("whsec_dGVzdA==", "ep_keyfile");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const key = readFileSync(file, "utf8");
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      vi.resetModules();
      const second = await import("~/modules/webhooks/secrets.server.ts");
      expect(second.decryptSecret(sealed, "ep_keyfile")).toBe("whsec_dGVzdA==");
      expect(readFileSync(file, "utf8")).toBe(key);
    } finally {
      process.env = saved;
    }
  });
});
