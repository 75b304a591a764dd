// Reporting benchmark on one engine: `npx tsx bench/reports.ts --engine sqlite|postgresql
// [--items 1000000] [--runs 30] [--pg-url URL] [--reuse]`. Seeds a year of history (bench/reports-seed.ts:
// items, flags, decisions, appeals, quality reviews and the hash-chained audit events they made),
// folds the whole log into the report rollups (foldPending, the same work as rebuildRollups), then
// times every rollup reader as the dashboards call it, the dashboards' and the transparency report's
// data functions when those modules exist, the same SELECTs run bare on the driver, and the report a
// console without rollups would compute from the raw rows. Writes docs/benchmarks/reports-<engine>-<N>.md
// and tmp/bench-reports/<engine>-<N>.json. --reuse keeps a database seeded and folded by an earlier
// run of the same size and only measures.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { freshDatabase, serverVersion } from "./pg-cluster.ts";
import { sqlitePlanText, type SqlitePlanRow } from "./plans.ts";
import { machine } from "./report.ts";
import {
  BULK_TABLES,
  copyRows,
  FIRST_DAY,
  LAST_DAY,
  MODERATORS,
  postgresSink,
  REPORT_QUEUES,
  seedYear,
  sqliteSink,
  type Row,
  type SeedTotals,
  type Table,
} from "./reports-seed.ts";
import { fmt, mb, ms, summary, type Summary } from "./stats.ts";

process.env.TZ = "UTC";
const ROOT = path.resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    engine: { type: "string", default: "sqlite" },
    items: { type: "string", default: "1000000" },
    runs: { type: "string", default: "30" },
    "pg-url": { type: "string" },
    reuse: { type: "boolean", default: false },
    "rollups-from": { type: "string" },
    "fold-sample": { type: "string", default: "150000" },
  },
  strict: true,
});
const ENGINE: "sqlite" | "postgresql" = args.engine === "postgresql" ? "postgresql" : "sqlite";
const N = Number(String(args.items).replace(/_/g, ""));
const RUNS = Number(args.runs);
if (!Number.isInteger(N) || N < 1000) throw new Error("--items takes a whole number of at least 1,000");
const DIR = path.join(ROOT, "tmp", "bench-reports");
mkdirSync(DIR, { recursive: true });
const log = (m: string) => console.error(`[reports ${ENGINE} ${fmt(N)}] ${m}`);
const TARGET_MS = 300;

// ---- database -----------------------------------------------------------------------------------
let url: string;
const sqliteFile = path.join(DIR, `reports-${N}.db`);
const pgName = `docket_bench_reports_${N}`;
const reuse = Boolean(args.reuse);
if (ENGINE === "sqlite") {
  if (!reuse) for (const f of [sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`]) rmSync(f, { force: true });
  url = `file:${sqliteFile}`;
} else {
  const admin = args["pg-url"] ?? process.env.DOCKET_BENCH_PG_URL ?? process.env.DOCKET_TEST_PG_URL;
  if (!admin) throw new Error("--engine postgresql needs --pg-url (or DOCKET_BENCH_PG_URL)");
  if (reuse) {
    const u = new URL(admin);
    u.pathname = `/${pgName}`;
    url = u.toString();
  } else url = freshDatabase(admin, pgName);
}
process.env.DATABASE_URL = url;
process.env.NODE_ENV = "production";
const { migrate } = await import("../app/migrate.server.ts");
const { db } = await import("../app/db.server.ts");
const psql = (sql: string) => execFileSync("psql", [url, "-XAtqv", "ON_ERROR_STOP=1", "-c", sql], { encoding: "utf8" });

type SeedInfo = {
  totals: SeedTotals;
  seedSeconds: number;
  indexSeconds: number;
  foldSeconds: number;
  foldEvents: number;
  /** Set when the fold was timed on the log's first events only and the rollups copied from a SQLite run of the same size. */
  rollupsFrom?: string;
  verify: { ok: boolean; checked: number; ms: number };
};
const infoFile = path.join(DIR, `${ENGINE}-${N}-seed.json`);

async function seed(): Promise<SeedInfo> {
  await migrate(url, { root: ROOT });
  const { ensureStarterLabelSet } = await import("../app/modules/labels/starter.server.ts");
  const { versionId } = await ensureStarterLabelSet({ kind: "system", name: "bench" });
  const labels = await db.label.findMany({ where: { versionId }, select: { key: true, defaultAction: true } });
  const byAction = (a: string) => {
    const keys = labels.filter((l) => l.defaultAction === a).map((l) => l.key);
    return keys.length ? keys : labels.map((l) => l.key);
  };
  const moderators = Array.from({ length: MODERATORS }, (_, k) => {
    const email = `moderator-${String(k + 1).padStart(2, "0")}@example.test`;
    return { id: `bench-moderator-${k + 1}`, email, label: `${email} (moderator)` };
  });
  await db.user.createMany({
    data: moderators.map((m, k) => ({ id: m.id, email: m.email, name: `Moderator ${k + 1}`, role: "moderator", passwordHash: "x" })),
  });
  await db.queue.createMany({ data: REPORT_QUEUES.map((q) => ({ id: q.id, name: q.name })) });
  const head = await db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
  await db.$disconnect();

  // Secondary indexes go before the load and are built once after it, as bench/seed.ts does.
  const started = performance.now();
  let totals: SeedTotals;
  let rebuild: () => void;
  const ctx = {
    versionId,
    labelsByAction: { keep: byAction("keep"), remove: byAction("remove"), restrict: byAction("restrict"), escalate: byAction("escalate") },
    moderators,
  };
  if (ENGINE === "sqlite") {
    const sqlite = new Database(sqliteFile);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = OFF");
    sqlite.pragma("cache_size = -524288");
    // Flags are written before their items (an item row is complete only once its history is): keys are checked by construction.
    sqlite.pragma("foreign_keys = OFF");
    const indexes = sqlite
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${BULK_TABLES.map((t) => `'${t}'`).join(",")})`)
      .all() as { name: string; sql: string }[];
    for (const i of indexes) sqlite.exec(`DROP INDEX "${i.name}"`);
    totals = await seedYear(N, ctx, head, sqliteSink(sqlite), log);
    sqlite.prepare(`UPDATE "AuditHead" SET "seq" = ?, "hash" = ? WHERE "id" = 1`).run(totals.events, totals.headHash);
    rebuild = () => {
      for (const i of indexes) sqlite.exec(i.sql);
      sqlite.exec("ANALYZE");
      sqlite.pragma("wal_checkpoint(TRUNCATE)");
      sqlite.close();
    };
  } else {
    const tables: Table[] = ["Item", "Flag", "Decision", "Appeal", "QualityReview", "AuditEvent"];
    const indexes = psql(
      `SELECT indexname || E'\\t' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN (${BULK_TABLES.map((t) => `'${t}'`).join(",")})
         AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
    )
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("\t"));
    for (const [name] of indexes) psql(`DROP INDEX "${name}"`);
    // Foreign-key checks paused for the load: the generator writes every row a key names.
    for (const t of tables) psql(`ALTER TABLE "${t}" DISABLE TRIGGER ALL`);
    totals = await seedYear(N, ctx, head, postgresSink(url), log);
    psql(`UPDATE "AuditHead" SET "seq" = ${totals.events}, "hash" = '${totals.headHash}' WHERE "id" = 1`);
    rebuild = () => {
      for (const t of tables) psql(`ALTER TABLE "${t}" ENABLE TRIGGER ALL`);
      for (const [, def] of indexes) psql(def);
      psql("VACUUM (ANALYZE)");
    };
  }
  const seedSeconds = (performance.now() - started) / 1000;
  log(`wrote ${fmt(totals.items)} items and ${fmt(totals.events)} events in ${seedSeconds.toFixed(1)} s; building indexes`);
  const indexStarted = performance.now();
  rebuild();
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  log(`indexes in ${indexSeconds.toFixed(1)} s; folding`);

  // The fold over the whole log: what the refresher does in 20,000-event steps, and what rebuildRollups costs.
  const { foldPending } = await import("../app/modules/reporting/rollups.server.ts");
  const foldStarted = performance.now();
  let foldEvents = 0;
  const rollupsFrom = args["rollups-from"];
  // With --rollups-from, only the log's first events are folded here (for the rate); the rest of the
  // rollups come from a SQLite run of the same size, whose log the same generator made row for row.
  const foldLimit = rollupsFrom ? Number(args["fold-sample"]) : Number.MAX_SAFE_INTEGER;
  while (foldEvents < foldLimit) {
    const step = await foldPending(Math.min(100_000, foldLimit - foldEvents));
    foldEvents += step;
    if (step === 0) break;
    log(`folded ${fmt(foldEvents)} events, ${fmt((foldEvents / (performance.now() - foldStarted)) * 1000)} events/s`);
  }
  const foldSeconds = (performance.now() - foldStarted) / 1000;
  log(`folded ${fmt(foldEvents)} events in ${foldSeconds.toFixed(1)} s`);
  if (rollupsFrom && ENGINE === "postgresql") await copyRollups(rollupsFrom, totals.events);
  if (ENGINE === "sqlite") {
    const s = new Database(sqliteFile);
    s.exec("ANALYZE");
    s.pragma("wal_checkpoint(TRUNCATE)");
    s.close();
  } else psql("VACUUM (ANALYZE)");

  const { verifyChain } = await import("../app/modules/audit/verify.server.ts");
  const v = await verifyChain();
  log(`chain ${v.ok ? "verifies" : "does NOT verify"}: ${fmt(v.checked)} events in ${fmt(v.ms)} ms`);
  const info: SeedInfo = { totals, seedSeconds, indexSeconds, foldSeconds, foldEvents, rollupsFrom, verify: { ok: v.ok, checked: v.checked, ms: v.ms } };
  writeFileSync(infoFile, JSON.stringify(info));
  return info;
}

/** Replaces the rollups with those of a SQLite run's fold of the same log, and moves the head to the log's end. */
async function copyRollups(file: string, head: number) {
  // The SQLite run may still be folding: wait until its head reaches its log's end.
  for (;;) {
    const s = new Database(file, { readonly: true });
    const { folded, logged } = s.prepare(`SELECT (SELECT "seq" FROM "ReportHead") AS folded, (SELECT "seq" FROM "AuditHead") AS logged`).get() as {
      folded: number;
      logged: number;
    };
    s.close();
    if (folded === logged && logged === head) break;
    if (logged !== head) throw new Error(`${file} holds a log of ${logged} events, this one ${head}: not the same history`);
    log(`waiting for ${file} to finish folding (${fmt(folded)} of ${fmt(logged)})`);
    await new Promise((r) => setTimeout(r, 30_000));
  }
  psql(`TRUNCATE "ReportCount", "ReportMiss"`);
  const sqlite = new Database(file, { readonly: true });
  const countCols = ["metric", "day", "platform", "queueId", "k1", "k2", "n"];
  const missCols = ["seq", "itemId", "day", "platform", "queueId", "source", "dueAt", "decidedAt"];
  const c = await copyRows(
    url,
    "ReportCount",
    countCols,
    sqlite
      .prepare(`SELECT ${countCols.map((x) => `"${x}"`).join(",")} FROM "ReportCount"`)
      .raw(true)
      .iterate() as Iterable<Row>,
  );
  const m = await copyRows(
    url,
    "ReportMiss",
    missCols,
    sqlite
      .prepare(`SELECT ${missCols.map((x) => `"${x}"`).join(",")} FROM "ReportMiss"`)
      .raw(true)
      .iterate() as Iterable<Row>,
  );
  sqlite.close();
  psql(`UPDATE "ReportHead" SET "seq" = ${head} WHERE "id" = 1`);
  log(`copied ${fmt(c)} ReportCount and ${fmt(m)} ReportMiss rows from ${file}`);
}

const info: SeedInfo = reuse && existsSync(infoFile) ? (JSON.parse((await import("node:fs")).readFileSync(infoFile, "utf8")) as SeedInfo) : await seed();

// Docket never runs ANALYZE, so an installation plans its rollup reads without statistics on them. The load
// above analysed the tables; the rollups' statistics go again here, and the app's connection is opened anew,
// so the readers and the bare SELECTs below plan as an installation does and as each other.
if (ENGINE === "sqlite") {
  const s = new Database(sqliteFile);
  const stats = (s.prepare(`SELECT "name" FROM "sqlite_master" WHERE "name" IN ('sqlite_stat1', 'sqlite_stat4')`).all() as { name: string }[]).map(
    (r) => r.name,
  );
  for (const t of stats) s.prepare(`DELETE FROM "${t}" WHERE "tbl" IN ('ReportCount', 'ReportItem', 'ReportAppeal', 'ReportMiss')`).run();
  s.pragma("wal_checkpoint(TRUNCATE)");
  s.close();
  await db.$disconnect();
}

// ---- direct connections, sizes, counts ----------------------------------------------------------
const pool = ENGINE === "postgresql" ? new pg.Pool({ connectionString: url, max: 4 }) : null;
const direct = ENGINE === "sqlite" ? new Database(sqliteFile, { readonly: true }) : null;
const toPg = (sql: string) => {
  let k = 0;
  return sql.replace(/\?/g, () => `$${++k}`);
};
async function raw(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (direct) return direct.prepare(sql).all(...params) as Record<string, unknown>[];
  return (await pool!.query(toPg(sql), params)).rows;
}

const countRow = (
  await raw(`SELECT (SELECT COUNT(*) FROM "Item") AS items, (SELECT COUNT(*) FROM "Flag") AS flags, (SELECT COUNT(*) FROM "Decision") AS decisions,
  (SELECT COUNT(*) FROM "Appeal") AS appeals, (SELECT COUNT(*) FROM "QualityReview") AS reviews, (SELECT COUNT(*) FROM "AuditEvent") AS events,
  (SELECT COUNT(*) FROM "ReportCount") AS counts, (SELECT COUNT(*) FROM "ReportItem") AS reportItems, (SELECT COUNT(*) FROM "ReportMiss") AS misses,
  (SELECT COUNT(*) FROM "Item" WHERE "state" IN ('pending', 'escalated')) AS "open"`)
)[0];
const counts = Object.fromEntries(Object.entries(countRow).map(([k, v]) => [k, Number(v)])) as Record<string, number>;
const perMetric = (await raw(`SELECT "metric", COUNT(*) AS "rows" FROM "ReportCount" GROUP BY "metric" ORDER BY "metric"`)).map((r) => ({
  metric: String(r.metric),
  rows: Number(r.rows),
}));
const ROLLUP_TABLES = ["ReportCount", "ReportItem", "ReportAppeal", "ReportMiss"];
// Each count is kept for its scope and for "*": how many rows each kind of scope holds.
const perScope = (
  await raw(`SELECT CASE WHEN "platform" = '*' AND "queueId" = '*' THEN 'all platforms, all queues' WHEN "platform" = '*' THEN 'all platforms, one queue'
    WHEN "queueId" = '*' THEN 'one platform, all queues' ELSE 'one platform, one queue' END AS "scope", COUNT(*) AS "rows" FROM "ReportCount" GROUP BY 1 ORDER BY 1`)
).map((r) => ({ scope: String(r.scope), rows: Number(r.rows) }));
async function dataSize() {
  if (direct) {
    const total = statSync(sqliteFile).size + (existsSync(`${sqliteFile}-wal`) ? statSync(`${sqliteFile}-wal`).size : 0);
    let rollups: number | null;
    let countsSize: number | null = null;
    try {
      // ReportCount is WITHOUT ROWID: the table is its key's b-tree, with no index beside it.
      const r = direct
        .prepare(
          `SELECT SUM("pgsize") AS "b", SUM(CASE WHEN "name" = 'ReportCount' THEN "pgsize" ELSE 0 END) AS "c" FROM "dbstat"
           WHERE "name" IN (SELECT "name" FROM "sqlite_master" WHERE "tbl_name" IN (${ROLLUP_TABLES.map((t) => `'${t}'`).join(", ")}))`,
        )
        .get() as { b: number; c: number };
      rollups = Number(r.b);
      countsSize = Number(r.c);
    } catch {
      rollups = null; // dbstat is compiled out of some builds
    }
    return { total, rollups, counts: countsSize };
  }
  const r = (
    await pool!.query(
      `SELECT pg_database_size(current_database())::bigint AS total, (${ROLLUP_TABLES.map((t) => `pg_total_relation_size('"${t}"')`).join(" + ")})::bigint AS rollups,
         pg_total_relation_size('"ReportCount"')::bigint AS counts`,
    )
  ).rows[0];
  return { total: Number(r.total), rollups: Number(r.rollups), counts: Number(r.counts) };
}
const size = await dataSize();
log(`${fmt(counts.items)} items, ${fmt(counts.decisions)} decisions, ${fmt(counts.events)} events, ${fmt(counts.counts)} rollup rows, ${mb(size.total)}`);

// ---- timing -------------------------------------------------------------------------------------
/**
 * Warm runs, then `runs` measured ones; a call that takes seconds gets fewer (10 over 300 ms, 5 over
 * a second), so a slow reader at full size does not hold the run for an hour. The count is reported.
 */
async function time(fn: () => Promise<unknown>, runs: number, warm = 2): Promise<Summary & { runs: number }> {
  let slowest = 0;
  for (let i = 0; i < warm; i++) {
    const t0 = performance.now();
    await fn();
    slowest = Math.max(slowest, performance.now() - t0);
  }
  runs = slowest > 1000 ? Math.min(runs, 5) : slowest > 300 ? Math.min(runs, 10) : runs;
  const list: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    list.push(performance.now() - t);
  }
  return { ...summary(list), runs };
}

const read = await import("../app/modules/reporting/read.server.ts");
const { medianOfBins } = await import("../app/modules/reporting/metrics.ts");
const { foldPending } = await import("../app/modules/reporting/rollups.server.ts");
type Range = { from: string; to: string };
const RANGES: Record<string, Range> = { year: { from: FIRST_DAY, to: LAST_DAY }, "30 days": { from: "2025-12-02", to: LAST_DAY } };
const QUEUE = REPORT_QUEUES[0].id;
const SCOPES: Record<string, string | null> = { all: null, [QUEUE]: QUEUE };

/**
 * The bare side runs the reader's own statements on the driver: each reader is called once with Prisma's
 * query events captured, and the ReportCount and ReportMiss statements it sent (text and parameters) are
 * replayed. The readers' other statements (the per-queue readers' lookup of the queue list) are not, so
 * they count on the reader's side of the ratio, with Prisma's query path and the mapping of rows.
 */
type Statement = { sql: string; params: unknown[] };
let captured: Statement[] | null = null;
(db as unknown as { $on: (e: "query", cb: (ev: { query: string; params: string }) => void) => void }).$on("query", (e) => {
  if (captured && /"ReportCount"|"ReportMiss"|`ReportMiss`/.test(e.query)) captured.push({ sql: e.query, params: JSON.parse(e.params) as unknown[] });
});
async function statementsOf(call: () => Promise<unknown>): Promise<Statement[]> {
  captured = [];
  await call();
  const out = captured;
  captured = null;
  return out;
}
async function native(st: Statement): Promise<unknown[]> {
  if (direct) return direct.prepare(st.sql).all(...st.params);
  return (await pool!.query(st.sql, st.params)).rows;
}
const replay = (list: Statement[]) => Promise.all(list.map(native));

type ReaderCase = { reader: string; metric: string; range: string; scope: string; rows: number; app: Summary & { runs: number }; bare: Summary };
const readerCases: {
  reader: string;
  metric: string;
  app: (r: Range, q: string | null) => Promise<unknown[]>;
}[] = [
  ...["decisions.made", "notices.received", "actions.taken", "ttd.received", "decisions.by_moderator", "decisions.label"].map((metric) => ({
    reader: "dailyCounts",
    metric,
    app: (r: Range, q: string | null) => read.dailyCounts(metric as never, r, { queueId: q }),
  })),
  ...["items.received", "decisions.made"].map((metric) => ({
    reader: "dailyCountsByQueue",
    metric,
    app: (r: Range, q: string | null) => read.dailyCountsByQueue(metric as never, r, { queueId: q }),
  })),
  ...["actions.taken", "decisions.by_moderator", "decisions.label", "ttd.fine", "deadline.result", "appeals.decided"].map((metric) => ({
    reader: "totalCounts",
    metric,
    app: (r: Range, q: string | null) => read.totalCounts(metric as never, r, { queueId: q }),
  })),
  ...["ttd.received", "deadline.result"].map((metric) => ({
    reader: "totalCountsByQueue",
    metric,
    app: (r: Range, q: string | null) => read.totalCountsByQueue(metric as never, r, { queueId: q }),
  })),
  { reader: "depthByDay", metric: "depth.delta", app: (r, q) => read.depthByDay(r, { queueId: q }) },
  {
    reader: "deadlineMisses",
    metric: "(ReportMiss, 200 newest)",
    app: (r, q) => read.deadlineMisses(r, { queueId: q }, 200),
  },
];

const readers: ReaderCase[] = [];
for (const c of readerCases) {
  for (const [rangeName, range] of Object.entries(RANGES)) {
    for (const [scopeName, queueId] of Object.entries(SCOPES)) {
      // Alternate the two so a busy neighbour on the shared machine weighs on both alike.
      const rows = (await c.app(range, queueId)).length;
      const statements = await statementsOf(() => c.app(range, queueId));
      const app = await time(() => c.app(range, queueId), RUNS);
      const b = await time(() => replay(statements), RUNS);
      readers.push({ reader: c.reader, metric: c.metric, range: rangeName, scope: scopeName, rows, app, bare: b });
      log(`${c.reader}(${c.metric}) ${rangeName} ${scopeName}: p50 ${ms(app.p50)} p95 ${ms(app.p95)} ms (bare p50 ${ms(b.p50)})`);
    }
  }
}
const caughtUp = await time(() => foldPending(20_000), RUNS);

// ---- dashboards and the transparency report, when present ---------------------------------------
type Named = { name: string; range: string; scope: string; stats: Summary | null; error?: string };
const importIfPresent = async (rel: string): Promise<Record<string, unknown> | null> => {
  const file = path.join(ROOT, rel);
  if (!existsSync(file)) return null;
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
};
const dashboardsModule = await importIfPresent("app/modules/reporting/dashboards.server.ts");
const dashboards: Named[] = [];
const registry = dashboardsModule?.DASHBOARDS as Record<string, (q: { range: Range; queueId: string | null }) => Promise<unknown>> | undefined;
if (registry) {
  for (const [key, fn] of Object.entries(registry)) {
    for (const [rangeName, range] of Object.entries(RANGES)) {
      for (const [scopeName, queueId] of Object.entries(SCOPES)) {
        try {
          const stats = await time(() => fn({ range, queueId }), RUNS);
          dashboards.push({ name: key, range: rangeName, scope: scopeName, stats });
          log(`dashboard ${key} ${rangeName} ${scopeName}: p50 ${ms(stats.p50)} p95 ${ms(stats.p95)} ms`);
        } catch (e) {
          dashboards.push({ name: key, range: rangeName, scope: scopeName, stats: null, error: (e as Error).message.slice(0, 200) });
        }
      }
    }
  }
}
const transparencyModule = await importIfPresent("app/modules/reporting/transparency.server.ts");
const transparency: Named[] = [];
const report = transparencyModule?.transparencyReport as ((period: Range, platform?: string | null) => Promise<unknown>) | undefined;
if (report) {
  for (const platform of [null, "bench-social"]) {
    const scope = platform ?? "all platforms";
    try {
      const stats = await time(() => report(RANGES.year, platform), RUNS);
      transparency.push({ name: "transparencyReport", range: "year", scope, stats });
      log(`transparencyReport year ${scope}: p50 ${ms(stats.p50)} p95 ${ms(stats.p95)} ms`);
    } catch (e) {
      transparency.push({ name: "transparencyReport", range: "year", scope, stats: null, error: (e as Error).message.slice(0, 200) });
    }
  }
}

// ---- a console without rollups: the same figures from the raw rows -------------------------------
const YEAR_FROM = Date.UTC(2025, 0, 1);
const YEAR_TO = Date.UTC(2026, 0, 1);
const t = (msValue: number) => (ENGINE === "sqlite" ? msValue : new Date(msValue));
const dayExpr = (col: string) => (ENGINE === "sqlite" ? `date(${col} / 1000, 'unixepoch')` : `to_char(${col}, 'YYYY-MM-DD')`);
const seconds = (a: string, b: string) => (ENGINE === "sqlite" ? `(${a} - ${b}) / 1000` : `EXTRACT(EPOCH FROM ${a} - ${b})`);
const closing = `d."action" <> 'escalate' AND d."supersedesId" IS NULL`;
type PeerCase = { figure: string; docket: () => Promise<unknown>; peer: () => Promise<unknown>; peerSql: string };
const medianPeerSql =
  ENGINE === "sqlite"
    ? `WITH t AS (SELECT ${seconds(`d."createdAt"`, `i."firstFlaggedAt"`)} AS s FROM "Decision" d JOIN "Item" i ON i."id" = d."itemId"
        WHERE d."createdAt" >= ? AND d."createdAt" < ? AND ${closing}) SELECT s FROM t ORDER BY s LIMIT 1 OFFSET (SELECT (COUNT(*) - 1) / 2 FROM t)`
    : `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ${seconds(`d."createdAt"`, `i."firstFlaggedAt"`)}) AS s FROM "Decision" d JOIN "Item" i ON i."id" = d."itemId"
        WHERE d."createdAt" >= ? AND d."createdAt" < ? AND ${closing}`;
const peerCases: PeerCase[] = [
  {
    figure: "decisions per day and action, the year",
    docket: () => read.dailyCounts("decisions.made", RANGES.year),
    peerSql: `SELECT ${dayExpr(`"createdAt"`)} AS "day", "action", COUNT(*) AS "n" FROM "Decision" WHERE "createdAt" >= ? AND "createdAt" < ? GROUP BY 1, 2 ORDER BY 1, 2`,
    peer: () => raw(peerCases[0].peerSql, [t(YEAR_FROM), t(YEAR_TO)]),
  },
  {
    figure: `decisions per day and action, the year, one queue`,
    docket: () => read.dailyCounts("decisions.made", RANGES.year, { queueId: QUEUE }),
    peerSql: `SELECT ${dayExpr(`d."createdAt"`)} AS "day", d."action", COUNT(*) AS "n" FROM "Decision" d JOIN "Item" i ON i."id" = d."itemId"
      WHERE d."createdAt" >= ? AND d."createdAt" < ? AND i."queueId" = ? GROUP BY 1, 2 ORDER BY 1, 2`,
    peer: () => raw(peerCases[1].peerSql, [t(YEAR_FROM), t(YEAR_TO), QUEUE]),
  },
  {
    figure: "deadlines met and missed per source (removal orders' one hour among them), the year",
    docket: () => read.totalCounts("deadline.result", RANGES.year),
    peerSql: `SELECT "strongestSource", SUM(CASE WHEN "decidedAt" <= "dueAt" THEN 1 ELSE 0 END) AS "met", COUNT(*) AS "n" FROM "Item"
      WHERE "dueAt" IS NOT NULL AND "decidedAt" >= ? AND "decidedAt" < ? GROUP BY 1`,
    peer: () => raw(peerCases[2].peerSql, [t(YEAR_FROM), t(YEAR_TO)]),
  },
  {
    figure: "median time from notice to action, the year",
    docket: async () =>
      medianOfBins((await read.totalCounts("ttd.fine", RANGES.year)).filter((c) => c.k1.startsWith("action:")).map((c) => [Number(c.k2), c.n] as const)),
    peerSql: medianPeerSql,
    peer: () => raw(peerCases[3].peerSql, [t(YEAR_FROM), t(YEAR_TO)]),
  },
  {
    figure: "notices per source and reason, the year",
    docket: () => read.totalCounts("notices.received", RANGES.year),
    peerSql: `SELECT "source", "reason", COUNT(*) AS "n" FROM "Flag" WHERE "receivedAt" >= ? AND "receivedAt" < ? GROUP BY 1, 2`,
    peer: () => raw(peerCases[4].peerSql, [t(YEAR_FROM), t(YEAR_TO)]),
  },
];
const PEER_RUNS = Math.min(RUNS, 5);
const peers: { figure: string; docket: Summary; peer: Summary; peerSql: string }[] = [];
for (const c of peerCases) {
  const docket = await time(c.docket, RUNS);
  const peer = await time(c.peer, PEER_RUNS, 1);
  peers.push({ figure: c.figure, docket, peer, peerSql: c.peerSql });
  log(`${c.figure}: rollups p50 ${ms(docket.p50)} ms, raw rows p50 ${ms(peer.p50)} ms`);
}

// ---- plans --------------------------------------------------------------------------------------
const planCases: { name: string; call: () => Promise<unknown> }[] = [
  { name: "dailyCounts('decisions.made', year), all platforms and queues", call: () => read.dailyCounts("decisions.made", RANGES.year) },
  { name: "totalCounts('decisions.by_moderator', year, one queue)", call: () => read.totalCounts("decisions.by_moderator", RANGES.year, { queueId: QUEUE }) },
  { name: "dailyCountsByQueue('items.received', year), every queue", call: () => read.dailyCountsByQueue("items.received", RANGES.year) },
  { name: "totalCountsByQueue('ttd.received', year), every queue", call: () => read.totalCountsByQueue("ttd.received", RANGES.year) },
  { name: "depthByDay(30 days), every queue", call: () => read.depthByDay(RANGES["30 days"]) },
  { name: "deadlineMisses(year)", call: () => read.deadlineMisses(RANGES.year, {}, 200) },
];
const plans: { name: string; plan: string }[] = [];
for (const p of planCases) {
  const statements = await statementsOf(p.call);
  const text: string[] = [];
  for (const st of statements) {
    if (direct) text.push(sqlitePlanText(direct.prepare(`EXPLAIN QUERY PLAN ${st.sql}`).all(...st.params) as SqlitePlanRow[]));
    else {
      const rows = (await pool!.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${st.sql}`, st.params)).rows as { "QUERY PLAN": string }[];
      text.push(rows.map((r) => r["QUERY PLAN"]).join("\n"));
    }
  }
  plans.push({ name: p.name, plan: text.join("\n\n") });
}

// ---- report -------------------------------------------------------------------------------------
const version =
  ENGINE === "sqlite"
    ? `SQLite ${(direct!.prepare("select sqlite_version() AS v").get() as { v: string }).v} (better-sqlite3)`
    : `PostgreSQL ${serverVersion(url)}`;
const pgSettings = pool ? (await pool.query(`SELECT current_setting('shared_buffers') AS sb, current_setting('work_mem') AS wm`)).rows[0] : null;
const load = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(", ");
const result = {
  engine: ENGINE,
  items: N,
  runs: RUNS,
  version,
  machine: machine(),
  load,
  info,
  counts,
  perMetric,
  perScope,
  size,
  readers,
  caughtUp,
  dashboards,
  transparency,
  peers,
  plans,
};
writeFileSync(path.join(DIR, `${ENGINE}-${N}.json`), JSON.stringify(result, null, 1));
const { reportsSection } = await import("./reports-report.ts");
const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
const md = reportsSection({
  ...result,
  commit,
  pgSettings: pgSettings ? `shared_buffers ${pgSettings.sb}, work_mem ${pgSettings.wm}` : null,
  target: TARGET_MS,
});
mkdirSync(path.join(ROOT, "docs", "benchmarks"), { recursive: true });
writeFileSync(path.join(ROOT, "docs", "benchmarks", `reports-${ENGINE}-${N}.md`), md);
console.log(md);
await pool?.end();
direct?.close();
await db.$disconnect();
process.exit(0);
