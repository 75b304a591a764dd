// An installation as it was before a given migration, for tests of what a migration does to
// existing data: a project root holding only the earlier migrations, and an empty database of the
// engine under test with a way to run SQL on it.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { dialect } from "~/db.server.ts";
import { ROOT, TMP, testPgUrl } from "./databases.ts";

export const engine = dialect;
const source = path.join(ROOT, "prisma", "migrations", engine);

/** A project root whose migrations stop before `before`: an installation as it was before that migration. */
export function rootBefore(before: string) {
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
export async function emptyDatabase(): Promise<{ url: string; sql: (q: string) => Promise<Record<string, unknown>[]>; close: () => Promise<void> }> {
  if (engine === "sqlite") {
    const url = `file:${path.join(TMP, `pre-migration-${randomUUID().slice(0, 8)}.db`)}`;
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
  const name = `docket_pre_migration_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
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
