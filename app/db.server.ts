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
    const adapter = new PrismaBetterSqlite3({ url: sqliteFilePath(env.DATABASE_URL), timeout: 10_000 }, { timestampFormat: "unixepoch-ms" });
    client = new SqliteClient({ adapter, log: [...log] });
  }
  (client as unknown as { $on: (e: "query", cb: (ev: Prisma.QueryEvent) => void) => void }).$on("query", (event) => {
    if (event.duration >= SLOW_QUERY_MS) {
      console.warn(`slow query (${event.duration} ms): ${event.query.slice(0, 300)}`);
    }
  });
  return client;
}

// One client per process, kept across dev-server rebuilds.
const globalStore = globalThis as unknown as { __docketDb?: Db };
export const db: Db = (globalStore.__docketDb ??= create());

/**
 * Runs `fn` in one transaction. On SQLite the adapter opens a deferred transaction; a second
 * process that wrote in the meantime would make our first write fail at once (a stale read
 * snapshot cannot be upgraded). Taking the write lock with the first statement makes the
 * transaction wait its turn instead, under the busy timeout, as several processes on one file need.
 */
export async function transaction<T>(fn: (tx: Tx) => Promise<T>, options: { timeout?: number } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(
        async (tx) => {
          if (dialect === "sqlite") await tx.$executeRawUnsafe(`UPDATE "AuditHead" SET "seq" = "seq" WHERE 0`);
          return fn(tx);
        },
        { maxWait: 10_000, timeout: options.timeout ?? 20_000 },
      );
    } catch (e) {
      // PostgreSQL ended the transaction as a deadlock victim (or a serialisation failure): it wrote
      // nothing, and every transaction body reads what it decides on, so running it again is safe.
      if (attempt >= 3 || !isRetryableConflict(e)) throw e;
    }
  }
}

function isRetryableConflict(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: string; meta?: { driverAdapterError?: unknown } };
  return e.code === "P2034" || /\b40P01\b|\b40001\b|deadlock detected|could not serialize/i.test(`${e.message} ${String(e.meta?.driverAdapterError ?? "")}`);
}

/**
 * Whether a database error is a unique-constraint violation, however it surfaced: through a model
 * call (P2002) or a raw statement (P2010 wrapping the driver's error), on either database.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: string; meta?: { driverAdapterError?: unknown }; cause?: { code?: string; kind?: string } };
  if (e.code === "P2002") return true;
  const driver = e.meta?.driverAdapterError as { cause?: { kind?: string; originalCode?: string } } | undefined;
  if (driver?.cause?.kind === "UniqueConstraintViolation" || e.cause?.kind === "UniqueConstraintViolation") return true;
  if (e.cause?.code === "23505" || driver?.cause?.originalCode === "23505") return true;
  return /UniqueConstraintViolation|unique constraint|UNIQUE constraint failed|\b23505\b|SQLITE_CONSTRAINT_UNIQUE/i.test(
    `${e.message} ${String(e.meta?.driverAdapterError ?? "")}`,
  );
}
