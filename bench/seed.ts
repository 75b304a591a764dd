// One generator of queue data for both engines, and the bulk writers that put it in place: multi-row
// inserts on SQLite, COPY through psql on PostgreSQL. About 10% of items are open (pending, a few
// escalated) with realistic sources, reasons, languages, deadlines and priorities, each routed to one
// of ten queues of unequal size; the rest are decided history with their flags. Deterministic: row i
// is the same on every run and engine.
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { SOURCE_WEIGHT, SOURCES, type Source } from "../app/modules/items/sources.ts";
import { mulberry32 } from "../app/modules/clusters/synthetic-campaign.ts";

const HOUR = 3_600_000;

export const ITEM_COLUMNS = [
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
  "decidedAt",
  "createdAt",
  "updatedAt",
  "queueId",
] as const;
export const FLAG_COLUMNS = [
  "id",
  "itemId",
  "platform",
  "externalId",
  "source",
  "reason",
  "note",
  "reporterId",
  "reference",
  "receivedAt",
  "dueAt",
  "createdAt",
] as const;
/** Columns holding times: written as epoch milliseconds on SQLite, as timestamps on PostgreSQL. */
const TIME_COLUMNS = new Set(["dueAt", "firstFlaggedAt", "lastFlaggedAt", "decidedAt", "createdAt", "updatedAt", "receivedAt"]);

export type Value = string | number | null;
export type Row = Value[];

// Share of flags per source, in the order of SOURCES (removal orders are rare, user notices common).
const SOURCE_SHARE: Record<Source, number> = { removal_order: 0.002, trusted_flagger: 0.1, authority_referral: 0.1, user_report: 0.6, automated: 0.198 };
const DEADLINE_HOURS: Record<Source, number | null> = { removal_order: 1, trusted_flagger: 24, authority_referral: 24, user_report: 72, automated: null };
// Open items carry reasons the starter label set covers, so they can be decided; history is wider.
const OPEN_REASONS = ["violent_extremism", "violent_extremism", "violent_extremism", "terrorist_content"];
const HISTORY_REASONS = ["violent_extremism", "terrorist_content", "hate_speech", "harassment", "spam", "spam", "scam"];
const LANGS = ["en", "en", "en", "de", "fr", "es", "nl", "it", "pt-BR", "pl"];

/**
 * The ten queues open items are routed to, largest first: a team's queues are rarely of one size.
 * Shares of the open items, in percent.
 */
export const BENCH_QUEUES = [22, 17, 13, 11, 9, 8, 7, 5, 4, 4].map((share, k) => ({
  id: `bench-queue-${String(k + 1).padStart(2, "0")}`,
  name: `Bench queue ${k + 1}`,
  share,
}));

/** The queue of open item i: drawn from its own stream, so the other columns match earlier runs. */
export function queueOf(i: number): string {
  let x = rng(i * 40503 + 7)() * 100;
  for (const q of BENCH_QUEUES) {
    if (x < q.share) return q.id;
    x -= q.share;
  }
  return BENCH_QUEUES[0].id;
}

/** A fast deterministic PRNG per row, so any row can be generated on its own. */
const rng = mulberry32;

function pickSource(x: number): Source {
  for (const s of SOURCES) {
    if (x < SOURCE_SHARE[s]) return s;
    x -= SOURCE_SHARE[s];
  }
  return "user_report";
}

export type Generated = { item: Row; flags: Row[]; open: boolean };

/** Item i and its flags. `newId` makes the keys (UUIDv4 by default). */
export function generate(i: number, now: number, newId: () => string = randomUUID, platform = "bench"): Generated {
  const r = rng(i * 2654435761 + 17);
  const open = i % 10 === 0;
  const state = open ? ((i / 10) % 20 === 0 ? "escalated" : "pending") : "decided";
  const source = pickSource(r());
  const reason = open ? OPEN_REASONS[i % OPEN_REASONS.length] : HISTORY_REASONS[i % HISTORY_REASONS.length];
  const hours = DEADLINE_HOURS[source];
  let received: number;
  let due: number | null;
  if (open) {
    // About 2% of open items are past their deadline; the rest fall due over their source's window.
    if (hours === null) {
      received = now - r() * 72 * HOUR;
      due = null;
    } else {
      due = r() < 0.02 ? now - r() * 2 * HOUR : now + r() * hours * HOUR;
      received = due - hours * HOUR;
    }
  } else {
    received = now - 3 * 24 * HOUR - r() * 87 * 24 * HOUR;
    due = hours === null ? null : received + hours * HOUR;
  }
  const flagCount = open && r() < 0.3 ? 2 + Math.floor(r() * 3) : 1;
  const id = newId();
  const text = `Synthetic post ${i} praising the Northern Ember Front (placeholder group)`;
  const language = r() < 0.05 ? null : LANGS[Math.floor(r() * LANGS.length)];
  const priority = SOURCE_WEIGHT[source] + Math.floor(r() * 300) + 10 * flagCount;
  const last = received + (flagCount - 1) * Math.floor(r() * HOUR);
  const flags: Row[] = [];
  for (let k = 0; k < flagCount; k++) {
    const at = received + Math.floor(((last - received) * k) / Math.max(1, flagCount - 1));
    flags.push([newId(), id, platform, `${platform}-flag-${i}-${k}`, source, reason, null, `reporter-${(i * 7 + k) % 90_000}`, null, at, due, at]);
  }
  const decidedAt = open ? null : received + Math.floor(r() * 48 * HOUR);
  const item: Row = [
    id,
    platform,
    `${platform}-${i}`,
    "text",
    `Post ${i}`,
    text,
    "[]",
    language,
    `author-${i % 20_000}`,
    `handle_${i % 20_000}`,
    createHash("sha256").update(text).digest("hex"),
    state,
    priority,
    due,
    source,
    reason,
    flagCount,
    flagCount,
    JSON.stringify({ [source]: flagCount }),
    JSON.stringify({ [reason]: flagCount }),
    received,
    last,
    decidedAt,
    received,
    decidedAt ?? last,
    open ? queueOf(i) : null,
  ];
  return { item, flags, open };
}

// ---- SQLite -------------------------------------------------------------------------------------

/** Multi-row inserts into one table, a fixed number of rows per statement. */
function sqliteInserter(sqlite: Database.Database, table: string, columns: readonly string[], rowsPer: number) {
  const values = (n: number) =>
    Array(n)
      .fill(`(${columns.map(() => "?").join(",")})`)
      .join(",");
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(",")}) VALUES `;
  const many = sqlite.prepare(head + values(rowsPer));
  const one = sqlite.prepare(head + values(1));
  let buffer: Row[] = [];
  return {
    add(row: Row) {
      buffer.push(row);
      if (buffer.length === rowsPer) {
        many.run(...buffer.flat());
        buffer = [];
      }
    },
    flush() {
      for (const row of buffer) one.run(...row);
      buffer = [];
    },
  };
}

/** Writes rows with multi-row inserts in transactions of 20,000. */
export function writeSqlite(file: string, from: number, count: number, make: (i: number) => Generated, fast = true) {
  const sqlite = new Database(file);
  sqlite.pragma("busy_timeout = 10000");
  if (fast) {
    // Seeding only: the measured phases run with the application's own settings.
    sqlite.pragma("synchronous = OFF");
    sqlite.pragma("cache_size = -262144");
  }
  const items = sqliteInserter(sqlite, "Item", ITEM_COLUMNS, 200);
  const flags = sqliteInserter(sqlite, "Flag", FLAG_COLUMNS, 200);
  const chunk = sqlite.transaction((start: number, end: number) => {
    for (let i = start; i < end; i++) {
      const g = make(i);
      items.add(g.item);
      for (const f of g.flags) pendingFlags.push(f);
    }
    items.flush();
    for (const f of pendingFlags) flags.add(f);
    flags.flush();
    pendingFlags.length = 0;
  });
  const pendingFlags: Row[] = [];
  for (let i = from; i < from + count; i += 20_000) chunk(i, Math.min(from + count, i + 20_000));
  sqlite.close();
}

// ---- PostgreSQL ---------------------------------------------------------------------------------

const pgTime = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace("T", " ");
const copyField = (v: Value, column: string) =>
  v === null ? "\\N" : TIME_COLUMNS.has(column) ? pgTime(v as number) : String(v).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");

/** Streams rows into one table with COPY FROM STDIN through psql. */
async function copyInto(url: string, table: string, columns: readonly string[], rows: Iterable<Row> | AsyncIterable<Row>) {
  const psql = spawn("psql", [url, "-Xqv", "ON_ERROR_STOP=1", "-c", `COPY "${table}" (${columns.map((c) => `"${c}"`).join(",")}) FROM STDIN`], {
    stdio: ["pipe", "ignore", "inherit"],
  });
  const done = new Promise<void>((resolve, reject) => {
    psql.on("error", reject);
    psql.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`COPY "${table}" failed (psql exit ${code})`))));
  });
  let chunk = "";
  for await (const row of rows) {
    chunk += row.map((v, k) => copyField(v, columns[k])).join("\t") + "\n";
    if (chunk.length > 1 << 20) {
      if (!psql.stdin.write(chunk)) await new Promise((r) => psql.stdin.once("drain", r));
      chunk = "";
    }
  }
  psql.stdin.end(chunk);
  await done;
}

const psqlAt = (url: string, sql: string) => execFileSync("psql", [url, "-XAtqv", "ON_ERROR_STOP=1", "-c", sql], { encoding: "utf8" });

/**
 * COPYs items and their flags. Secondary indexes are dropped first and built again afterwards, and
 * the flags' foreign-key check is paused (the generator makes every flag's item), since building
 * an index once is several times cheaper than maintaining it row by row. The definitions are read
 * from the catalog, so whatever the migrations create is what gets rebuilt.
 */
export async function writePostgres(url: string, from: number, count: number, make: (i: number) => Generated) {
  const indexes = psqlAt(
    url,
    `SELECT indexname || E'\t' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('Item', 'Flag')
       AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
  )
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("\t"));
  for (const [name] of indexes) psqlAt(url, `DROP INDEX "${name}"`);
  let paused = true;
  try {
    psqlAt(url, `ALTER TABLE "Flag" DISABLE TRIGGER ALL`);
  } catch {
    paused = false; // not a superuser on an existing server: the check stays on, the load is slower
  }
  const flagQueue: Row[] = [];
  let itemsDone = false;
  function* items() {
    for (let i = from; i < from + count; i++) {
      const g = make(i);
      for (const f of g.flags) flagQueue.push(f);
      yield g.item;
    }
    itemsDone = true;
  }
  // Without the check the flags can stream beside the items, on a second connection.
  async function* flags() {
    let head = 0;
    for (;;) {
      while (head < flagQueue.length) yield flagQueue[head++];
      if (itemsDone) return;
      flagQueue.splice(0, head);
      head = 0;
      await new Promise((r) => setImmediate(r));
    }
  }
  if (paused) {
    await Promise.all([copyInto(url, "Item", ITEM_COLUMNS, items()), copyInto(url, "Flag", FLAG_COLUMNS, flags())]);
    psqlAt(url, `ALTER TABLE "Flag" ENABLE TRIGGER ALL`);
  } else {
    await copyInto(url, "Item", ITEM_COLUMNS, items());
    await copyInto(url, "Flag", FLAG_COLUMNS, flagQueue);
  }
  // Two builds at a time: one per core of the machine this was sized for.
  const queue = [...indexes];
  await Promise.all(
    [0, 1].map(async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [, def] = next;
        await new Promise<void>((resolve, reject) => {
          const p = spawn("psql", [url, "-Xqv", "ON_ERROR_STOP=1", "-c", def], { stdio: ["ignore", "ignore", "inherit"] });
          p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${def} failed`))));
        });
      }
    }),
  );
}

/** Parameter form of a row for a multi-row INSERT through pg (times as timestamps). */
export function pgParams(row: Row, columns: readonly string[]): Value[] {
  return row.map((v, k) => (v !== null && TIME_COLUMNS.has(columns[k]) ? pgTime(v as number) : v));
}
