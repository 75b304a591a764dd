import { createRequire } from "node:module";
import os from "node:os";
import { Worker } from "node:worker_threads";
import { eventBody } from "./chain.ts";
import { copyFields, copyOut, isoFromPgTimestamp } from "./copy-rows.ts";

/*
 * Every event's hash depends only on its own row (which carries its predecessor's hash), so the
 * chain can be checked in segments at once: each worker thread reads and hashes one seq range on
 * its own database connection, and the segments are then stitched at their edges. This
 * only answers "intact or not, and roughly where"; a broken chain is diagnosed again sequentially,
 * which names the event and the kind of damage.
 *
 * The hashes are recomputed here from the stored fields, never taken from the database. On
 * PostgreSQL each worker reads its whole range as one COPY stream (copy-rows.ts), and the timestamp
 * arrives as ISO text rewritten into the form toISOString gives rather than parsed into a Date
 * (docs/decisions/026-fast-independent-verification.md).
 */

const COLUMNS = `"seq","actorId","actorLabel","action","subjectType","subjectId","payload","prevHash","hash"`;

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const crypto = require("node:crypto");
const eventBody = ${eventBody.toString()};
const copyFields = ${copyFields.toString()};
const isoFromPgTimestamp = ${isoFromPgTimestamp.toString()};
const copyOut = ${copyOut.toString()};
const sha = (d) => crypto.hash("sha256", d, "hex");
const from = Number(workerData.from), to = Number(workerData.to);
let expected = from, prev = null, firstPrev = null, bad = null;
// Reused for every row: eventBody reads it synchronously and keeps nothing.
const e = { seq: 0, actorId: null, actorLabel: "", action: "", subjectType: "", subjectId: null, payload: "", at: null };
function report() {
  parentPort.postMessage({ bad, firstPrev, lastHash: prev, checked: expected - from });
}
// One row (columns as in COLUMNS) with e.at already set; false once the segment is broken.
function check(r) {
  const seq = Number(r[0]);
  e.seq = seq; e.actorId = r[1]; e.actorLabel = r[2]; e.action = r[3]; e.subjectType = r[4]; e.subjectId = r[5]; e.payload = r[6];
  if (seq !== expected || (prev !== null && r[7] !== prev) || sha(r[7] + "\\n" + eventBody(e)) !== r[8]) {
    bad = Math.min(seq, expected);
    // The first break settles the answer: report it now and let the main thread stop every worker.
    report();
    return false;
  }
  if (firstPrev === null) firstPrev = r[7];
  prev = r[8];
  expected++;
  return true;
}
function finish() {
  if (bad !== null) return;
  if (expected !== to + 1) bad = expected;
  report();
}
if (workerData.kind === "sqlite") {
  const Database = require(workerData.driver);
  const db = new Database(workerData.url, { readonly: true, fileMustExist: true, timeout: 10000 });
  const stmt = db.prepare('SELECT ${COLUMNS},"at" FROM "AuditEvent" WHERE "seq" >= ? AND "seq" <= ? ORDER BY "seq"').raw(true);
  const at = new Date(0);
  e.at = at;
  for (const r of stmt.iterate(from, to)) {
    at.setTime(Number(r[9]));
    if (!check(r)) break;
  }
  db.close();
  finish();
} else {
  const pg = require(workerData.driver);
  // Stands in for the Date: eventBody asks it only for its ISO text.
  const at = { iso: "", toISOString() { return this.iso; } };
  e.at = at;
  function onLine(line) {
    if (bad !== null) return;
    const r = copyFields(line);
    const iso = r[9] === null ? null : isoFromPgTimestamp(r[9]);
    if (iso === null) { bad = expected; report(); return; }
    at.iso = iso;
    check(r);
  }
  (async () => {
    const client = new pg.Client({ connectionString: workerData.url });
    // A connection the server ends fails the query in flight; unheard, its error event would end the process.
    client.on("error", () => {});
    await client.connect();
    // The timestamp's text form depends on DateStyle; ISO is what isoFromPgTimestamp reads.
    await client.query("SET DateStyle = ISO");
    await copyOut(client, 'COPY (SELECT ${COLUMNS}, "at" FROM "AuditEvent" WHERE "seq" >= ' + from + ' AND "seq" <= ' + to + ' ORDER BY "seq") TO STDOUT', onLine);
    await client.end();
    finish();
  })().catch((error) => { throw error; });
}
`;

type Segment = { from: number; to: number; bad: number | null; firstPrev: string | null; lastHash: string | null; checked: number };

type Target = { kind: "sqlite" | "postgresql"; url: string; driver: string };

function runSegment(target: Target, from: number, to: number): { worker: Worker; segment: Promise<Segment> } {
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { ...target, from, to } });
  const segment = new Promise<Segment>((resolve, reject) => {
    worker.once("message", (m: Omit<Segment, "from" | "to">) => resolve({ from, to, ...m }));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`a verification worker stopped with code ${code}`));
    });
  });
  return { worker, segment };
}

export function verifyWorkers(): number {
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 4));
}

class BrokenSegment extends Error {}

/**
 * Checks events 1..headSeq in `workers` segments at once: for SQLite `url` is the database file,
 * for PostgreSQL the connection URL. Returns the number of events checked when the whole range is
 * intact and ends at `headHash`, or null when anything is off (the caller's single pass then finds
 * and names it).
 */
export async function parallelCheck(
  kind: "sqlite" | "postgresql",
  url: string,
  headSeq: number,
  headHash: string,
  genesis: string,
  workers: number,
): Promise<number | null> {
  const driver = createRequire(import.meta.url).resolve(kind === "sqlite" ? "better-sqlite3" : "pg");
  const size = Math.ceil(headSeq / workers);
  const ranges: [number, number][] = [];
  for (let from = 1; from <= headSeq; from += size) ranges.push([from, Math.min(headSeq, from + size - 1)]);
  const runs = ranges.map(([from, to]) => runSegment({ kind, url, driver }, from, to));
  let segments: Segment[];
  try {
    // A broken segment answers for the whole chain, so the others are not waited for.
    segments = await Promise.all(
      runs.map((r) =>
        r.segment.then((s) => {
          if (s.bad !== null) throw new BrokenSegment();
          return s;
        }),
      ),
    );
  } catch (error) {
    if (error instanceof BrokenSegment) return null;
    throw error;
  } finally {
    for (const r of runs) void r.worker.terminate();
  }
  let prev = genesis;
  let checked = 0;
  for (const s of segments) {
    if (s.firstPrev !== prev) return null;
    prev = s.lastHash!;
    checked += s.checked;
  }
  return prev === headHash ? checked : null;
}
