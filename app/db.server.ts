import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient, Prisma } from "./generated/sqlite/client.ts";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client.ts";
import { env, isPostgres } from "./env.server.ts";
import { sqliteFilePath } from "./db-url.server.ts";

// Both generated clients expose the same models (prisma/models.prisma feeds both schemas), so the
// SQLite client's types describe either one.
export type Db = SqliteClient;
export type Tx = Prisma.TransactionClient;
export { Prisma };

export const dialect: "sqlite" | "postgresql" = isPostgres() ? "postgresql" : "sqlite";

const SLOW_QUERY_MS = 200;

function create(): Db {
  const log = [{ emit: "event", level: "query" }] as const;
  let client: Db;
  if (dialect === "postgresql") {
    const adapter = new PrismaPg({ connectionString: env.DATABASE_URL, max: 10 });
    client = new PostgresClient({ adapter, log: [...log] }) as unknown as Db;
  } else {
    const adapter = new PrismaBetterSqlite3(
      { url: sqliteFilePath(env.DATABASE_URL), timeout: 10_000 },
      { timestampFormat: "unixepoch-ms" },
    );
    client = new SqliteClient({ adapter, log: [...log] });
  }
  (client as unknown as { $on: (e: "query", cb: (ev: Prisma.QueryEvent) => void) => void }).$on(
    "query",
    (event) => {
      if (event.duration >= SLOW_QUERY_MS) {
        console.warn(`slow query (${event.duration} ms): ${event.query.slice(0, 300)}`);
      }
    },
  );
  return client;
}

// One client per process, kept across dev-server rebuilds.
const globalStore = globalThis as unknown as { __docketDb?: Db };
export const db: Db = (globalStore.__docketDb ??= create());

/** Runs `fn` in one transaction; SQLite waits for the write lock instead of failing at once. */
export function transaction<T>(fn: (tx: Tx) => Promise<T>, options: { timeout?: number } = {}) {
  return db.$transaction(fn, { maxWait: 10_000, timeout: options.timeout ?? 20_000 });
}
