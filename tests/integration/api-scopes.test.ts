// Scoped API keys: every API route of the build demands its declared scope, a key without it gets 403
// naming it, a key holding only that scope gets past the check, and keys made before scopes existed
// hold all of them. The routes are found from the build, so a new endpoint is covered without a list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { loadDemo } from "~/demo/load.server.ts";
import { env } from "~/env.server.ts";
import { migrate } from "~/migrate.server.ts";
import { hashToken } from "~/modules/auth/session.server.ts";
import { API_SCOPES, parseScopes, type ApiScope } from "~/modules/auth/scopes.ts";
import { concretePath, discoverRoutes } from "../support/build-routes.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client } from "../support/http.ts";
import { emptyDatabase, engine, rootBefore } from "../support/old-installation.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let demoPlatform: string;

beforeAll(async () => {
  await loadDemo();
  demoPlatform = (await db.apiKey.findUniqueOrThrow({ where: { hash: hashToken(env.DOCKET_DEMO_API_KEY) } })).platform;
  server = await startServer();
});
afterAll(() => server?.stop());

async function call(method: string, url: string, token: string) {
  const res = await fetch(server.url + url, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: method === "GET" ? undefined : "{}",
    redirect: "manual",
  });
  const text = await res.text();
  return { status: res.status, text };
}

describe("API key scopes", () => {
  it("every API route refuses a key without its scope with 403 naming it, and lets a key holding only that scope past", async () => {
    const routes = (await discoverRoutes()).filter((r) => r.ownPath && r.module.access?.kind === "api");
    const scoped = routes.filter((r) => r.module.access?.kind === "api" && r.module.access.scope);
    expect(scoped.length).toBeGreaterThanOrEqual(8);
    const failures: string[] = [];
    for (const route of scoped) {
      const scope = (route.module.access as { scope: ApiScope }).scope;
      const without = await makeApiKey(
        demoPlatform,
        API_SCOPES.filter((s) => s !== scope),
      );
      const only = await makeApiKey(demoPlatform, [scope]);
      const url = await concretePath(route.pattern);
      const methods = [...(route.module.loader ? ["GET"] : []), ...(route.module.action ? ["POST", "DELETE"] : [])];
      for (const method of methods) {
        const refused = await call(method, url, without.token);
        const body = JSON.parse(refused.text) as { error?: { code?: string; message?: string } };
        if (refused.status !== 403 || body.error?.code !== "missing_scope" || !body.error.message?.includes(`"${scope}"`)) {
          failures.push(`${method} ${url} without ${scope}: ${refused.status} ${refused.text.slice(0, 160)}`);
        }
        const allowed = await call(method, url, only.token);
        if (allowed.status === 401 || allowed.status === 403 || allowed.status >= 500) {
          failures.push(`${method} ${url} with only ${scope}: ${allowed.status} ${allowed.text.slice(0, 160)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("a key with no scopes is still a known key: 403, never 401, and unknown endpoints answer it 404", async () => {
    const none = await makeApiKey(demoPlatform, []);
    expect((await call("GET", "/api/v1/decisions", none.token)).status).toBe(403);
    // A refused call leaves no trace: neither the key's last use nor its rate-limit counter moved.
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: none.key.id } })).lastUsedAt).toBeNull();
    expect(await db.rateLimit.count({ where: { key: { startsWith: `api:${none.key.id}` } } })).toBe(0);
    expect((await call("GET", "/api/v1/no-such-endpoint", none.token)).status).toBe(404);
  });

  it("the admin page creates a key with the ticked scopes, changes them with an audit event, and refuses none ticked", async () => {
    const admin = await makeUser("admin");
    const client = new Client(server.url);
    await client.login(admin.email, PASSWORD);

    const created = await client.post("/admin/api-keys", { intent: "create", name: "Reader", platform: "scoped", scopes: ["decisions:read", "items:read"] });
    expect(created.status).toBe(200);
    const key = await db.apiKey.findFirstOrThrow({ where: { name: "Reader", platform: "scoped" } });
    expect(parseScopes(key.scopes)).toEqual(["decisions:read", "items:read"]);
    const token = /id="new-token"[^>]*value="([^"]+)"/.exec(await created.text())?.[1];
    expect(token).toBeTruthy();
    expect((await call("GET", "/api/v1/decisions", token!)).status).toBe(200);
    expect((await call("POST", "/api/v1/flags", token!)).status).toBe(403);

    const changed = await client.post("/admin/api-keys", { intent: "scopes", keyId: key.id, scopes: ["flags:write"] });
    expect(changed.status).toBe(200);
    expect(parseScopes((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).scopes)).toEqual(["flags:write"]);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "api_key.scopes_changed", subjectId: key.id } });
    expect(JSON.parse(event.payload)).toMatchObject({ scopes: ["flags:write"], previousScopes: ["decisions:read", "items:read"] });
    expect((await call("GET", "/api/v1/decisions", token!)).status).toBe(403);

    const keysBefore = await db.apiKey.count();
    const eventsBefore = await db.auditEvent.count();
    const refusedForms: Record<string, string | string[]>[] = [
      { intent: "create", name: "Nothing", platform: "scoped" },
      { intent: "scopes", keyId: key.id },
      { intent: "scopes", keyId: key.id, scopes: ["flags:write", "root:everything"] },
    ];
    for (const form of refusedForms) {
      const res = await client.post("/admin/api-keys", form);
      expect(res.status, JSON.stringify(form)).toBe(400);
      await res.arrayBuffer();
    }
    expect(await db.apiKey.count()).toBe(keysBefore);
    expect(await db.auditEvent.count()).toBe(eventsBefore);
    expect(parseScopes((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).scopes)).toEqual(["flags:write"]);
  });
});

describe("migration 130 on an existing installation", () => {
  it("gives every key made before scopes existed all of them", async () => {
    const { root, addRest } = rootBefore("130_");
    const old = await emptyDatabase();
    try {
      await migrate(old.url, { root });
      const now = engine === "sqlite" ? String(Date.now()) : "CURRENT_TIMESTAMP";
      await old.sql(
        `INSERT INTO "User" ("id", "email", "name", "role", "passwordHash", "updatedAt") VALUES ('u1', 'a@example.test', 'A', 'admin', 'x', ${now})`,
      );
      await old.sql(`INSERT INTO "ApiKey" ("id", "name", "platform", "prefix", "hash", "createdById") VALUES ('k1', 'Old', 'old', 'dk_old', 'h1', 'u1')`);
      addRest();
      await migrate(old.url, { root });
      const [key] = await old.sql(`SELECT "scopes" FROM "ApiKey" WHERE "id" = 'k1'`);
      expect(parseScopes(String(key.scopes))).toEqual([...API_SCOPES]);
    } finally {
      await old.close();
    }
  });
});

describe("migration 140 on an existing installation", () => {
  it("gives reports:read to keys that held every scope, and leaves chosen scopes as they were", async () => {
    const { root, addRest } = rootBefore("140_");
    const old = await emptyDatabase();
    try {
      await migrate(old.url, { root });
      const now = engine === "sqlite" ? String(Date.now()) : "CURRENT_TIMESTAMP";
      await old.sql(
        `INSERT INTO "User" ("id", "email", "name", "role", "passwordHash", "updatedAt") VALUES ('u1', 'a@example.test', 'A', 'admin', 'x', ${now})`,
      );
      await old.sql(
        `INSERT INTO "ApiKey" ("id", "name", "platform", "prefix", "hash", "createdById") VALUES ('all', 'Everything', 'old', 'dk_all', 'h1', 'u1')`,
      );
      await old.sql(
        `INSERT INTO "ApiKey" ("id", "name", "platform", "prefix", "hash", "createdById", "scopes") VALUES ('some', 'Flags only', 'old', 'dk_some', 'h2', 'u1', '["flags:write"]')`,
      );
      addRest();
      await migrate(old.url, { root });
      const scopes = Object.fromEntries((await old.sql(`SELECT "id", "scopes" FROM "ApiKey"`)).map((k) => [k.id, parseScopes(String(k.scopes))]));
      expect(scopes).toEqual({ all: [...API_SCOPES], some: ["flags:write"] });
      expect(API_SCOPES).toContain("reports:read");
    } finally {
      await old.close();
    }
  });
});
