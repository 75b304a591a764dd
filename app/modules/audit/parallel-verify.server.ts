import { createRequire } from "node:module";
import os from "node:os";
import { Worker } from "node:worker_threads";
import { eventBody } from "./chain.ts";

/*
 * Every event's hash depends only on its own row (which carries its predecessor's hash), so the
 * chain can be checked in segments at once: each worker thread reads and hashes one seq range on
 * its own read-only SQLite connection, and the segments are then stitched at their edges. This
 * only answers "intact or not, and roughly where"; a broken chain is diagnosed again sequentially,
 * which names the event and the kind of damage.
 */

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const crypto = require("node:crypto");
const Database = require(workerData.driver);
const eventBody = ${eventBody.toString()};
const sha = typeof crypto.hash === "function"
  ? (d) => crypto.hash("sha256", d, "hex")
  : (d) => crypto.createHash("sha256").update(d).digest("hex");
const db = new Database(workerData.file, { readonly: true, fileMustExist: true, timeout: 10000 });
const stmt = db.prepare('SELECT "seq","actorId","actorLabel","action","subjectType","subjectId","payload","prevHash","hash","at" FROM "AuditEvent" WHERE "seq" >= ? AND "seq" <= ? ORDER BY "seq"').raw(true);
let expected = workerData.from, prev = null, firstPrev = null, bad = null;
for (const r of stmt.iterate(workerData.from, workerData.to)) {
  const e = { seq: r[0], actorId: r[1], actorLabel: r[2], action: r[3], subjectType: r[4], subjectId: r[5], payload: r[6], at: new Date(r[9]) };
  if (r[0] !== expected || (prev !== null && r[7] !== prev) || sha(r[7] + "\\n" + eventBody(e)) !== r[8]) { bad = Math.min(r[0], expected); break; }
  if (firstPrev === null) firstPrev = r[7];
  prev = r[8];
  expected++;
}
if (bad === null && expected !== workerData.to + 1) bad = expected;
db.close();
parentPort.postMessage({ bad, firstPrev, lastHash: prev, checked: expected - workerData.from });
`;

type Segment = { from: number; to: number; bad: number | null; firstPrev: string | null; lastHash: string | null; checked: number };

function runSegment(file: string, driver: string, from: number, to: number): Promise<Segment> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, from, to } });
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
 * Checks events 1..headSeq of a SQLite log in `workers` segments at once. Returns the number of
 * events checked when the whole range is intact and ends at `headHash`, or null when anything is
 * off (then the caller's sequential pass finds and names it).
 */
export async function parallelCheckSqlite(file: string, headSeq: number, headHash: string, genesis: string, workers: number): Promise<number | null> {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const size = Math.ceil(headSeq / workers);
  const ranges: [number, number][] = [];
  for (let from = 1; from <= headSeq; from += size) ranges.push([from, Math.min(headSeq, from + size - 1)]);
  const segments = await Promise.all(ranges.map(([from, to]) => runSegment(file, driver, from, to)));
  let prev = genesis;
  let checked = 0;
  for (const s of segments) {
    if (s.bad !== null || s.firstPrev !== prev) return null;
    prev = s.lastHash!;
    checked += s.checked;
  }
  return prev === headHash ? checked : null;
}
