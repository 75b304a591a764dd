// Queue benchmark on one engine: `npx tsx bench/queue.ts --engine sqlite|postgresql --items 100000
// [--pg-url URL] [--quick]`. The application fixes its engine per process from DATABASE_URL, so
// bench/run.ts starts this once per engine and size. Seeds a fresh database with the shared
// generator (bench/seed.ts), then measures through the application's own module functions and its
// real HTTP server: claim next (claimNext) against the bare claim SQL across ten queues (claimers in
// 3 of them, then in all 10) and in one queue, with the plans of its reads and statements; decide,
// the queue list loader (listQueue), HTTP intake against raw inserts, request overhead, and UUIDv4
// against UUIDv7 keys for raw inserts. After every concurrent run it counts double claims and users
// holding two items, verifies the audit chain and checks that every acknowledged write is on file. Writes
// docs/benchmarks/queue-<engine>-<N>.md and tmp/bench-queue/<engine>-<N>.json (for run.ts).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, openSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { freshDatabase } from "./pg-cluster.ts";
import { BENCH_QUEUES, FLAG_COLUMNS, generate, ITEM_COLUMNS, pgParams, writePostgres, writeSqlite, type Generated, type Row, type Value } from "./seed.ts";
import { machine, queueSection } from "./report.ts";
import { planVerdict, sqlitePlanText, type SqlitePlanRow } from "./plans.ts";
import { fmt, summary, type Summary } from "./stats.ts";
import { newId as uuidv7 } from "../app/modules/ids.ts";

process.env.TZ = "UTC";
const ROOT = path.resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    engine: { type: "string", default: "sqlite" },
    items: { type: "string", default: "100000" },
    "pg-url": { type: "string" },
    quick: { type: "boolean", default: false },
  },
  strict: false,
});
const ENGINE = args.engine === "postgresql" ? "postgresql" : "sqlite";
const N = Number(args.items);
const QUICK = Boolean(args.quick);
const DIR = path.join(ROOT, "tmp", "bench-queue");
mkdirSync(DIR, { recursive: true });
const log = (m: string) => console.error(`[${ENGINE} ${fmt(N)}] ${m}`);

// ---- database -----------------------------------------------------------------------------------
let url: string;
let sqliteFile = "";
if (ENGINE === "sqlite") {
  sqliteFile = path.join(DIR, `queue-${N}.db`);
  for (const f of [sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`]) rmSync(f, { force: true });
  url = `file:${sqliteFile}`;
} else {
  const admin = (args["pg-url"] as string | undefined) ?? process.env.DOCKET_BENCH_PG_URL;
  if (!admin) throw new Error("--engine postgresql needs --pg-url (bench/run.ts starts a cluster and passes it)");
  url = freshDatabase(admin, `docket_bench_${N}`);
}
process.env.DATABASE_URL = url;
process.env.NODE_ENV = "production";
const { migrate } = await import("../app/migrate.server.ts");
await migrate(url, { root: ROOT });

// ---- seed ---------------------------------------------------------------------------------------
const NOW = Date.now();
const seedStarted = performance.now();
const make = (i: number) => generate(i, NOW);
if (ENGINE === "sqlite") {
  writeSqlite(sqliteFile, 0, N, make);
  const s = new Database(sqliteFile);
  s.exec("ANALYZE");
  s.pragma("wal_checkpoint(TRUNCATE)");
  s.close();
} else {
  await writePostgres(url, 0, N, make);
  execFileSync("psql", [url, "-Xqc", "VACUUM (ANALYZE)"], { stdio: ["ignore", "ignore", "inherit"] });
}
const seedSeconds = (performance.now() - seedStarted) / 1000;
log(`seeded in ${seedSeconds.toFixed(1)} s`);

// Direct connections for the bare statements and the raw inserts, outside the application.
const pool = ENGINE === "postgresql" ? new pg.Pool({ connectionString: url, max: 20 }) : null;
const direct = ENGINE === "sqlite" ? new Database(sqliteFile) : null;
direct?.pragma("busy_timeout = 10000");

async function sizes() {
  if (direct) {
    const bytes = statSync(sqliteFile).size + (existsSync(`${sqliteFile}-wal`) ? statSync(`${sqliteFile}-wal`).size : 0);
    return { bytes };
  }
  const r = await pool!.query(`SELECT pg_database_size(current_database())::bigint AS bytes`);
  return { bytes: Number(r.rows[0].bytes) };
}
const dataSize = await sizes();
const counts = await (async () => {
  const sql = `SELECT (SELECT COUNT(*) FROM "Item") AS items, (SELECT COUNT(*) FROM "Flag") AS flags, (SELECT COUNT(*) FROM "Item" WHERE "state" IN ('pending','escalated')) AS open, (SELECT COUNT(*) FROM "Item" WHERE "state" = 'pending') AS pending`;
  const row = direct ? (direct.prepare(sql).get() as Record<string, number>) : (await pool!.query(sql)).rows[0];
  return { items: Number(row.items), flags: Number(row.flags), open: Number(row.open), pending: Number(row.pending) };
})();

// ---- the application ----------------------------------------------------------------------------
const { db } = await import("../app/db.server.ts");
const claims = await import("../app/modules/queue/claims.server.ts");
const list = await import("../app/modules/queue/list.server.ts");
const { decide } = await import("../app/modules/decisions/decide.server.ts");
const { verifyChain } = await import("../app/modules/audit/verify.server.ts");
const { ensureStarterLabelSet } = await import("../app/modules/labels/starter.server.ts");
const { hashToken } = await import("../app/modules/auth/session.server.ts");
const { versionId } = await ensureStarterLabelSet({ kind: "system", name: "bench" });
const keepLabel = await db.label.findFirst({ where: { versionId, group: "allowed" }, select: { id: true } });
if (!keepLabel) throw new Error("the starter label set has no allowed label to decide with");

const users: { id: string; email: string; role: string }[] = [];
for (let i = 0; i < 20; i++) {
  users.push(await db.user.create({ data: { id: randomUUID(), email: `bench-${i}@bench.test`, name: `Bench ${i}`, role: "moderator", passwordHash: "x" } }));
}
const claimers = users.map((u) => ({ id: u.id, email: u.email, role: u.role as "moderator" }));

// ---- queues and members -------------------------------------------------------------------------
// The seed routes open items to ten queues (BENCH_QUEUES). A layout says which queues each claimer
// is a member of; the single-queue layout first moves every open item into the first queue.
await db.queue.createMany({ data: BENCH_QUEUES.map((q) => ({ id: q.id, name: q.name, description: `${q.share}% of the seeded open items` })) });
const QUEUE_IDS = BENCH_QUEUES.map((q) => q.id);
type Layout = { key: "ten-3" | "ten-all" | "single"; title: string; members: string; queuesOf: (w: number) => string[] };
const LAYOUTS: Layout[] = [
  {
    key: "ten-3",
    title: "10 queues, each claimer a member of 3",
    members: "claimer w is a member of queues w, w+1 and w+3 (mod 10): every queue has 6 of the 20 claimers, and neighbours share queues",
    queuesOf: (w) => [w % 10, (w + 1) % 10, (w + 3) % 10].map((k) => QUEUE_IDS[k]),
  },
  { key: "ten-all", title: "10 queues, each claimer a member of all 10", members: "every claimer is a member of all 10 queues", queuesOf: () => QUEUE_IDS },
  { key: "single", title: "1 queue", members: "every open item in one queue, every claimer a member of it", queuesOf: () => [QUEUE_IDS[0]] },
];
async function applyLayout(layout: Layout) {
  await db.queueMember.deleteMany({ where: { userId: { in: users.map((u) => u.id) } } });
  await db.queueMember.createMany({ data: users.flatMap((u, w) => layout.queuesOf(w).map((queueId) => ({ queueId, userId: u.id }))) });
}

/** Open items per queue and state against the trigger-kept counters: the number of (queue, state) pairs that disagree. */
async function openCountMismatches() {
  const actual = await db.$queryRawUnsafe<{ q: string; s: string; n: number | bigint }[]>(
    `SELECT COALESCE("queueId", '') AS q, "state" AS s, COUNT(*) AS n FROM "Item" WHERE "state" IN ('pending', 'escalated') GROUP BY 1, 2`,
  );
  const counted = await db.$queryRawUnsafe<{ q: string; s: string; n: number | bigint }[]>(
    `SELECT "queueId" AS q, "state" AS s, SUM("n") AS n FROM "QueueOpenCount" GROUP BY 1, 2`,
  );
  const key = (r: { q: string; s: string }) => `${r.q}\t${r.s}`;
  const a = new Map(actual.map((r) => [key(r), Number(r.n)]));
  const c = new Map(counted.map((r) => [key(r), Number(r.n)]));
  return [...new Set([...a.keys(), ...c.keys()])].filter((k) => (a.get(k) ?? 0) !== (c.get(k) ?? 0)).length;
}
const openCounts: Record<string, number> = { "after seeding": await openCountMismatches() };
log(`open counts after seeding: ${openCounts["after seeding"]} mismatches`);

// ---- direct SQL ---------------------------------------------------------------------------------
type SqlObject = { sql: string; text: string; values: unknown[] };
const sqlOf = (sql: string, values: unknown[]): SqlObject => {
  let k = 0;
  return { sql, text: sql.replace(/\?/g, () => `$${++k}`), values };
};
const toDirect = (v: unknown): Value =>
  v instanceof Date ? (direct ? v.getTime() : pgParams([v.getTime()], ["dueAt"])[0]) : typeof v === "boolean" && direct ? Number(v) : (v as Value);
async function run<R = { id: string }>(sql: SqlObject): Promise<R[]> {
  if (direct) {
    const statement = direct.prepare(sql.sql);
    const values = sql.values.map(toDirect);
    if (statement.reader) return statement.all(...values) as R[];
    statement.run(...values);
    return [];
  }
  return (await pool!.query(sql.text, sql.values.map(toDirect))).rows;
}
type Lane = { queueId: string; state: "pending" };
/** The lane whose head a claimer's claim would take first by priority: one probe per queue, outside the timing. */
async function bestLane(queueIds: string[]): Promise<Lane> {
  let best: { queueId: string; top: number } | null = null;
  for (const queueId of queueIds) {
    const [head] = await run<{ priority: number }>(
      sqlOf(
        `SELECT "priority" FROM "Item" WHERE "queueId" = ? AND "state" = 'pending' AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ?)
         ORDER BY "queueId", "state", "priority" DESC, "firstFlaggedAt" LIMIT 1`,
        [queueId, new Date()],
      ),
    );
    if (head && (!best || Number(head.priority) > best.top)) best = { queueId, top: Number(head.priority) };
  }
  if (!best) throw new Error("queue ran dry");
  return { queueId: best.queueId, state: "pending" };
}
/** The bare claim: the application's by-priority claim statement of one lane, run directly and committed on its own. */
const bareStatement = (lane: Lane, user: { id: string }, now: Date): SqlObject =>
  claims.claimStatements(lane, user, randomUUID(), now, new Date(now.getTime() + 600_000)).byPriority;
const bareSource = "the application's claimStatements(lane).byPriority for the claimer's best lane";
async function bareClaim(lane: Lane, user: { id: string }) {
  const rows = await run(bareStatement(lane, user, new Date()));
  return rows[0]?.id ?? null;
}
/**
 * The lane-head reads of claimNext for one user and state, as claimReads writes them: for each open
 * queue the user is a member of, the deadline of its first free overdue item and the priority of its
 * first free item, each one probe of the queue-led indexes.
 */
function laneHeads(userId: string, now: Date): SqlObject {
  const free = `(i."leaseExpiresAt" IS NULL OR i."leaseExpiresAt" < ?) AND (i."assignedToId" IS NULL OR i."assignedToId" = ?)
        AND NOT EXISTS (SELECT 1 FROM "Claim" s WHERE s."itemId" = i."id" AND s."userId" = ? AND s."endReason" = 'skipped')`;
  return sqlOf(
    `SELECT m."queueId" AS "queueId", 'pending' AS "state",
      (SELECT i."dueAt" FROM "Item" i WHERE i."queueId" = m."queueId" AND i."state" = 'pending' AND i."dueAt" <= ? AND ${free}
        ORDER BY i."queueId", i."state", i."dueAt" LIMIT 1) AS "overdueAt",
      (SELECT i."priority" FROM "Item" i WHERE i."queueId" = m."queueId" AND i."state" = 'pending' AND ${free}
        ORDER BY i."queueId", i."state", i."priority" DESC, i."firstFlaggedAt" LIMIT 1) AS "top"
    FROM "QueueMember" m JOIN "Queue" q ON q."id" = m."queueId"
    WHERE m."userId" = ? AND q."open" = ? AND q."deletedAt" IS NULL`,
    [now, now, userId, userId, now, userId, userId, userId, true],
  );
}
/** The plan of a statement on this data: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL (rolled back), EXPLAIN QUERY PLAN on SQLite. */
async function planOf(statement: SqlObject): Promise<string> {
  if (direct) return sqlitePlanText(direct.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.values.map(toDirect)) as SqlitePlanRow[]);
  const client = await pool!.connect();
  try {
    await client.query("BEGIN");
    const r = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values.map(toDirect));
    return r.rows.map((x: Record<string, string>) => x["QUERY PLAN"]).join("\n");
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
}
// A claimed item is then decided by its moderator; that work is outside the claim timing, so it is
// marked decided directly (and its claim ended), keeping the leased set the size of the team as in real use.
const finishSql = `UPDATE "Item" SET "state" = 'decided', "claimId" = NULL, "claimedById" = NULL, "leaseExpiresAt" = NULL WHERE "id" = ?`;
const endClaimSql = `UPDATE "Claim" SET "endedAt" = ?, "endReason" = 'decided' WHERE "itemId" = ? AND "endedAt" IS NULL`;
async function finish(itemId: string) {
  await run(sqlOf(finishSql, [itemId]));
  await run(sqlOf(endClaimSql, [new Date(), itemId]));
}

// ---- integrity ----------------------------------------------------------------------------------
type Integrity = { doubleClaims: number; usersHoldingTwo: number; duplicateReturns: number; chainOk: boolean; lostWrites: number };
const integrity: Record<string, Integrity> = {};
async function doubleClaims() {
  // Two claims on one item that were live at the same time (the later one began before the
  // earlier one ended or lapsed), or two claims still open.
  const rows = await db.$queryRawUnsafe<{ n: number | bigint }[]>(
    `SELECT COUNT(*) AS n FROM "Claim" a JOIN "Claim" b ON a."itemId" = b."itemId" AND a."id" < b."id"
     WHERE (a."endedAt" IS NULL AND b."endedAt" IS NULL)
        OR (b."claimedAt" < COALESCE(a."endedAt", a."expiresAt") AND a."claimedAt" < COALESCE(b."endedAt", b."expiresAt"))`,
  );
  return Number(rows[0].n);
}
/** Claims that began while an earlier claim of the same user was still live: a user holds one item at a time. */
async function usersHoldingTwo() {
  const rows = await db.$queryRawUnsafe<{ n: number | bigint }[]>(
    `SELECT COUNT(*) AS n FROM (
       SELECT "claimedAt", MAX(COALESCE("endedAt", "expiresAt")) OVER (PARTITION BY "userId" ORDER BY "claimedAt", "id"
         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS "heldUntil"
       FROM "Claim") c
     WHERE c."heldUntil" > c."claimedAt"`,
  );
  return Number(rows[0].n);
}
async function check(name: string, returnedIds: string[], missing: () => Promise<number>) {
  const chain = await verifyChain();
  integrity[name] = {
    doubleClaims: await doubleClaims(),
    usersHoldingTwo: await usersHoldingTwo(),
    duplicateReturns: returnedIds.length - new Set(returnedIds).size,
    chainOk: chain.ok,
    lostWrites: await missing(),
  };
  log(`${name}: ${JSON.stringify(integrity[name])}`);
}
async function missingRows(table: string, column: string, ids: string[]) {
  let found = 0;
  for (let k = 0; k < ids.length; k += 500) {
    const part = ids.slice(k, k + 500);
    const r = await db.$queryRawUnsafe<{ n: number | bigint }[]>(
      `SELECT COUNT(*) AS n FROM "${table}" WHERE "${column}" IN (${part.map((_, j) => (ENGINE === "postgresql" ? `$${j + 1}` : "?")).join(",")})`,
      ...part,
    );
    found += Number(r[0].n);
  }
  return ids.length - found;
}

// ---- queue list loader --------------------------------------------------------------------------
// listQueue pages by number today and is moving to keyset cursors: the bench follows whichever the
// module offers (a cursor field in its filters and in its result, or a page number).
const Filters = (list as unknown as { ListFilters?: { parse: (v: unknown) => Record<string, unknown>; shape?: Record<string, unknown> } }).ListFilters;
const filterKeys = Object.keys(Filters?.shape ?? {});
const cursorIn = filterKeys.find((k) => /cursor|after/i.test(k));
const parse = (v: Record<string, unknown>) => (Filters ? Filters.parse(v) : v);
const listQueue = list.listQueue as unknown as (f: Record<string, unknown>) => Promise<Record<string, unknown>>;
const cursorOut = (res: Record<string, unknown>) => {
  const key = Object.keys(res).find((k) => /cursor|^next/i.test(k) && (typeof res[k] === "string" || res[k] === null));
  return key ? (res[key] as string | null) : undefined;
};
const PAGE = Number((list as Record<string, unknown>).PAGE_SIZE ?? 50);
const pagingMode = cursorIn ? `keyset cursor (\`${cursorIn}\`)` : "page number";
/** The filters that land on `depth` rows into the pending queue. */
async function filtersAt(depth: number, extra: Record<string, unknown> = {}) {
  if (!cursorIn) return parse({ state: "pending", page: Math.floor(depth / PAGE) + 1, ...extra });
  let f = parse({ state: "pending", ...extra });
  for (let seen = 0; seen < depth; seen += PAGE) {
    const next = cursorOut(await listQueue(f));
    if (!next) break;
    f = parse({ state: "pending", ...extra, [cursorIn]: next });
  }
  return f;
}
const deepest = Math.max(PAGE, Math.floor((counts.pending * 0.9) / PAGE) * PAGE);
const listCases: [string, number, Record<string, unknown>][] = [
  ["pending, page 1", 0, {}],
  ["pending, 1,000 rows deep (Ozone q2d's depth)", 1000, {}],
  [`pending, ${fmt(deepest)} rows deep (near the end)`, deepest, {}],
  ["overdue only, page 1", 0, { overdue: "1" }],
  ["source = trusted flagger, page 1", 0, { source: "trusted_flagger" }],
  ["language = de, page 1", 0, { language: "de" }],
];
const listResults: { name: string; s: Summary }[] = [];
for (const [name, depth, extra] of listCases) {
  const f = await filtersAt(depth, extra);
  await listQueue(f);
  const t: number[] = [];
  for (let i = 0; i < (QUICK ? 10 : 30); i++) {
    const s = performance.now();
    await listQueue(f);
    t.push(performance.now() - s);
  }
  listResults.push({ name, s: summary(t) });
}
log(`list ${JSON.stringify(listResults.map((r) => [r.name, r.s.p50, r.s.p95]))}`);

// ---- claim next ---------------------------------------------------------------------------------
type Timed = Summary & { perSec: number; n: number };
// Each claimer finishes its item (outside the timing) before its next claim, since a user holds at
// most one item at a time. Claims per second is claimers / mean claim latency (Little's law), so
// the untimed finishing does not count against the claim path.
async function claimRunFinishing(kind: "app" | "bare", concurrency: number, total: number, layout: Layout) {
  const got: string[] = [];
  const claimIds: string[] = [];
  const latencies: number[] = [];
  // The bare claim walks the lane a claimNext would take first by priority, chosen before the run.
  const lanes = kind === "bare" ? await Promise.all(Array.from({ length: concurrency }, (_, w) => bestLane(layout.queuesOf(w)))) : [];
  let left = total;
  let busy = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (left-- > 0) {
        let t = performance.now();
        let id: string | null;
        if (kind === "app") {
          const c = await claims.claimNext(claimers[w]);
          if (c && !(c.itemId && c.claimId)) throw new Error(`claimNext returned a lease without an item: ${JSON.stringify(c)}`);
          id = c?.itemId ?? null;
          if (c) claimIds.push(c.claimId);
        } else {
          id = await bareClaim(lanes[w], claimers[w]);
          if (!id) {
            // Its lane ran dry under the others: the claimer moves to its next best lane, and only that claim is timed.
            lanes[w] = await bestLane(layout.queuesOf(w));
            t = performance.now();
            id = await bareClaim(lanes[w], claimers[w]);
          }
        }
        const took = performance.now() - t;
        latencies.push(took);
        busy += took;
        if (!id) throw new Error(`queue ran dry (${layout.key}, ${kind}, claimer ${w})`);
        got.push(id);
        await finish(id);
      }
    }),
  );
  const r: Timed = { ...summary(latencies), perSec: (total * concurrency * 1000) / busy, n: total };
  return { r, got, claimIds };
}

type Plan = { name: string; text: string; walk: ReturnType<typeof planVerdict> };
/** The plans behind one claim of claimer 0 on the data as it stands: its lane heads, then its best lane's two claim statements. */
async function claimPlans(layout: Layout): Promise<Plan[]> {
  const now = new Date();
  const lane = await bestLane(layout.queuesOf(0));
  const statements = claims.claimStatements(lane, claimers[0], randomUUID(), now, new Date(now.getTime() + 600_000));
  const out: Plan[] = [];
  for (const [name, statement, index] of [
    [`lane heads of claimer 0 (${layout.queuesOf(0).length} lane${layout.queuesOf(0).length > 1 ? "s" : ""})`, laneHeads(claimers[0].id, now), null],
    ["claimStatements(lane).byPriority", statements.byPriority, "Item_queueId_state_priority_firstFlaggedAt_id_idx"],
    ["claimStatements(lane).overdue", statements.overdue, "Item_queueId_state_dueAt_id_idx"],
  ] as const) {
    const text = await planOf(statement);
    out.push({
      name,
      text,
      walk: planVerdict(ENGINE, text, index ? [index] : ["Item_queueId_state_priority_firstFlaggedAt_id_idx", "Item_queueId_state_dueAt_id_idx"]),
    });
  }
  return out;
}

/** Moves every open item into one queue, as a team with a single queue has them, and refreshes the planner's statistics. */
async function routeAllToOneQueue() {
  const started = performance.now();
  await run(sqlOf(`UPDATE "Item" SET "queueId" = ? WHERE "state" IN ('pending', 'escalated')`, [QUEUE_IDS[0]]));
  if (direct) direct.exec("ANALYZE");
  else await pool!.query(`VACUUM (ANALYZE) "Item"`);
  log(`moved the open items into one queue in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

// Every claim and decision consumes a pending item: the runs are scaled down when the queue is small.
const PLANNED = QUICK ? { c1: 100, c20: 400, d1: 50, d20: 200 } : { c1: 800, c20: 2000, d1: 200, d20: 600 };
const planned = LAYOUTS.length * (120 + 2 * (PLANNED.c1 + PLANNED.c20)) + PLANNED.d1 + PLANNED.d20;
const scale = Math.min(1, (0.85 * counts.pending) / planned);
const runSize = (n: number) => Math.max(20, Math.floor(n * scale));
const claimN = (c: number) => runSize(c === 1 ? PLANNED.c1 : PLANNED.c20);
const layoutResults: { key: Layout["key"]; title: string; members: string; claims: Record<string, Timed>; plans: Plan[] }[] = [];
let claimResults: Record<string, Timed> = {};
// The ten-queue layouts first, on the data as seeded; then the same data in one queue.
for (const layout of LAYOUTS) {
  if (layout.key === "single") {
    await routeAllToOneQueue();
    openCounts["after moving the open items into one queue"] = await openCountMismatches();
  }
  await applyLayout(layout);
  log(`claims, ${layout.title}: warming up`);
  await claimRunFinishing("app", 1, 60, layout);
  await claimRunFinishing("bare", 1, 60, layout);
  const results: Record<string, Timed> = {};
  const name = (what: string, c: number) => `${layout.key === "single" ? "" : `${layout.title}: `}${what}, ${c} claimer${c > 1 ? "s" : ""}`;
  for (const c of [1, 20]) {
    const bare = await claimRunFinishing("bare", c, claimN(c), layout);
    results[`bare-${c}`] = bare.r;
    await check(name("bare claim SQL", c), bare.got, async () => 0);
    const app = await claimRunFinishing("app", c, claimN(c), layout);
    results[`app-${c}`] = app.r;
    await check(name("claimNext", c), app.got, () => missingRows("Claim", "id", app.claimIds));
  }
  const plans = await claimPlans(layout);
  log(`claims, ${layout.title}: ${JSON.stringify(results)}; index walks ${JSON.stringify(plans.map((p) => p.walk))}`);
  layoutResults.push({ key: layout.key, title: layout.title, members: layout.members, claims: results, plans });
  if (layout.key === "single") claimResults = results;
}

// ---- decide -------------------------------------------------------------------------------------
async function decideRun(concurrency: number, total: number) {
  const decisionIds: string[] = [];
  const latencies: number[] = [];
  let left = total;
  let busy = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (left-- > 0) {
        const c = await claims.claimNext(claimers[w]);
        if (!c) throw new Error("queue ran dry");
        const t = performance.now();
        const d = await decide(claimers[w], {
          itemId: c.itemId,
          claimId: c.claimId,
          action: "keep",
          labelIds: [keepLabel!.id],
          rationale: "Benchmark decision",
        });
        const took = performance.now() - t;
        busy += took;
        latencies.push(took);
        decisionIds.push(d.decisionId);
      }
    }),
  );
  return { r: { ...summary(latencies), perSec: (total * concurrency * 1000) / busy, n: total } as Timed, decisionIds };
}
await decideRun(1, 10);
const decideResults: Record<string, Timed> = {};
for (const c of [1, 20]) {
  const d = await decideRun(c, runSize(c === 1 ? PLANNED.d1 : PLANNED.d20));
  decideResults[`${c}`] = d.r;
  await check(`decide, ${c} decider${c > 1 ? "s" : ""}`, [], () => missingRows("Decision", "id", d.decisionIds));
}
log(`decide ${JSON.stringify(decideResults)}`);

// ---- HTTP: intake and request overhead ----------------------------------------------------------
const token = `bench-${randomUUID()}`;
await db.apiKey.create({
  data: { id: randomUUID(), name: "bench", platform: "bench-http", prefix: token.slice(0, 7), hash: hashToken(token), createdById: users[0].id },
});
const flagBody = (g: Generated) => ({
  content: {
    externalId: g.item[2],
    type: "text",
    title: g.item[4],
    body: g.item[5],
    language: g.item[7] ?? "en",
    author: { externalId: g.item[8], handle: g.item[9] },
  },
  flag: { externalId: g.flags[0][3], source: g.flags[0][4], reason: g.flags[0][5], reporterId: g.flags[0][7] },
});
if (!existsSync(path.join(ROOT, "build", "index.js"))) {
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
    cwd: ROOT,
    stdio: "ignore",
    env: { ...process.env, NODE_ENV: "production" },
  });
}
const port = await new Promise<number>((resolve) => {
  const s = createServer();
  s.listen(0, "127.0.0.1", () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const server: ChildProcess = spawn(process.execPath, [path.join(ROOT, "server.js")], {
  cwd: ROOT,
  env: {
    ...process.env,
    DATABASE_URL: url,
    PORT: String(port),
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    DOCKET_DEMO: "0",
    DOCKET_API_MAX_PER_MINUTE: "100000000",
    DOCKET_BENCH_BARE_ROUTE: "1",
  },
  // Its slow-query warnings under load would bury the progress lines: they go to a file beside the data.
  stdio: ["ignore", "ignore", openSync(path.join(DIR, `server-${ENGINE}-${N}.log`), "w")],
});
process.on("exit", () => server.kill("SIGTERM"));
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {
    // not listening yet
  }
  if (i > 600) throw new Error("server did not start");
  await new Promise((r) => setTimeout(r, 100));
}
const post = (p: string, body: unknown) =>
  fetch(base + p, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });

let httpSerial = 10_000_000;
async function httpSingle(clients: number, seconds: number) {
  const lat: number[] = [];
  const acknowledged: string[] = [];
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const g = generate(httpSerial++, Date.now(), randomUUID, "bench-http");
        const t = performance.now();
        const res = await post("/api/v1/flags", flagBody(g));
        if (res.status !== 201) throw new Error(`single: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        lat.push(performance.now() - t);
        acknowledged.push(g.flags[0][3] as string);
      }
    }),
  );
  return { r: { ...summary(lat), perSec: lat.length / ((performance.now() - started) / 1000), n: lat.length } as Timed, acknowledged };
}
const BATCH = 1000;
async function httpBatch(batches: number) {
  const lat: number[] = [];
  const acknowledged: string[] = [];
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    const gs = Array.from({ length: BATCH }, () => generate(httpSerial++, Date.now(), randomUUID, "bench-http"));
    const t = performance.now();
    const res = await post("/api/v1/flags/batch", { flags: gs.map(flagBody) });
    const json = (await res.json()) as { accepted: number };
    if (res.status !== 200 || json.accepted !== BATCH) throw new Error(`batch: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    lat.push(performance.now() - t);
    acknowledged.push(...gs.map((g) => g.flags[0][3] as string));
  }
  return { r: { ...summary(lat), perSec: (batches * BATCH) / ((performance.now() - started) / 1000), n: batches * BATCH } as Timed, acknowledged };
}
const seconds = QUICK ? 1 : 4;
await httpSingle(1, 0.5);
const single1 = await httpSingle(1, seconds);
await check("HTTP intake, 1 client", [], () => missingRows("Flag", "externalId", single1.acknowledged));
const single16 = await httpSingle(16, seconds);
await check("HTTP intake, 16 clients", [], () => missingRows("Flag", "externalId", single16.acknowledged));
await httpBatch(1);
const batch = await httpBatch(QUICK ? 2 : 6);
await check("HTTP batch intake", [], () => missingRows("Flag", "externalId", batch.acknowledged));

async function sequentialGets(p: string, n: number) {
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(base + p);
    await res.arrayBuffer();
    if (res.status !== 200) return null;
    lat.push(performance.now() - t);
  }
  return summary(lat.slice(Math.floor(n / 10)));
}
const healthz = await sequentialGets("/healthz", QUICK ? 100 : 500);
const bare = await sequentialGets("/__bare", QUICK ? 100 : 500);
server.kill("SIGTERM");
log(`http ${JSON.stringify({ single1: single1.r, single16: single16.r, batch: batch.r, healthz, bare })}`);

// ---- raw inserts (intake baseline, and UUIDv4 against UUIDv7) -----------------------------------
/** Items and their flags with multi-row INSERTs in one transaction per 1,000 items, nothing else. */
async function rawInsert(gs: Generated[]) {
  const started = performance.now();
  for (let k = 0; k < gs.length; k += 1000) {
    const part = gs.slice(k, k + 1000);
    await insertRows(
      "Item",
      ITEM_COLUMNS,
      part.map((g) => g.item),
      part.flatMap((g) => g.flags),
    );
  }
  return (performance.now() - started) / 1000;
}
async function insertRows(table: string, columns: readonly string[], items: Row[], flags: Row[]) {
  const step = Math.floor(30_000 / columns.length);
  const chunks = (rows: Row[], cols: readonly string[], s: number) => {
    const out: Row[][] = [];
    for (let k = 0; k < rows.length; k += s) out.push(rows.slice(k, k + s));
    return { out, cols };
  };
  const sqlFor = (t: string, cols: readonly string[], n: number) => {
    let p = 0;
    const row = () => `(${cols.map(() => (direct ? "?" : `$${++p}`)).join(",")})`;
    return `INSERT INTO "${t}" (${cols.map((c) => `"${c}"`).join(",")}) VALUES ${Array.from({ length: n }, row).join(",")}`;
  };
  const parts = [
    { t: table, ...chunks(items, columns, step) },
    { t: "Flag", ...chunks(flags, FLAG_COLUMNS, Math.floor(30_000 / FLAG_COLUMNS.length)) },
  ];
  if (direct) {
    direct.transaction(() => {
      for (const p of parts) for (const rows of p.out) direct.prepare(sqlFor(p.t, p.cols, rows.length)).run(...rows.flat());
    })();
    return;
  }
  const client = await pool!.connect();
  try {
    await client.query("BEGIN");
    for (const p of parts)
      for (const rows of p.out)
        await client.query(
          sqlFor(p.t, p.cols, rows.length),
          rows.flatMap((r) => pgParams(r, p.cols)),
        );
    await client.query("COMMIT");
  } finally {
    client.release();
  }
}
let rawSerial = 20_000_000;
const rawGs = Array.from({ length: (QUICK ? 2 : 6) * BATCH }, () => generate(rawSerial++, Date.now(), randomUUID, "bench-raw"));
const rawSeconds = await rawInsert(rawGs);
const raw = { perSec: rawGs.length / rawSeconds };

const uuidRows = QUICK ? 2000 : 20_000;
const uuidResults: Record<"v4" | "v7", { items: number; flags: number; seconds: number }> = {
  v4: { items: 0, flags: 0, seconds: 0 },
  v7: { items: 0, flags: 0, seconds: 0 },
};
for (let round = 0; round < 4; round++) {
  // Alternating rounds with the same rows, so drift in the machine's load falls on both kinds.
  const kind = round % 2 === 0 ? "v4" : "v7";
  const start = 30_000_000 + Math.floor(round / 2) * uuidRows;
  const gs = Array.from({ length: uuidRows }, (_, k) => generate(start + k, Date.now(), kind === "v4" ? randomUUID : () => uuidv7(), `bench-${kind}`));
  const s = await rawInsert(gs);
  uuidResults[kind].items += gs.length;
  uuidResults[kind].flags += gs.reduce((n, g) => n + g.flags.length, 0);
  uuidResults[kind].seconds += s;
}
log(`raw ${fmt(raw.perSec)}/s, uuid ${JSON.stringify(uuidResults)}`);

openCounts["at the end"] = await openCountMismatches();
const finalChain = await verifyChain();
const sizeAfter = await sizes();
const result = {
  engine: ENGINE,
  items: N,
  quick: QUICK,
  at: new Date().toISOString(),
  // The load while it ran, for sections written again later from this file.
  machine: machine() as string | undefined,
  seedSeconds,
  dataBytes: dataSize.bytes,
  dataBytesAfter: sizeAfter.bytes,
  counts,
  bareSource,
  pagingMode,
  claims: claimResults,
  claimLayouts: layoutResults,
  openCounts,
  decide: decideResults,
  list: listResults,
  http: { single1: single1.r, single16: single16.r, batch: batch.r, raw, healthz, bare },
  uuid: uuidResults,
  integrity,
  finalChain: { ok: finalChain.ok, checked: (finalChain as { checked?: number }).checked ?? null },
};
writeFileSync(path.join(DIR, `${ENGINE}-${N}.json`), JSON.stringify(result, null, 1));
mkdirSync(path.join(ROOT, "docs", "benchmarks"), { recursive: true });
writeFileSync(path.join(ROOT, "docs", "benchmarks", `queue-${ENGINE}-${N}.md`), queueSection(result));
log("wrote its section");
await db.$disconnect();
await pool?.end();
direct?.close();
process.exit(0);
export type QueueResult = typeof result;
