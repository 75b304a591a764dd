import { db } from "~/db.server.ts";

export type RateLimitResult = { allowed: boolean; count: number; retryAfterSeconds: number };

/**
 * A fixed-window counter in the database, so every Docket process sees the same count. The upsert
 * is one statement, atomic on both databases.
 */
export async function consumeRateLimit(key: string, max: number, windowSeconds: number): Promise<RateLimitResult> {
  const now = Date.now();
  const windowStart = new Date(now - (now % (windowSeconds * 1000)));
  const rows = await db.$queryRaw<{ count: number | bigint }[]>`
    INSERT INTO "RateLimit" ("key", "count", "windowStart") VALUES (${key}, 1, ${windowStart})
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" = excluded."windowStart" THEN "RateLimit"."count" + 1 ELSE 1 END,
      "windowStart" = excluded."windowStart"
    RETURNING "count"`;
  const count = Number(rows[0].count);
  const retryAfterSeconds = Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now) / 1000);
  return { allowed: count <= max, count, retryAfterSeconds };
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
