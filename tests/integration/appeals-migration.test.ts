import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { dialect } from "~/db.server.ts";
import { migrate } from "~/migrate.server.ts";
import { ROOT, TMP, testPgUrl } from "../support/databases.ts";

const engine = dialect;
const source = path.join(ROOT, "prisma", "migrations", engine);

/** A project root whose migrations stop before `before`: an installation as it was before that migration. */
function rootBefore(before: string) {
  const root = path.join(TMP, `migrations-${randomUUID().slice(0, 8)}`);
  const dir = path.join(root, "prisma", "migrations", engine);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(source).filter((f) => f.endsWith(".sql") && f < before)) copyFileSync(path.join(source, f), path.join(dir, f));
  return {
    root,
    addRest: () =>
      readdirSync(source)
        .filter((f) => f >= before)
        .forEach((f) => copyFileSync(path.join(source, f), path.join(dir, f))),
  };
}

/** An empty database of the engine under test, and a way to run SQL on it. */
async function emptyDatabase(): Promise<{ url: string; sql: (q: string) => Promise<Record<string, unknown>[]>; close: () => Promise<void> }> {
  if (engine === "sqlite") {
    const url = `file:${path.join(TMP, `pre-appeals-${randomUUID().slice(0, 8)}.db`)}`;
    return {
      url,
      sql: async (q) => {
        const conn = new Database(url.slice("file:".length));
        try {
          const stmt = conn.prepare(q);
          return stmt.reader ? (stmt.all() as Record<string, unknown>[]) : (stmt.run(), []);
        } finally {
          conn.close();
        }
      },
      close: async () => {},
    };
  }
  const name = `docket_pre_appeals_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: testPgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(testPgUrl!);
  u.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: u.toString() });
  let connected = false;
  return {
    url: u.toString(),
    sql: async (q) => {
      if (!connected) await client.connect();
      connected = true;
      return (await client.query(q)).rows;
    },
    close: async () => {
      if (connected) await client.end();
    },
  };
}

describe("migration 100 on an existing installation", () => {
  it("keeps a team's own queue named Appeals, sets no hours of its own, and leaves an open routing draft to publish the appeal rule", async () => {
    const { root, addRest } = rootBefore("100_");
    const db = await emptyDatabase();
    try {
      await migrate(db.url, { root });
      const now = engine === "sqlite" ? String(Date.now()) : "CURRENT_TIMESTAMP";
      await db.sql(`INSERT INTO "Queue" ("id", "name", "description", "updatedAt") VALUES ('team-appeals', 'appeals', 'The team''s own', ${now})`);
      await db.sql(`INSERT INTO "RoutingVersion" ("id", "number", "status", "rules", "changeNote", "updatedAt")
        SELECT 'team-draft', 2, 'draft', "rules", '', ${now} FROM "RoutingVersion" WHERE "status" = 'published'`);
      addRest();
      await migrate(db.url, { root });

      const [queue] = await db.sql(`SELECT "name", "deadlineHours" FROM "Queue" WHERE "id" = 'queue-appeals'`);
      expect(queue).toEqual({ name: "Appeals (DSA Art. 20)", deadlineHours: "{}" });
      const versions = await db.sql(`SELECT "id", "number", "status", "rules" FROM "RoutingVersion" ORDER BY "number"`);
      // Nothing published above the draft: the starter stays live, and the draft carries the appeal rule.
      expect(versions.map((v) => [v.id, Number(v.number), v.status])).toEqual([
        ["routing-starter", 1, "published"],
        ["team-draft", 2, "draft"],
      ]);
      const draftRules = JSON.parse(String(versions[1].rules)) as { id: string; stage: string; queueId: string }[];
      expect(draftRules.at(-1)).toMatchObject({ id: "rule-starter-appeals", stage: "appeal", queueId: "queue-appeals" });
    } finally {
      await db.close();
    }
  });

  it("on an installation without a draft, publishes the live rules with the appeal rule as the next version", async () => {
    const { root, addRest } = rootBefore("100_");
    const db = await emptyDatabase();
    try {
      await migrate(db.url, { root });
      addRest();
      await migrate(db.url, { root });
      const versions = await db.sql(`SELECT "number", "status", "rules" FROM "RoutingVersion" ORDER BY "number"`);
      expect(versions.map((v) => [Number(v.number), v.status])).toEqual([
        [1, "retired"],
        [2, "published"],
      ]);
      const rules = JSON.parse(String(versions[1].rules)) as { id: string }[];
      expect(rules.map((r) => r.id)).toEqual(["rule-starter-escalations", "rule-starter-review", "rule-starter-appeals"]);
      const [queue] = await db.sql(`SELECT "name" FROM "Queue" WHERE "id" = 'queue-appeals'`);
      expect(queue.name).toBe("Appeals");
    } finally {
      await db.close();
    }
  });
});
