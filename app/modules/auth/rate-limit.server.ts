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

/** Reads a counter without counting: a blocked login must not extend its own block. */
export async function peekRateLimit(key: string, windowSeconds: number): Promise<number> {
  const now = Date.now();
  const windowStart = new Date(now - (now % (windowSeconds * 1000)));
  const row = await db.rateLimit.findUnique({ where: { key } });
  return row && row.windowStart.getTime() === windowStart.getTime() ? row.count : 0;
}
