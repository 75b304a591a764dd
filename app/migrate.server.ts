import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { sqliteFilePath } from "./db-url.server.ts";

// Hand-written SQL migrations, one folder per database, applied in file-name order and recorded in
// "Migration". See docs/decisions/002-hand-written-sql-migrations.md for why not `prisma migrate`.
export function migrationsDir(dialect: "sqlite" | "postgresql", root = process.cwd()) {
  return path.join(root, "prisma", "migrations", dialect);
}

function pending(dir: string, applied: Set<string>) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .filter((f) => !applied.has(f))
    .map((f) => ({ name: f, sql: readFileSync(path.join(dir, f), "utf8") }));
}

export async function migrate(databaseUrl: string, options: { root?: string; log?: (m: string) => void } = {}) {
  const log = options.log ?? (() => {});
  if (databaseUrl.startsWith("file:")) {
    const file = sqliteFilePath(databaseUrl);
    mkdirSync(path.dirname(file), { recursive: true });
    const sqlite = new Database(file, { timeout: 10_000 });
    try {
      sqlite.pragma("journal_mode = WAL");
      sqlite.exec(`CREATE TABLE IF NOT EXISTS "Migration" ("name" TEXT NOT NULL PRIMARY KEY, "appliedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP)`);
      // BEGIN IMMEDIATE takes the write lock first, so two processes starting at once apply each file once.
      const run = sqlite.transaction(() => {
        const applied = new Set(sqlite.prepare(`SELECT "name" FROM "Migration"`).pluck().all() as string[]);
        const todo = pending(migrationsDir("sqlite", options.root), applied);
        for (const m of todo) {
          sqlite.exec(m.sql);
          sqlite.prepare(`INSERT INTO "Migration" ("name", "appliedAt") VALUES (?, ?)`).run(m.name, Date.now());
          log(`applied migration ${m.name}`);
        }
        return todo.length;
      });
      return run.immediate();
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  // A connection the server ends fails the query in flight; unheard, its error event would end the process.
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("BEGIN");
    // A transaction-scoped advisory lock: concurrent starts wait, then find nothing left to apply.
    await client.query("SELECT pg_advisory_xact_lock(724031)");
    await client.query(
      `CREATE TABLE IF NOT EXISTS "Migration" ("name" TEXT NOT NULL PRIMARY KEY, "appliedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP)`,
    );
    const { rows } = await client.query<{ name: string }>(`SELECT "name" FROM "Migration"`);
    const todo = pending(migrationsDir("postgresql", options.root), new Set(rows.map((r) => r.name)));
    for (const m of todo) {
      await client.query(m.sql);
      await client.query(`INSERT INTO "Migration" ("name") VALUES ($1)`, [m.name]);
      log(`applied migration ${m.name}`);
    }
    await client.query("COMMIT");
    return todo.length;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
