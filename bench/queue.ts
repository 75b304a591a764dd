// Queue benchmark: `npx tsx bench/queue.ts [--items 100000]`.
// Seeds a fresh SQLite database under tmp/ with queued items (raw multi-row inserts), then
// measures claim-next with 1 and 20 concurrent claimers against the claim statements alone,
// intake through the real HTTP server (single and batch) against raw inserts, and the queue
// list loader's server time. Prints a markdown section and writes docs/benchmarks/queue.md.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { DECIDED_STATE, INITIAL_STATE } from "../app/modules/items/lifecycle.ts";
import { SOURCES } from "../app/modules/items/sources.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { items: { type: "string", default: "100000" } }, strict: false });
const ITEMS = Number(values.items);
const DIR = path.join(ROOT, "tmp", "bench-queue");
const FILE = path.join(DIR, `queue-${ITEMS}.db`);
const URL_ = `file:${FILE}`;
const HOUR = 3_600_000;

const fmt = (n: number) => Math.round(n).toLocaleString("en");
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
function pct(list: number[], p: number) {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
process.env.DATABASE_URL = URL_;
process.env.NODE_ENV = "production";

const { migrate } = await import("../app/migrate.server.ts");
await migrate(URL_, { root: ROOT });

// ---- seed -------------------------------------------------------------------------------------
// Share of the queue per source, in the order of SOURCES.
const WEIGHTS = [0.002, 0.1, 0.1, 0.6, 0.198];
const LANGS = ["en", "de", "fr", "es", "nl", "it", "pt-BR"];
function sourceFor(i: number) {
  let x = ((i * 7919) % 1000) / 1000;
  for (let k = 0; k < SOURCES.length; k++) {
    if (x < WEIGHTS[k]) return SOURCES[k];
    x -= WEIGHTS[k];
  }
  return "user_report";
}

const seedStarted = performance.now();
{
  const sqlite = new Database(FILE);
  sqlite.pragma("journal_mode = WAL");
  // Seeding only: the measured phases run with the application's own settings.
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("cache_size = -262144");
  const now = Date.now();
  const cols = [
    "id",
    "platform",
    "externalId",
    "type",
    "title",
    "body",
    "mediaUrls",
    "language",
    "authorExternalId",
    "authorHandle",
    "contentDigest",
    "state",
    "priority",
    "dueAt",
    "strongestSource",
    "topReason",
    "flagCount",
    "reporterCount",
    "countsBySource",
    "countsByReason",
    "firstFlaggedAt",
    "lastFlaggedAt",
    "createdAt",
    "updatedAt",
  ];
  const fcols = ["id", "itemId", "platform", "externalId", "source", "reason", "note", "reporterId", "reference", "receivedAt", "dueAt", "createdAt"];
  const ROWS = 200;
  const insItems = sqlite.prepare(
    `INSERT INTO "Item" (${cols.map((c) => `"${c}"`).join(",")}) VALUES ${Array(ROWS)
      .fill(`(${cols.map(() => "?").join(",")})`)
      .join(",")}`,
  );
  const insFlags = sqlite.prepare(
    `INSERT INTO "Flag" (${fcols.map((c) => `"${c}"`).join(",")}) VALUES ${Array(ROWS)
      .fill(`(${fcols.map(() => "?").join(",")})`)
      .join(",")}`,
  );
  const seed = sqlite.transaction((from: number) => {
    const items: unknown[] = [];
    const flags: unknown[] = [];
    for (let i = from; i < from + ROWS; i++) {
      const source = sourceFor(i);
      const received = now - ((i * 104729) % (72 * HOUR));
      // About 0.5% of the queue is overdue at any time.
      const due =
        source === "automated"
          ? null
          : i % 200 === 0
            ? now - (i % 50) * 60_000 - 60_000
            : received + (source === "removal_order" ? HOUR : 72 * HOUR) + 2 * HOUR;
      const id = randomUUID();
      const text = `Synthetic report ${i} about the Northern Ember Front`;
      items.push(
        id,
        "bench",
        `bench-${i}`,
        "text",
        `Report ${i}`,
        text,
        "[]",
        LANGS[i % LANGS.length],
        `u-${i % 5000}`,
        `user_${i % 5000}`,
        createHash("sha256").update(text).digest("hex"),
        INITIAL_STATE,
        300 + ((i * 31) % 1200),
        due,
        source,
        "violent_extremism",
        1,
        1,
        JSON.stringify({ [source]: 1 }),
        '{"violent_extremism":1}',
        received,
        received,
        now,
        now,
      );
      flags.push(randomUUID(), id, "bench", `bench-flag-${i}`, source, "violent_extremism", null, `r-${i % 9000}`, null, received, due, now);
    }
    insItems.run(...items);
    insFlags.run(...flags);
  });
  const many = sqlite.transaction((from: number) => {
    for (let i = from; i < Math.min(ITEMS, from + 20_000); i += ROWS) seed(i);
  });
  for (let i = 0; i < ITEMS; i += 20_000) many(i);
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.exec(`ANALYZE`);
  sqlite.close();
}
const seedMs = performance.now() - seedStarted;
console.error(`seeded ${fmt(ITEMS)} items and flags in ${(seedMs / 1000).toFixed(1)} s`);

const { db } = await import("../app/db.server.ts");
const { claimNext, claimStatements } = await import("../app/modules/queue/claims.server.ts");
const { listQueue } = await import("../app/modules/queue/list.server.ts");
const { ensureStarterLabelSet } = await import("../app/modules/labels/starter.server.ts");
const { hashToken } = await import("../app/modules/auth/session.server.ts");
await ensureStarterLabelSet({ kind: "system", name: "bench" });

const users = [];
for (let i = 0; i < 20; i++) {
  users.push(await db.user.create({ data: { id: randomUUID(), email: `bench-${i}@bench.test`, name: `Bench ${i}`, role: "moderator", passwordHash: "x" } }));
}
const claimers = users.map((u) => ({ id: u.id, email: u.email, role: u.role }));

// The plan the claim statement gets: it must walk an index, never sort the table.
const plan = await db.$queryRawUnsafe<{ detail: string }[]>(
  `EXPLAIN QUERY PLAN SELECT "id" FROM "Item" WHERE "state" = ? AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < 0) ORDER BY "state", "priority" DESC, "firstFlaggedAt" LIMIT 1`,
  INITIAL_STATE,
);
const planText = plan.map((p) => p.detail).join("; ");

// A claimed item is then decided by its moderator; that work is outside what is timed here, so
// mark it decided directly to keep the leased set the size of the team, as in real use.
const finish = (itemId: string) =>
  db.$executeRaw`UPDATE "Item" SET "state" = ${DECIDED_STATE}, "claimId" = NULL, "leaseExpiresAt" = NULL WHERE "id" = ${itemId}`;

async function rawClaim(user: { id: string }) {
  const now = new Date();
  for (const statement of claimStatements(INITIAL_STATE, user, randomUUID(), now, new Date(now.getTime() + 600_000))) {
    const rows = await db.$queryRaw<{ id: string }[]>(statement);
    if (rows.length) return rows[0].id;
  }
  return null;
}

async function runClaims(kind: "full" | "raw", concurrency: number, total: number) {
  const latencies: number[] = [];
  let left = total;
  const started = performance.now();
  await Promise.all(
    claimers.slice(0, concurrency).map(async (u) => {
      while (left-- > 0) {
        const t = performance.now();
        const id = kind === "full" ? (await claimNext(u))?.itemId : await rawClaim(u);
        latencies.push(performance.now() - t);
        if (!id) throw new Error("queue ran dry");
        await finish(id);
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  return { p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), perSec: total / secs, n: total };
}

// Warm both paths (statement cache, page cache).
await runClaims("full", 1, 50);
await runClaims("raw", 1, 50);
const claimResults: Record<string, Awaited<ReturnType<typeof runClaims>>> = {};
for (const c of [1, 20]) {
  const n = c === 1 ? 1000 : 2000;
  claimResults[`raw-${c}`] = await runClaims("raw", c, n);
  claimResults[`full-${c}`] = await runClaims("full", c, n);
}
console.error("claims measured", JSON.stringify(claimResults));

// ---- queue list loader -------------------------------------------------------------------------
const listCases: [string, Parameters<typeof listQueue>[0]][] = [
  ["pending, first page", { state: INITIAL_STATE, page: 1 }],
  ["pending, page 40", { state: INITIAL_STATE, page: 40 }],
  ["overdue only", { state: INITIAL_STATE, overdue: "1", page: 1 }],
  ["source = trusted flagger", { state: INITIAL_STATE, source: "trusted_flagger", page: 1 }],
  ["language = de, reason", { state: INITIAL_STATE, language: "de", reason: "violent_extremism", page: 1 }],
];
const listResults: { name: string; p50: number; p95: number }[] = [];
for (const [name, filters] of listCases) {
  await listQueue(filters);
  const t: number[] = [];
  for (let i = 0; i < 15; i++) {
    const s = performance.now();
    await listQueue(filters);
    t.push(performance.now() - s);
  }
  listResults.push({ name, p50: pct(t, 50), p95: pct(t, 95) });
}
console.error("list measured", JSON.stringify(listResults));

// ---- ingestion ---------------------------------------------------------------------------------
const token = `bench-${randomUUID()}`;
await db.apiKey.create({
  data: { id: randomUUID(), name: "bench", platform: "bench-http", prefix: token.slice(0, 7), hash: hashToken(token), createdById: users[0].id },
});
const flagBody = (i: number, tag: string) => ({
  content: {
    externalId: `${tag}-${i}`,
    type: "text",
    title: `Report ${i}`,
    body: `Synthetic ${tag} report ${i} about the Placeholder Cell`,
    language: "en",
    author: { externalId: `a-${i % 100}`, handle: `h${i % 100}` },
  },
  flag: { externalId: `${tag}-f-${i}`, source: "user_report", reason: "violent_extremism", reporterId: `r-${i}` },
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
    DATABASE_URL: URL_,
    PORT: String(port),
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    DOCKET_DEMO: "0",
    DOCKET_API_MAX_PER_MINUTE: "100000000",
  },
  stdio: ["ignore", "ignore", "inherit"],
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

async function httpSingle(total: number, concurrency: number) {
  let next = 0;
  const lat: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        const res = await post("/api/v1/flags", flagBody(i, `single${concurrency}-${total}`));
        if (res.status !== 201) throw new Error(`single: ${res.status} ${await res.text()}`);
        lat.push(performance.now() - t);
      }
    }),
  );
  return { perSec: total / ((performance.now() - started) / 1000), p50: pct(lat, 50), p95: pct(lat, 95) };
}
async function httpBatch(batches: number, size: number, concurrency: number) {
  let next = 0;
  const lat: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < batches) {
        const b = next++;
        const flags = Array.from({ length: size }, (_, i) => flagBody(b * size + i, `batch${concurrency}-${batches}`));
        const t = performance.now();
        const res = await post("/api/v1/flags/batch", { flags });
        const json = (await res.json()) as { accepted: number };
        if (res.status !== 200 || json.accepted !== size) throw new Error(`batch: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
        lat.push(performance.now() - t);
      }
    }),
  );
  return { perSec: (batches * size) / ((performance.now() - started) / 1000), p50: pct(lat, 50), p95: pct(lat, 95) };
}
await httpSingle(50, 0);
const single1 = await httpSingle(500, 1);
const single8 = await httpSingle(1000, 8);
await httpBatch(1, 1000, 0);
const batch1 = await httpBatch(10, 1000, 1);
const batch2 = await httpBatch(10, 1000, 2);
server.kill("SIGTERM");
console.error("http measured", JSON.stringify({ single1, single8, batch1, batch2 }));

// Raw inserts: the same item and flag rows as one multi-row INSERT each per 1,000, no validation.
async function rawInserts(batches: number, size: number) {
  const started = performance.now();
  const sqlite = new Database(FILE);
  sqlite.pragma("busy_timeout = 10000");
  const cols = [
    "id",
    "platform",
    "externalId",
    "type",
    "title",
    "body",
    "language",
    "authorExternalId",
    "authorHandle",
    "contentDigest",
    "priority",
    "dueAt",
    "strongestSource",
    "topReason",
    "flagCount",
    "reporterCount",
    "countsBySource",
    "countsByReason",
    "firstFlaggedAt",
    "lastFlaggedAt",
    "updatedAt",
  ];
  const fcols = ["id", "itemId", "platform", "externalId", "source", "reason", "reporterId", "receivedAt", "dueAt"];
  const step = 400;
  const ins = sqlite.prepare(
    `INSERT INTO "Item" (${cols.map((c) => `"${c}"`).join(",")}) VALUES ${Array(step)
      .fill(`(${cols.map(() => "?").join(",")})`)
      .join(",")}`,
  );
  const insF = sqlite.prepare(
    `INSERT INTO "Flag" (${fcols.map((c) => `"${c}"`).join(",")}) VALUES ${Array(step)
      .fill(`(${fcols.map(() => "?").join(",")})`)
      .join(",")}`,
  );
  for (let b = 0; b < batches; b++) {
    sqlite.transaction(() => {
      for (let off = 0; off < size; off += step) {
        const items: unknown[] = [];
        const flags: unknown[] = [];
        for (let k = 0; k < step; k++) {
          const i = b * size + off + k;
          const now = Date.now();
          const id = randomUUID();
          const body = `Synthetic raw report ${i}`;
          items.push(
            id,
            "bench-raw",
            `raw-${i}`,
            "text",
            `Report ${i}`,
            body,
            "en",
            `a-${i % 100}`,
            `h${i % 100}`,
            createHash("sha256").update(body).digest("hex"),
            500,
            now + 72 * HOUR,
            "user_report",
            "violent_extremism",
            1,
            1,
            '{"user_report":1}',
            '{"violent_extremism":1}',
            now,
            now,
            now,
          );
          flags.push(randomUUID(), id, "bench-raw", `raw-f-${i}`, "user_report", "violent_extremism", `r-${i}`, now, now + 72 * HOUR);
        }
        ins.run(...items);
        insF.run(...flags);
      }
    })();
  }
  sqlite.close();
  return { perSec: (batches * size) / ((performance.now() - started) / 1000) };
}
const raw = await rawInserts(10, 1200);

// ---- report ------------------------------------------------------------------------------------
const f1 = claimResults["full-1"],
  r1 = claimResults["raw-1"],
  f20 = claimResults["full-20"],
  r20 = claimResults["raw-20"];
const cpu = os.cpus();
const row = (name: string, r: { p50: number; p95: number; p99: number; perSec: number; n: number }) =>
  `| ${name} | ${fmt(r.n)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${fmt(r.perSec)} |`;
const verdict = (ok: boolean) => (ok ? "met" : "**not met**");
const report = `## Queue: claiming, intake, listing

Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`npx tsx bench/queue.ts --items ${ITEMS}\`.
Data: ${fmt(ITEMS)} queued items (and one flag each) in a fresh SQLite file (WAL), about 0.5% overdue;
seeded in ${(seedMs / 1000).toFixed(1)} s with raw multi-row inserts.
Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown CPU"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.

### Claim next (milliseconds per claim)

"Claim next" is the whole operation: the claim statement, closing a lapsed claim, the Claim row and
the audit event, in one transaction. "Statement alone" is the claim statement(s) by themselves
(overdue first, then by priority) through the same client, committed on their own. After each
claim the item is marked decided outside the timing, so the leased set stays the size of the team.
The statement's plan: \`${planText}\`.

| path | claims | p50 | p95 | p99 | claims/s |
| --- | ---: | ---: | ---: | ---: | ---: |
${row("claim next, 1 claimer", f1)}
${row("statement alone, 1 claimer", r1)}
${row("claim next, 20 concurrent claimers", f20)}
${row("statement alone, 20 concurrent claimers", r20)}

Ratio claim next / statement alone at p95: ${(f1.p95 / r1.p95).toFixed(2)}x with 1 claimer, ${(f20.p95 / r20.p95).toFixed(2)}x with 20.
With 20 claimers every claim waits for the database's single writer, so its latency includes the
queue of claims ahead of it; claims per second is the throughput the team sees.

Targets: p95 under 10 ms (1 claimer: ${verdict(f1.p95 < 10)}; 20 claimers: ${verdict(f20.p95 < 10)}),
no more than 3x the statement alone (1 claimer: ${verdict(f1.p95 <= 3 * r1.p95)}; 20 claimers: ${verdict(f20.p95 <= 3 * r20.p95)}).

### Intake (flags per second)

Through the real server (\`node server.js\`) over HTTP on this machine, API key auth, validation,
idempotency checks, item grouping, priority and deadlines, and the audit event (one per single flag,
one per batch). Raw inserts write the same item and flag rows with multi-row INSERTs and nothing else.

| path | flags/s | request p50 (ms) | request p95 (ms) |
| --- | ---: | ---: | ---: |
| POST /api/v1/flags, 1 client | ${fmt(single1.perSec)} | ${ms(single1.p50)} | ${ms(single1.p95)} |
| POST /api/v1/flags, 8 clients | ${fmt(single8.perSec)} | ${ms(single8.p50)} | ${ms(single8.p95)} |
| POST /api/v1/flags/batch (1,000 per batch), 1 client | ${fmt(batch1.perSec)} | ${ms(batch1.p50)} | ${ms(batch1.p95)} |
| POST /api/v1/flags/batch (1,000 per batch), 2 clients | ${fmt(batch2.perSec)} | ${ms(batch2.p50)} | ${ms(batch2.p95)} |
| raw multi-row inserts (better-sqlite3) | ${fmt(raw.perSec)} | | |

Target: batch intake at least 5,000 flags/s: ${verdict(Math.max(batch1.perSec, batch2.perSec) >= 5000)}.

### Queue list loader (server time, milliseconds)

\`listQueue\` as the /queue/list loader calls it: one page of 50 in claim order plus counts by state,
source, reason and language under the current filters.

| filters | p50 | p95 |
| --- | ---: | ---: |
${listResults.map((r) => `| ${r.name} | ${ms(r.p50)} | ${ms(r.p95)} |`).join("\n")}
`;
console.log(report);
mkdirSync(path.join(ROOT, "docs", "benchmarks"), { recursive: true });
writeFileSync(path.join(ROOT, "docs", "benchmarks", ITEMS === 100_000 ? "queue.md" : `queue-${ITEMS}.md`), report);
await db.$disconnect();
process.exit(0);
