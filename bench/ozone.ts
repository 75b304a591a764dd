// Ozone's queue on the same cluster and data size: `npx tsx bench/ozone.ts --items N --pg-url URL`.
// Loads Ozone's schema and data with the reproduction in ../shared/bench/ozone (schema.sql, load.py)
// into a database of its own, then times the queue queries Docket's claim and list compare with
// (q1 open queue by lastReportedAt, q2d a page 1,000 rows deep, q3 by priorityScore) and its take
// (t1) with that folder's bench.py. Writes tmp/bench-queue/ozone-<N>.json for bench/run.ts.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { freshDatabase } from "./pg-cluster.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const OZONE = process.env.DOCKET_BENCH_OZONE_DIR ?? path.resolve(ROOT, "..", "shared", "bench", "ozone");
const { values: args } = parseArgs({
  options: { items: { type: "string", default: "100000" }, "pg-url": { type: "string" }, quick: { type: "boolean", default: false } },
  strict: false,
});
const N = Number(args.items);
const admin = (args["pg-url"] as string | undefined) ?? process.env.DOCKET_BENCH_PG_URL;
if (!admin) throw new Error("bench/ozone.ts needs --pg-url");
if (!existsSync(path.join(OZONE, "load.py"))) throw new Error(`Ozone's reproduction is not at ${OZONE} (set DOCKET_BENCH_OZONE_DIR)`);
const BLOCKS = ["q1_open_lastReportedAt_p1", "q2d_open_lastReportedAt_p21", "q3_open_priorityScore_p1", "t1_take_report"];

const url = freshDatabase(admin, `ozone_${N}`);
const u = new URL(url);
const env = {
  ...process.env,
  PGHOST: u.hostname,
  PGPORT: u.port || "5432",
  PGUSER: decodeURIComponent(u.username || "postgres"),
  PGDATABASE: u.pathname.slice(1),
  PGOPTIONS: "-c client_min_messages=warning",
};
const sh = (cmd: string, argv: string[]) => execFileSync(cmd, argv, { env, stdio: ["ignore", "inherit", "inherit"] });

const t0 = performance.now();
sh("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", path.join(OZONE, "schema.sql")]);
sh("python3", [path.join(OZONE, "load.py"), "--rows", String(N)]);
sh("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", "VACUUM (ANALYZE)", "-c", "CHECKPOINT"]);
const loadSeconds = (performance.now() - t0) / 1000;

// bench.py times every block of the queries file it is given: only the compared ones.
const work = mkdtempSync(path.join(os.tmpdir(), "docket-bench-ozone."));
try {
  const source = readFileSync(path.join(OZONE, "queries.sql"), "utf8");
  const parts = source.split(/^(?=-- @query )/m);
  const kept = parts.filter((p) => BLOCKS.some((b) => p.startsWith(`-- @query ${b}\n`) || p.startsWith(`-- @query ${b} `)));
  writeFileSync(path.join(work, "queries.sql"), kept.join(""));
  const out = path.join(work, "out");
  mkdirSync(out);
  const quick = Boolean(args.quick);
  sh("python3", [
    path.join(OZONE, "bench.py"),
    "--queries",
    path.join(work, "queries.sql"),
    "--rows",
    String(N),
    "--out",
    out,
    "--warmup",
    quick ? "2" : "3",
    "--runs",
    quick ? "10" : "30",
  ]);
  const json = JSON.parse(readFileSync(path.join(out, `results-N${N}.json`), "utf8")) as {
    results: { name: string; client_median?: number; client_p95?: number; explain?: { exec_median: number; plan: { summary: string } }[] }[];
  };
  const size = execFileSync("psql", ["-XAtc", "SELECT pg_database_size(current_database())"], { env, encoding: "utf8" }).trim();
  const result = {
    items: N,
    loadSeconds,
    dataBytes: Number(size),
    queries: json.results.map((r) => ({
      name: r.name,
      median: r.client_median ?? null,
      p95: r.client_p95 ?? null,
      serverExec: r.explain?.length ? r.explain.reduce((s, e) => s + e.exec_median, 0) : null,
      plan: r.explain?.[0]?.plan.summary ?? "",
    })),
  };
  mkdirSync(path.join(ROOT, "tmp", "bench-queue"), { recursive: true });
  writeFileSync(path.join(ROOT, "tmp", "bench-queue", `ozone-${N}.json`), JSON.stringify(result, null, 1));
  console.error(`[ozone ${N}] ${JSON.stringify(result.queries.map((q) => [q.name, q.median, q.p95]))}`);
} finally {
  rmSync(work, { recursive: true, force: true });
  execFileSync("psql", [admin, "-Xqc", `DROP DATABASE IF EXISTS ozone_${N} WITH (FORCE)`], { stdio: "ignore" });
}
