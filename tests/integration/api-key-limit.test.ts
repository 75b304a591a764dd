import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { LAST_USED_RESOLUTION_SECONDS } from "~/modules/auth/api-keys.server.ts";
import { RATE_LIMIT_SHARDS } from "~/modules/auth/rate-limit.server.ts";
import { makeApiKey } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// A platform's calls spread over several Docket processes and arrive many at a time: the per-key
// limit must hold across all of them without one counter row every call waits on.
const LIMIT = 8;
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  [a, b] = await Promise.all([startServer({ DOCKET_API_MAX_PER_MINUTE: String(LIMIT) }), startServer({ DOCKET_API_MAX_PER_MINUTE: String(LIMIT) })]);
});
afterAll(() => Promise.all([a?.stop(), b?.stop()]));

const call = (server: RunningServer, token: string) => fetch(`${server.url}/api/v1/label-sets`, { headers: { Authorization: `Bearer ${token}` } });

/** The limit counts per minute of the clock; a test that crossed into the next minute would start over. */
async function clearOfWindowEdge() {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 200));
}

async function countedCalls(keyId: string) {
  const rows = await db.rateLimit.findMany({ where: { key: { startsWith: `api:${keyId}:` } } });
  return { total: rows.reduce((sum, r) => sum + r.count, 0), rows: rows.length };
}

describe("the per-key API limit", () => {
  it("holds across two processes: the calls allowed by one count against the other", async () => {
    const { key, token } = await makeApiKey("limit-twin");
    await clearOfWindowEdge();
    for (let i = 0; i < LIMIT; i++) expect((await call(i % 2 === 0 ? a : b, token)).status).toBe(200);
    for (const server of [a, b]) {
      const refused = await call(server, token);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
      expect((await refused.json()).error.code).toBe("rate_limited");
    }
    expect((await countedCalls(key.id)).total).toBe(LIMIT + 2);
  });

  it("lets no more than the limit through a concurrent burst on both processes, and counts every call", async () => {
    const { key, token } = await makeApiKey("limit-burst");
    await clearOfWindowEdge();
    const statuses = await Promise.all(Array.from({ length: 32 }, (_, i) => call(i % 2 === 0 ? a : b, token).then((r) => r.status)));
    expect(
      statuses.every((s) => s === 200 || s === 429),
      statuses.join(","),
    ).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(LIMIT);
    const counted = await countedCalls(key.id);
    expect(counted.total).toBe(32);
    // On PostgreSQL spread over several rows, so concurrent calls do not queue on one.
    expect(counted.rows).toBeGreaterThanOrEqual(Math.min(2, RATE_LIMIT_SHARDS));
    expect((await call(a, token)).status).toBe(429);
  });

  it("a refused call still cannot get through once the limit is reached, whichever row it lands on", async () => {
    const { key, token } = await makeApiKey("limit-rows");
    await clearOfWindowEdge();
    for (let i = 0; i < LIMIT; i++) expect((await call(a, token)).status).toBe(200);
    const later = await Promise.all(Array.from({ length: 24 }, (_, i) => call(i % 2 === 0 ? a : b, token).then((r) => r.status)));
    expect(
      later.every((s) => s === 429),
      later.join(","),
    ).toBe(true);
    expect((await countedCalls(key.id)).rows).toBeGreaterThanOrEqual(Math.min(2, RATE_LIMIT_SHARDS));
  });
});

describe("a key's last use", () => {
  it("is recorded on use, at most once per interval however many calls arrive", async () => {
    const { key, token } = await makeApiKey("last-used");
    expect(key.lastUsedAt).toBeNull();
    const before = Date.now();
    expect((await call(a, token)).status).toBe(200);
    const first = (await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt;
    expect(first).not.toBeNull();
    expect(first!.getTime()).toBeGreaterThanOrEqual(before - 1000);

    await Promise.all(Array.from({ length: 4 }, (_, i) => call(i % 2 === 0 ? a : b, token)));
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt).toEqual(first);

    const stale = new Date(Date.now() - (LAST_USED_RESOLUTION_SECONDS + 5) * 1000);
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: stale } });
    expect((await call(b, token)).status).toBe(200);
    const refreshed = (await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt!;
    expect(refreshed.getTime()).toBeGreaterThan(stale.getTime() + LAST_USED_RESOLUTION_SECONDS * 1000);
  });

  it("is not touched by a revoked or unknown key", async () => {
    const { key, token } = await makeApiKey("last-used-revoked");
    await db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    expect((await call(a, token)).status).toBe(401);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt).toBeNull();
  });
});
