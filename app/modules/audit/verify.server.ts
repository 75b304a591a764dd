import Database from "better-sqlite3";
import pg from "pg";
import { db, dialect, transaction } from "~/db.server.ts";
import { sqliteFilePath } from "~/db-url.server.ts";
import { env } from "~/env.server.ts";
import { eventHash, GENESIS_HASH, type ChainedFields } from "./chain.ts";
import { copyFields, copyOut } from "./copy-rows.ts";
import { parseAuditPayload } from "./events.ts";
import { parallelCheck, verifyWorkers } from "./parallel-verify.server.ts";
import { appendAuditEvent, type Actor } from "./writer.server.ts";

export type ChainRow = ChainedFields & { prevHash: string; hash: string };

export type BreakKind = "edited" | "deleted" | "inserted" | "reordered";

export type VerifyResult =
  | { ok: true; checked: number; headSeq: number; headHash: string; ms: number }
  | { ok: false; checked: number; headSeq: number; firstBadSeq: number; kind: BreakKind; reason: string; ms: number };

/** Reads one batch of the chain after `afterSeq`, in sequence order (keyset on the primary key). */
export type ChainBatchReader = (afterSeq: number, upToSeq: number, limit: number) => Promise<ChainRow[]>;

type Reader = { read: ChainBatchReader; close: () => Promise<void> };

/**
 * Verification reads every row once, so it talks to the driver directly (its own connection; rows
 * as arrays on SQLite, COPY text lines on PostgreSQL) instead of through the ORM, which costs more
 * per row than the hash.
 */
async function openDirectReader(url = env.DATABASE_URL): Promise<Reader> {
  const columns = `"seq", "actorId", "actorLabel", "action", "subjectType", "subjectId", "payload", "prevHash", "hash"`;
  if (dialect === "sqlite") {
    const sqlite = new Database(sqliteFilePath(url), { readonly: true, fileMustExist: true, timeout: 10_000 });
    const stmt = sqlite.prepare(`SELECT ${columns}, "at" FROM "AuditEvent" WHERE "seq" > ? AND "seq" <= ? ORDER BY "seq" LIMIT ?`).raw(true);
    return {
      read: async (afterSeq, upToSeq, limit) => (stmt.all(afterSeq, upToSeq, limit) as unknown[][]).map(toRow),
      close: async () => void sqlite.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  // A connection the server ends fails the query in flight; unheard, its error event would end the process.
  client.on("error", () => {});
  await client.connect();
  return {
    // COPY rather than a query: one text line per row is much cheaper for the driver (copy-rows.ts).
    // The timestamp is read as milliseconds since the epoch, so no session setting can shift it.
    read: async (afterSeq, upToSeq, limit) => {
      const rows: ChainRow[] = [];
      const [a, b, n] = [afterSeq, upToSeq, limit].map((v) => Math.trunc(Number(v)));
      await copyOut(
        client,
        `COPY (SELECT ${columns}, CAST(ROUND(EXTRACT(EPOCH FROM "at") * 1000) AS BIGINT)
          FROM "AuditEvent" WHERE "seq" > ${a} AND "seq" <= ${b} ORDER BY "seq" LIMIT ${n}) TO STDOUT`,
        (line) => rows.push(toRow(copyFields(line))),
      );
      return rows;
    },
    close: () => client.end(),
  };
}

function toRow(r: unknown[]): ChainRow {
  return {
    seq: Number(r[0]),
    actorId: r[1] as string | null,
    actorLabel: r[2] as string,
    action: r[3] as string,
    subjectType: r[4] as string,
    subjectId: r[5] as string | null,
    payload: r[6] as string,
    prevHash: r[7] as string,
    hash: r[8] as string,
    at: new Date(Number(r[9])),
  };
}

async function readHead(): Promise<{ seq: number; hash: string }> {
  const rows = await db.$queryRaw<{ seq: number | bigint; hash: string }[]>`SELECT "seq", "hash" FROM "AuditHead" WHERE "id" = 1`;
  if (rows.length !== 1) throw new Error("the audit head row is missing");
  return { seq: Number(rows[0].seq), hash: rows[0].hash };
}

// How far a row's content may have moved from where it was written and still be recognised as moved
// rather than edited; trying a few candidate positions is cheap and only happens on a failure.
const MOVE_WINDOW = 16;

function writtenAt(row: ChainRow): number | null {
  for (let d = 1; d <= MOVE_WINDOW; d++) {
    for (const seq of [row.seq - d, row.seq + d]) {
      if (seq >= 1 && eventHash(row.prevHash, { ...row, seq }) === row.hash) return seq;
    }
  }
  return null;
}

type Failure = { firstBadSeq: number; kind: BreakKind; reason: string };

/** Explains why `row` does not follow the verified rows before it. */
function diagnose(row: ChainRow, expectedSeq: number, prevHash: string, prevPrevHash: string | null): Failure | null {
  if (row.seq !== expectedSeq) {
    const last = row.seq - 1;
    const which = last === expectedSeq ? `event ${expectedSeq} is` : `events ${expectedSeq} to ${last} are`;
    return { firstBadSeq: expectedSeq, kind: "deleted", reason: `${which} missing: the log jumps from ${expectedSeq - 1} to ${row.seq}` };
  }
  const contentOk = eventHash(row.prevHash, row) === row.hash;
  if (contentOk && row.prevHash === prevHash) return null;
  if (contentOk) {
    if (prevPrevHash !== null && row.prevHash === prevPrevHash) {
      return {
        firstBadSeq: row.seq - 1,
        kind: "inserted",
        reason: `event ${row.seq - 1} was inserted: event ${row.seq} links past it to event ${row.seq - 2}`,
      };
    }
    return {
      firstBadSeq: row.seq,
      kind: "reordered",
      reason: `event ${row.seq} does not follow event ${row.seq - 1}: its previous-hash names another event`,
    };
  }
  const original = writtenAt(row);
  if (original === row.seq - 1 && prevPrevHash !== null && row.prevHash === prevPrevHash) {
    return {
      firstBadSeq: row.seq - 1,
      kind: "inserted",
      reason: `event ${row.seq - 1} was inserted: event ${row.seq} was written as event ${row.seq - 1} and renumbered to make room`,
    };
  }
  if (original !== null) {
    return {
      firstBadSeq: row.seq,
      kind: "reordered",
      reason: `event ${row.seq} was written as event ${original}: events were moved, swapped or renumbered`,
    };
  }
  return { firstBadSeq: row.seq, kind: "edited", reason: `event ${row.seq} was edited: its content no longer matches its hash` };
}

/**
 * Recomputes the whole chain in sequence order, a batch at a time (constant memory), and names the
 * first event that was edited, deleted, inserted or reordered. Reads the head first and checks only
 * up to it, so events appended while it runs do not count as insertions.
 */
export async function verifyChain(
  options: {
    batchSize?: number;
    reader?: ChainBatchReader;
    onProgress?: (checked: number, headSeq: number) => void;
    /** Worker threads; by default one per core (up to 4) from PARALLEL_FROM events. */
    workers?: number;
  } = {},
): Promise<VerifyResult> {
  if (!options.reader) {
    const started = performance.now();
    const head = await readHead();
    const workers = options.workers ?? (head.seq >= PARALLEL_FROM ? verifyWorkers() : 1);
    if (workers > 1 && head.seq > 0) {
      const url = dialect === "sqlite" ? sqliteFilePath(env.DATABASE_URL) : env.DATABASE_URL;
      const checked = await parallelCheck(dialect, url, head.seq, head.hash, GENESIS_HASH, workers);
      if (checked !== null && !(await eventBeyondHead())) {
        options.onProgress?.(checked, head.seq);
        return { ok: true, checked, headSeq: head.seq, headHash: head.hash, ms: performance.now() - started };
      }
    }
  }
  const direct = options.reader ? null : await openDirectReader();
  try {
    return await verifyWith(options.reader ?? direct!.read, options);
  } finally {
    await direct?.close();
  }
}

// Below this many events a single pass is done before worker threads would have started.
const PARALLEL_FROM = 50_000;

/**
 * Rows beyond the head were not appended through the writer (it moves the head in the same
 * transaction). The head is read again, so appends made during a run are not mistaken for them.
 */
async function eventBeyondHead(): Promise<{ seq: number; headSeq: number } | null> {
  const headNow = await readHead();
  const beyond = await db.$queryRaw<{ seq: number | bigint }[]>`
    SELECT "seq" FROM "AuditEvent" WHERE "seq" > ${headNow.seq} ORDER BY "seq" LIMIT 1`;
  return beyond.length > 0 ? { seq: Number(beyond[0].seq), headSeq: headNow.seq } : null;
}

async function verifyWith(
  read: ChainBatchReader,
  options: { batchSize?: number; onProgress?: (checked: number, headSeq: number) => void },
): Promise<VerifyResult> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 5000;
  const head = await readHead();
  let prevHash = GENESIS_HASH;
  let prevPrevHash: string | null = null;
  let lastSeq = 0;
  let checked = 0;
  const fail = (f: Failure) => ({ ok: false as const, checked, headSeq: head.seq, ...f, ms: performance.now() - started });
  for (;;) {
    const rows = await read(lastSeq, head.seq, batchSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      const failure = diagnose(row, lastSeq + 1, prevHash, prevPrevHash);
      if (failure) return fail(failure);
      prevPrevHash = prevHash;
      prevHash = row.hash;
      lastSeq = row.seq;
      checked++;
    }
    options.onProgress?.(checked, head.seq);
  }
  if (lastSeq < head.seq) {
    const which = lastSeq + 1 === head.seq ? `event ${head.seq} is` : `events ${lastSeq + 1} to ${head.seq} are`;
    return fail({ firstBadSeq: lastSeq + 1, kind: "deleted", reason: `${which} missing: the head records ${head.seq} events but the log ends at ${lastSeq}` });
  }
  if (prevHash !== head.hash) {
    return fail({ firstBadSeq: head.seq, kind: "edited", reason: `event ${head.seq} does not match the hash the head recorded for it` });
  }
  const beyond = await eventBeyondHead();
  if (beyond) {
    return fail({ firstBadSeq: beyond.seq, kind: "inserted", reason: `event ${beyond.seq} was inserted: it lies beyond the chain's head (${beyond.headSeq})` });
  }
  return { ok: true, checked, headSeq: head.seq, headHash: head.hash, ms: performance.now() - started };
}

export function describeResult(r: VerifyResult): string {
  if (r.ok) return `The audit log is intact: ${r.checked} events checked up to event ${r.headSeq} (head ${r.headHash.slice(0, 16)}…).`;
  return `The audit log is broken at event ${r.firstBadSeq} (${r.kind}): ${r.reason}. ${r.checked} events before it are intact.`;
}

/** Runs a verification and records it as an audit event, whatever the outcome. */
export async function verifyAndRecord(actor: Actor, options: { workers?: number } = {}): Promise<VerifyResult & { eventSeq: number }> {
  const result = await verifyChain(options);
  const payload = result.ok
    ? { ok: true as const, checked: result.checked, headSeq: result.headSeq, headHash: result.headHash }
    : { ok: false as const, checked: result.checked, headSeq: result.headSeq, firstBadSeq: result.firstBadSeq, kind: result.kind, reason: result.reason };
  const event = await transaction((tx) => appendAuditEvent(tx, { actor, action: "audit.verified", subjectType: "audit_log", subjectId: null, payload }));
  return { ...result, eventSeq: event.seq };
}

/** The most recent recorded verification, for the auditor's page. */
export async function lastVerification() {
  const event = await db.auditEvent.findFirst({ where: { action: "audit.verified" }, orderBy: { seq: "desc" } });
  if (!event) return null;
  const parsed = parseAuditPayload(event.action, event.payload);
  if (parsed.status !== "typed" || parsed.action !== "audit.verified") return null;
  return { seq: event.seq, at: event.at, actorLabel: event.actorLabel, payload: parsed.payload };
}
