// `npm run bench`: the queue benchmark on SQLite and on PostgreSQL (a throwaway cluster this script
// starts and deletes, or DOCKET_BENCH_PG_URL), Ozone's queue SQL on the same cluster and size, and
// the audit benchmark, the near-duplicate clustering quality on a synthetic referral campaign and
// intake throughput with clustering against without it (bench/clusters-intake.ts), and the reporting
// benchmark (bench/reports.ts: a year of history folded into the rollups, every reader timed);
// then gathers every section on file into docs/benchmarks.md.
//
//   npm run bench -- [--items 100000[,1000000]] [--engine sqlite|postgresql|both] [--quick]
//                    [--only=queue,ozone,audit,clusters-quality,clusters-decide,clusters-intake,reports]
//                    [--report-items 1000000] [--report-only]
//
// --report-items sizes the reporting benchmark's year (items; decisions come to about as many);
// --quick makes it 20,000.
//
// --report-only runs nothing: it writes the queue sections of the given engines and sizes again
// from their results on file (tmp/bench-queue/<engine>-<N>.json), then gathers docs/benchmarks.md.
//
// Each engine runs in its own child process: the application fixes its engine per process from
// DATABASE_URL.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { startCluster, type Cluster } from "./pg-cluster.ts";
import type { QueueResult } from "./queue.ts";
import { machine, ozoneSection, queueSection } from "./report.ts";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    items: { type: "string", default: "100000" },
    engine: { type: "string", default: "both" },
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    "report-only": { type: "boolean", default: false },
    "report-items": { type: "string", default: "1000000" },
  },
  strict: true,
});
const sizes = String(values.items)
  .split(",")
  .map((s) => Number(s.replace(/_/g, "")));
if (sizes.some((n) => !Number.isInteger(n) || n < 1000)) throw new Error("--items takes whole numbers of at least 1,000, comma-separated");
const engines = values.engine === "both" ? ["sqlite", "postgresql"] : [values.engine!];
if (!engines.every((e) => e === "sqlite" || e === "postgresql")) throw new Error("--engine is sqlite, postgresql or both");
const only = values.only ? values.only.split(",") : null;
const wants = (part: string) => !values["report-only"] && (!only || only.includes(part));
const quick = values.quick ? ["--quick"] : [];

let failed = false;
function child(script: string, args: string[], env: Record<string, string> = {}) {
  console.log(`\n=== ${script} ${args.join(" ")} ===`);
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "bench", script), ...args], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", TZ: "UTC", ...env },
  });
  if (run.status !== 0) failed = true;
  return run.status === 0;
}
const readJson = <T>(file: string): T | null => (existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : null);

const needsPg = wants("queue") || wants("ozone") || wants("audit") || wants("clusters-decide") || wants("clusters-intake") || wants("reports");
let cluster: Cluster | null = null;
try {
  if (needsPg && engines.includes("postgresql")) {
    cluster = startCluster();
    console.log(`PostgreSQL ${cluster.version} at ${cluster.url} (${cluster.settings})`);
  }
  for (const n of sizes) {
    for (const engine of engines) {
      if (!wants("queue")) continue;
      child("queue.ts", ["--engine", engine, "--items", String(n), ...(cluster && engine === "postgresql" ? ["--pg-url", cluster.url] : []), ...quick]);
    }
    if (cluster && wants("ozone")) {
      if (child("ozone.ts", ["--items", String(n), "--pg-url", cluster.url, ...quick])) {
        const docket = readJson<QueueResult>(path.join(root, "tmp", "bench-queue", `postgresql-${n}.json`));
        const oz = readJson<Parameters<typeof ozoneSection>[1]>(path.join(root, "tmp", "bench-queue", `ozone-${n}.json`));
        if (docket && oz) writeFileSync(path.join(root, "docs", "benchmarks", `queue-ozone-${n}.md`), ozoneSection(docket, oz, cluster.version));
      }
    }
  }
  if (wants("audit")) {
    child("audit.ts", values.quick ? ["50000", "20000"] : [], cluster ? { DOCKET_BENCH_PG_URL: cluster.url } : {});
  }
  if (wants("clusters-quality")) child("clusters-quality.ts", quick);
  if (wants("clusters-decide")) {
    for (const engine of engines) {
      child("clusters-decide.ts", [
        "--engine",
        engine,
        ...(cluster && engine === "postgresql" ? ["--pg-url", cluster.url] : []),
        ...(values.quick ? ["--runs", "1"] : []),
      ]);
    }
    child("clusters-decide.ts", ["--report"]);
  }
  if (wants("clusters-intake")) {
    for (const n of sizes)
      for (const engine of engines)
        child("clusters-intake.ts", ["--engine", engine, "--items", String(n), ...(cluster && engine === "postgresql" ? ["--pg-url", cluster.url] : [])]);
  }
  if (wants("reports")) {
    const n = values.quick ? "20000" : String(values["report-items"]).replace(/_/g, "");
    for (const engine of engines)
      child("reports.ts", [
        "--engine",
        engine,
        "--items",
        n,
        ...(cluster && engine === "postgresql" ? ["--pg-url", cluster.url] : []),
        ...(values.quick ? ["--runs", "10"] : []),
      ]);
  }
} finally {
  cluster?.stop();
}

if (values["report-only"]) {
  for (const n of sizes)
    for (const engine of engines) {
      const result = readJson<QueueResult>(path.join(root, "tmp", "bench-queue", `${engine}-${n}.json`));
      if (result) writeFileSync(path.join(root, "docs", "benchmarks", `queue-${engine}-${n}.md`), queueSection(result));
    }
}

// Sections from before the per-engine names would repeat old figures under a new heading.
for (const old of ["queue.md", "queue-1000000.md"]) rmSync(path.join(root, "docs", "benchmarks", old), { force: true });
const dir = path.join(root, "docs", "benchmarks");
const files = (existsSync(dir) ? readdirSync(dir) : []).filter((f) => f.endsWith(".md"));
// Queue sections by size, SQLite before PostgreSQL, each size's Ozone comparison after them; audit last.
const order = (f: string) => {
  const m = f.match(/^queue-(sqlite|postgresql|ozone)-(\d+)\.md$/);
  return m ? Number(m[2]) * 10 + ["sqlite", "postgresql", "ozone"].indexOf(m[1]) : Number.MAX_SAFE_INTEGER;
};
const sections = files.sort((a, b) => order(a) - order(b) || a.localeCompare(b)).map((f) => readFileSync(path.join(dir, f), "utf8").trim());
const audit = existsSync(path.join(dir, "audit.md")) ? readFileSync(path.join(dir, "audit.md"), "utf8") : "";
const pgAudit = audit.match(/On PostgreSQL[^*]*\*\*([\d,]+) events\/s\*\*/);
const pgRate = pgAudit ? Number(pgAudit[1].replace(/,/g, "")) : null;
const header = `# Benchmarks

Produced by \`npm run bench\` (see the README's benchmark section). Each section says when it ran,
on what data size and on which machine. Figures are medians and percentiles of one run, with
ratios against the raw SQL doing the same work measured in that same run, so they compare like with
like. The machine is shared, so the load average at the time is part of each section.

Gathered on: ${machine()}.

Audit verification on PostgreSQL (target >= 200,000 events/s): ${pgRate === null ? "not measured in the audit section on file" : `${pgRate.toLocaleString("en")} events/s, ${pgRate >= 200_000 ? "met" : "**not met**"}`}.
`;
writeFileSync(path.join(root, "docs", "benchmarks.md"), `${header}\n${sections.join("\n\n")}\n`);
console.log("\nwrote docs/benchmarks.md");
process.exit(failed ? 1 : 0);
