import { createRequire } from "node:module";
import os from "node:os";
import { Worker } from "node:worker_threads";
import { eventBody } from "./chain.ts";

/*
 * Every event's hash depends only on its own row (which carries its predecessor's hash), so the
 * chain can be checked in segments at once: each worker thread reads and hashes one seq range on
 * its own database connection, and the segments are then stitched at their edges. This
 * only answers "intact or not, and roughly where"; a broken chain is diagnosed again sequentially,
 * which names the event and the kind of damage.
 */

const COLUMNS = `"seq","actorId","actorLabel","action","subjectType","subjectId","payload","prevHash","hash"`;

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const crypto = require("node:crypto");
const eventBody = ${eventBody.toString()};
const sha = (d) => crypto.hash("sha256", d, "hex");
let expected = workerData.from, prev = null, firstPrev = null, bad = null;
// One row as an array (columns as in COLUMNS, then "at" in epoch ms); false once the segment is broken.
function check(r) {
  const seq = Number(r[0]);
  const e = { seq, actorId: r[1], actorLabel: r[2], action: r[3], subjectType: r[4], subjectId: r[5], payload: r[6], at: new Date(Number(r[9])) };
  if (seq !== expected || (prev !== null && r[7] !== prev) || sha(r[7] + "\\n" + eventBody(e)) !== r[8]) { bad = Math.min(seq, expected); return false; }
  if (firstPrev === null) firstPrev = r[7];
  prev = r[8];
  expected++;
  return true;
}
function done() {
  if (bad === null && expected !== workerData.to + 1) bad = expected;
  parentPort.postMessage({ bad, firstPrev, lastHash: prev, checked: expected - workerData.from });
}
if (workerData.kind === "sqlite") {
  const Database = require(workerData.driver);
  const db = new Database(workerData.url, { readonly: true, fileMustExist: true, timeout: 10000 });
  const stmt = db.prepare('SELECT ${COLUMNS},"at" FROM "AuditEvent" WHERE "seq" >= ? AND "seq" <= ? ORDER BY "seq"').raw(true);
  for (const r of stmt.iterate(workerData.from, workerData.to)) if (!check(r)) break;
  db.close();
  done();
} else {
  const pg = require(workerData.driver);
  (async () => {
    const client = new pg.Client({ connectionString: workerData.url });
    await client.connect();
    const text = 'SELECT ${COLUMNS}, CAST(ROUND(EXTRACT(EPOCH FROM "at") * 1000) AS BIGINT) FROM "AuditEvent" WHERE "seq" > $1 AND "seq" <= $2 ORDER BY "seq" LIMIT 5000';
    let after = workerData.from - 1;
    outer: for (;;) {
      const { rows } = await client.query({ text, values: [after, workerData.to], rowMode: "array" });
      if (rows.length === 0) break;
      for (const r of rows) if (!check(r)) break outer;
      after = Number(rows[rows.length - 1][0]);
    }
    await client.end();
    done();
  })().catch((error) => { throw error; });
}
`;

type Segment = { from: number; to: number; bad: number | null; firstPrev: string | null; lastHash: string | null; checked: number };

type Target = { kind: "sqlite" | "postgresql"; url: string; driver: string };

function runSegment(target: Target, from: number, to: number): Promise<Segment> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...target, from, to } });
    worker.once("message", (m: Omit<Segment, "from" | "to">) => resolve({ from, to, ...m }));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`a verification worker stopped with code ${code}`));
    });
  });
}

export function verifyWorkers(): number {
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 4));
}

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
  const segments = await Promise.all(ranges.map(([from, to]) => runSegment({ kind, url, driver }, from, to)));
  let prev = genesis;
  let checked = 0;
  for (const s of segments) {
    if (s.bad !== null || s.firstPrev !== prev) return null;
    prev = s.lastHash!;
    checked += s.checked;
  }
  return prev === headHash ? checked : null;
}
