import { spawn } from "node:child_process";
import Database from "better-sqlite3";
import pg from "pg";
import { canonicalJson, eventHash, GENESIS_HASH, type ChainedFields } from "~/modules/audit/chain.ts";
import { sqliteFilePath } from "~/db-url.server.ts";
import { ROOT } from "./databases.ts";

/**
 * Direct access to a test database, outside the app, for what an attacker with database access
 * would do: drop the triggers and rewrite the log.
 */
export type RawDb = {
  dialect: "sqlite" | "postgresql";
  run: (sql: string, params?: unknown[]) => Promise<void>;
  all: <T>(sql: string, params?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
};

export async function openRaw(url: string): Promise<RawDb> {
  if (url.startsWith("file:")) {
    const sqlite = new Database(sqliteFilePath(url));
    // SQLite placeholders are ?; the tests write $1-style for both.
    const q = (sql: string) => sqlite.prepare(sql.replace(/\$\d+/g, "?"));
    const conv = (params: unknown[]) => params.map((p) => (p instanceof Date ? p.getTime() : p));
    return {
      dialect: "sqlite",
      run: async (sql, params = []) => {
        if (params.length === 0 && sql.includes(";")) sqlite.exec(sql);
        else q(sql).run(...conv(params));
      },
      all: async <T>(sql: string, params: unknown[] = []) => q(sql).all(...conv(params)) as T[],
      close: async () => void sqlite.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // TIMESTAMP(3) without zone holds UTC: pass dates as zone-less UTC text.
  const conv = (params: unknown[]) => params.map((p) => (p instanceof Date ? p.toISOString().replace("Z", "") : p));
  return {
    dialect: "postgresql",
    run: async (sql, params = []) => void (await client.query(sql, conv(params))),
    all: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, conv(params))).rows as T[],
    close: () => client.end(),
  };
}

export async function dropAuditTriggers(raw: RawDb) {
  for (const t of ["AuditEvent_no_update", "AuditEvent_no_delete"]) {
    await raw.run(raw.dialect === "sqlite" ? `DROP TRIGGER "${t}"` : `DROP TRIGGER "${t}" ON "AuditEvent"`);
  }
}

export type ForgedEvent = ChainedFields & { prevHash: string; hash: string };

/** An event with a correct hash for its position: what a forger who knows the algorithm writes. */
export function forgeEvent(seq: number, prevHash: string, payload: Record<string, unknown>, at = new Date(), action = "test.event"): ForgedEvent {
  const fields: ChainedFields = {
    seq,
    at,
    actorId: null,
    actorLabel: "system: test",
    action,
    subjectType: "test",
    subjectId: `subject-${seq}`,
    payload: canonicalJson(payload),
  };
  return { ...fields, prevHash, hash: eventHash(prevHash, fields) };
}

export async function insertEvent(raw: RawDb, e: ForgedEvent) {
  await raw.run(
    `INSERT INTO "AuditEvent" ("seq","at","actorId","actorLabel","action","subjectType","subjectId","payload","prevHash","hash") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
    [e.seq, e.at, e.actorId, e.actorLabel, e.action, e.subjectType, e.subjectId, e.payload, e.prevHash, e.hash],
  );
}

/** Writes a valid chain of n events straight into an empty log and moves the head to its end. */
export async function seedChain(raw: RawDb, n: number): Promise<ForgedEvent[]> {
  const events: ForgedEvent[] = [];
  let prev = GENESIS_HASH;
  const start = Date.now() - n * 1000;
  for (let seq = 1; seq <= n; seq++) {
    const e = forgeEvent(seq, prev, { n: seq, note: "fictional test event" }, new Date(start + seq * 1000));
    await insertEvent(raw, e);
    events.push(e);
    prev = e.hash;
  }
  await raw.run(`UPDATE "AuditHead" SET "seq" = $1, "hash" = $2 WHERE "id" = 1`, [n, prev]);
  return events;
}

/**
 * Runs the real `npm run audit:verify` against a database, as an operator would. Asynchronous, so
 * the test worker stays responsive while the command runs.
 */
export function runVerifyCommand(databaseUrl: string, args: string[] = []): Promise<{ status: number | null; stdout: string; stderr: string; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "-s", "audit:verify", ...(args.length ? ["--", ...args] : [])], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("error", reject);
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}
