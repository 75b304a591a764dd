import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { migrate } from "../../app/migrate.server.ts";

export const ROOT = path.resolve(import.meta.dirname, "../..");
// One folder per test run (the runner's pid is shared by its workers), so runs never clobber each other.
export const TMP = path.join(ROOT, "tmp", `test-${process.env.DOCKET_TEST_RUN_ID ?? process.ppid}`);
const TEMPLATE = path.join(TMP, "template.db");
const PG_TEMPLATE = `docket_test_template_${process.env.DOCKET_TEST_RUN_ID ?? "main"}`;

/** PostgreSQL is used when DOCKET_TEST_PG_URL points at a server the tests may create databases on. */
export const testPgUrl = process.env.DOCKET_TEST_PG_URL;

function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: testPgUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Migrates a template database once per run; each test file then gets a copy of it. */
export async function prepareTemplate() {
  mkdirSync(TMP, { recursive: true });
  if (testPgUrl) {
    await adminQuery(`DROP DATABASE IF EXISTS ${PG_TEMPLATE} WITH (FORCE)`);
    await adminQuery(`CREATE DATABASE ${PG_TEMPLATE}`);
    await migrate(withDatabase(testPgUrl, PG_TEMPLATE), { root: ROOT });
    return;
  }
  for (const suffix of ["", "-wal", "-shm"]) rmSync(TEMPLATE + suffix, { force: true });
  await migrate(`file:${TEMPLATE}`, { root: ROOT });
  // Fold the WAL into the main file so a plain copy is complete.
  const Database = (await import("better-sqlite3")).default;
  const sqlite = new Database(TEMPLATE);
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.pragma("journal_mode = DELETE");
  sqlite.close();
}

/** A new, migrated, empty database; returns its DATABASE_URL. */
export async function freshDatabase(): Promise<string> {
  const name = `docket_test_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  if (testPgUrl) {
    await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE}`);
    return withDatabase(testPgUrl, name);
  }
  const file = path.join(TMP, `${name}.db`);
  copyFileSync(TEMPLATE, file);
  return `file:${file}`;
}
