import Database from "better-sqlite3";
import pg from "pg";
import { sqliteFilePath } from "./db-url.server.ts";
import { env } from "./env.server.ts";

// The hot write paths (claim, decide, intake) talk to the driver directly, beside the ORM client in
// db.server.ts: an interactive ORM transaction holds its locks while Node waits between statements,
// which on one busy database is the whole cost. See docs/decisions/022-hot-paths-without-interactive-transactions.md.

const BUSY_RETRY_UNTIL_MS = 10_000;

/** What a synchronous SQLite transaction body may do: prepare statements (compiled once per text). */
export type SqliteTx = { prepare: (sql: string) => Database.Statement };

const STATEMENT_CACHE_SIZE = 500;
let sqlite: { conn: Database.Database; tx: SqliteTx } | null = null;
function sqliteConnection() {
  if (!sqlite) {
    const conn = new Database(sqliteFilePath(env.DATABASE_URL), { fileMustExist: true });
    // No busy wait inside the driver: it would block the event loop, and with it the ORM
    // transaction in this same process that holds the lock we wait for. Busy is retried below.
    conn.pragma("busy_timeout = 0");
    conn.pragma("journal_mode = WAL");
    // The driver is built with NORMAL for WAL (no flush per commit): an acknowledged claim, decision
    // or flag could then be lost to a power failure. FULL flushes the log at every commit.
    conn.pragma("synchronous = FULL");
    const statements = new Map<string, Database.Statement>();
    const prepare = (sql: string) => {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statement = conn.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    };
    sqlite = { conn, tx: { prepare } };
  }
  return sqlite;
}

const isBusy = (e: unknown) => e instanceof Error && /^SQLITE_BUSY/.test((e as Error & { code?: string }).code ?? "");

/**
 * Runs `fn` as one synchronous SQLite transaction (BEGIN IMMEDIATE … COMMIT): no await can fall
 * inside it, so the write lock is held only for the statements themselves. When another
 * connection holds the lock, the attempt is retried after a short pause instead of blocking.
 */
export async function sqliteWrite<T>(fn: (tx: SqliteTx) => T): Promise<T> {
  const { conn, tx } = sqliteConnection();
  const run = conn.transaction(() => fn(tx));
  return retryWhileBusy(() => run.immediate());
}

async function retryWhileBusy<T>(attempt: () => T): Promise<T> {
  const started = Date.now();
  for (let pause = 1; ; pause = Math.min(pause * 2, 20)) {
    try {
      return attempt();
    } catch (e) {
      if (!isBusy(e) || Date.now() - started > BUSY_RETRY_UNTIL_MS) throw e;
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

let pool: pg.Pool | null = null;
// A connection that dies while idle (the server restarted, a backend was terminated) is dropped from
// the pool and replaced on the next checkout; unheard, its error would end the process.
const onIdleError = (error: Error) => console.warn(`a direct PostgreSQL connection failed: ${error.message}`);
function pgPool(): pg.Pool {
  if (pool) return pool;
  // Zone-less timestamps are UTC in Docket: read them as UTC whatever the server's time zone.
  pool = new pg.Pool({
    connectionString: env.DATABASE_URL,
    max: 10,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === 1114 ? (v: string) => new Date(`${v.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  pool.on("error", onIdleError);
  return pool;
}

/** One statement on its own (autocommit) on a direct PostgreSQL connection: one round trip. */
export async function pgQuery<R extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
  return (await pgPool().query(text, values.map(pgValue))).rows;
}

/** Reads on the direct SQLite connection, outside any transaction; busy (rare for a WAL reader) is retried like a write. */
export async function sqliteRead<T>(fn: (tx: SqliteTx) => T): Promise<T> {
  const { tx } = sqliteConnection();
  return retryWhileBusy(() => fn(tx));
}

export type PgWrite = {
  /** The rows of each statement sent with BEGIN (see pgWrite's `begin`), in order. */
  begun: Record<string, unknown>[][];
  /** One parameterised statement (one round trip). */
  query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /**
   * Sends `sql` (literal values only, built with `literal`) and COMMIT in one round trip, so locks
   * the final statements take are held only while the server runs them and flushes the commit.
   * Returns the rows of the first statement.
   */
  commitWith<R extends Record<string, unknown>>(sql: string): Promise<R[]>;
};

// A deadlock (two writers' counter rows taken in opposite orders) or a serialisation failure aborts
// one transaction, which then wrote nothing: running it again is always safe.
const RETRYABLE = new Set(["40P01", "40001"]);

/**
 * Runs `fn` in one PostgreSQL transaction on a direct connection; COMMITs unless `commitWith` did.
 * `fn` may run more than once (a deadlock victim is retried), so it reads everything it decides on.
 */
export async function pgWrite<T>(fn: (tx: PgWrite) => Promise<T>, options: { begin?: string } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pgWriteOnce(fn, options.begin);
    } catch (e) {
      if (attempt >= 4 || !RETRYABLE.has((e as { code?: string }).code ?? "")) throw e;
    }
  }
}

// `begin`: statements (literal values only) sent with BEGIN in its round trip, such as a lock to take first.
async function pgWriteOnce<T>(fn: (tx: PgWrite) => Promise<T>, begin?: string): Promise<T> {
  const client = await pgPool().connect();
  // While checked out the pool does not listen to the client; a connection lost mid-transaction
  // fails the query in flight (and the caller), and is discarded on release instead of reused.
  let lost: Error | undefined;
  const onLost = (error: Error) => (lost = error);
  client.on("error", onLost);
  let committed = false;
  try {
    const opened = (await client.query(begin ? `BEGIN;\n${begin}` : "BEGIN")) as unknown as pg.QueryResult | pg.QueryResult[];
    const tx: PgWrite = {
      begun: Array.isArray(opened) ? opened.slice(1).map((r) => r.rows) : [],
      query: async (text, values) => (await client.query(text, values)).rows,
      commitWith: async (sql) => {
        const results = (await client.query(`${sql};\nCOMMIT`)) as unknown as pg.QueryResult | pg.QueryResult[];
        committed = true;
        return (Array.isArray(results) ? results[0].rows : results.rows) as never;
      },
    };
    const result = await fn(tx);
    if (!committed) await client.query("COMMIT");
    committed = true;
    return result;
  } catch (e) {
    if (!committed) await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.off("error", onLost);
    client.release(lost);
  }
}

/** A SQL literal for `commitWith`: strings escaped (standard_conforming_strings), dates as UTC timestamps. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("non-finite number in SQL");
    return String(value);
  }
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return `'${value.toISOString()}'::timestamp(3)`;
  return pg.escapeLiteral(String(value));
}

/** A statement written with `?` placeholders, its values filled in as literals (for `begin` and `commitWith`). */
export function withLiterals(sql: string, values: unknown[]): string {
  let i = 0;
  const text = sql.replace(/\?/g, () => literal(values[i++]));
  if (i !== values.length) throw new Error(`statement has ${i} placeholders for ${values.length} values`);
  return text;
}

/** Values for a direct SQLite statement: dates as epoch milliseconds and booleans as 0/1, as the ORM stores them. */
export function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "boolean") return value ? 1 : 0;
  return value === undefined ? null : value;
}

/** Values for a direct PostgreSQL statement: dates as UTC text, which a zone-less column keeps as written. */
export function pgValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value === undefined ? null : value;
}
