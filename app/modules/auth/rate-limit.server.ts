import { db, dialect } from "~/db.server.ts";
import { pgQuery, sqliteValue, sqliteWrite } from "~/db-direct.server.ts";

export type RateLimitResult = { allowed: boolean; count: number; retryAfterSeconds: number };

/**
 * A fixed-window counter in the database, so every Docket process sees the same count. The upsert
 * is one statement, atomic on both databases.
 */
export async function consumeRateLimit(key: string, max: number, windowSeconds: number, now = Date.now()): Promise<RateLimitResult> {
  const windowStart = new Date(now - (now % (windowSeconds * 1000)));
  // On the direct connection: this runs on every API call, and the ORM's cost per call is several times the statement's.
  const upsert = `INSERT INTO "RateLimit" ("key", "count", "windowStart") VALUES (${dialect === "postgresql" ? "$1, 1, $2" : "?, 1, ?"})
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" = excluded."windowStart" THEN "RateLimit"."count" + 1 ELSE 1 END,
      "windowStart" = excluded."windowStart"
    RETURNING "count"`;
  const row =
    dialect === "postgresql"
      ? (await pgQuery<{ count: number }>(upsert, [key, windowStart]))[0]
      : await sqliteWrite((tx) => tx.prepare(upsert).get(key, sqliteValue(windowStart)) as { count: number });
  const count = Number(row.count);
  const retryAfterSeconds = Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now) / 1000);
  return { allowed: count <= max, count, retryAfterSeconds };
}

/**
 * How many counter rows one sharded limit spreads its calls over. SQLite lets one writer in at a
 * time whatever the rows, so there spreading would only add the read of the sum.
 */
export const RATE_LIMIT_SHARDS = dialect === "postgresql" ? 16 : 1;

/**
 * The same fixed-window limit as `consumeRateLimit`, for a key that many callers hit at once (a
 * platform's API key): each call adds one to one of `RATE_LIMIT_SHARDS` rows, picked at random, and
 * the window's total is read back over all of them. On PostgreSQL an upsert holds its row until it
 * commits, so a single counter row makes every concurrent call wait for the one before it; spread
 * over rows they commit side by side. The rows live in the database, so every process shares them.
 *
 * The limit is never exceeded: a call reads the total after its own increment has committed, so the
 * call whose increment is the (max+1)-th of the window sees more than `max` and is refused, as is every
 * later one. Near the limit a concurrent burst may refuse a call a little early (it can see
 * increments that committed after its own); it never lets one more through.
 */
export async function consumeShardedRateLimit(key: string, max: number, windowSeconds: number): Promise<RateLimitResult> {
  const shard = Math.floor(Math.random() * RATE_LIMIT_SHARDS);
  const now = Date.now();
  const own = await consumeRateLimit(`${key}:${shard}`, max, windowSeconds, now);
  if (!own.allowed || RATE_LIMIT_SHARDS === 1) return own;
  const windowStart = new Date(now - (now % (windowSeconds * 1000)));
  const rows = await pgQuery<{ total: string | null }>(`SELECT SUM("count") AS "total" FROM "RateLimit" WHERE "key" = ANY($1::text[]) AND "windowStart" = $2`, [
    shardKeys(key),
    windowStart,
  ]);
  const count = Number(rows[0]?.total ?? own.count);
  return { allowed: count <= max, count, retryAfterSeconds: own.retryAfterSeconds };
}

function shardKeys(key: string): string[] {
  return Array.from({ length: RATE_LIMIT_SHARDS }, (_, shard) => `${key}:${shard}`);
}

/**
 * Counts one attempt under `key` in a window that opens with the first attempt and lasts
 * `windowSeconds`; attempts inside the window never move its end, so a blocked caller cannot
 * extend its own block. One upsert, atomic on both databases: concurrent attempts each get a
 * distinct count, which is what lets the caller decide before doing the expensive work.
 */
export async function countAttempt(key: string, max: number, windowSeconds: number): Promise<RateLimitResult> {
  const now = new Date();
  const cutoff = new Date(now.getTime() - windowSeconds * 1000);
  const rows = await db.$queryRaw<{ count: number | bigint; windowStart: Date | number | string }[]>`
    INSERT INTO "RateLimit" ("key", "count", "windowStart") VALUES (${key}, 1, ${now})
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" > ${cutoff} THEN "RateLimit"."count" + 1 ELSE 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" > ${cutoff} THEN "RateLimit"."windowStart" ELSE excluded."windowStart" END
    RETURNING "count", "windowStart"`;
  const count = Number(rows[0].count);
  const windowEnd = new Date(rows[0].windowStart).getTime() + windowSeconds * 1000;
  return { allowed: count <= max, count, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now.getTime()) / 1000)) };
}

/** Takes back one attempt counted by `countAttempt` in the current window (a sign-in that succeeded). */
export async function uncountAttempt(key: string, windowSeconds: number): Promise<void> {
  const cutoff = new Date(Date.now() - windowSeconds * 1000);
  await db.$executeRaw`
    UPDATE "RateLimit" SET "count" = "count" - 1
    WHERE "key" = ${key} AND "windowStart" > ${cutoff} AND "count" > 0`;
}
