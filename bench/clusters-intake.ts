// Intake throughput with near-duplicate clustering against intake without it, in the same run:
//
//   node --import tsx bench/clusters-intake.ts --engine sqlite|postgresql --items 100000 [--pg-url URL] [--quick]
//
// Runs itself twice on the same synthetic workload, each time on a fresh database: once with
// DOCKET_CLUSTERING=1 (fingerprint, band probe, verification, band rows) and once with
// DOCKET_CLUSTERING=0 (every new item its own cluster, nothing probed), each through the application's
// own ingestFlags in batches of 500. The workload is a realistic mix made of 100,000-item chunks: 70%
// copies in families of about 50 (generateCampaign), 10% distinct texts from the common templates and
// 20% distinct texts. The clustered run also times fingerprinting alone (the CPU part of the cost) and
// counts band rows per item, and both engines' plans of the band probe are captured. Writes
// docs/benchmarks/clusters-intake-<engine>-<N>.md and tmp/bench-clusters/intake-<engine>-<N>-<on|off>.json.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { freshDatabase, serverVersion } from "./pg-cluster.ts";
import { sqlitePlanText, type SqlitePlanRow } from "./plans.ts";
import { machine, verdict } from "./report.ts";
import { fmt, ms, summary, type Summary } from "./stats.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIR = path.join(ROOT, "tmp", "bench-clusters");
mkdirSync(DIR, { recursive: true });
const { values: args } = parseArgs({
  options: {
    engine: { type: "string", default: "sqlite" },
    items: { type: "string", default: "100000" },
    "pg-url": { type: "string" },
    quick: { type: "boolean", default: false },
    measure: { type: "string" },
  },
  strict: true,
});
const ENGINE = args.engine === "postgresql" ? "postgresql" : "sqlite";
const N = Number(args.items);
const BATCH = 500;
const CHUNK = 100_000;
const SEED = 13;
const resultFile = (mode: "on" | "off") => path.join(DIR, `intake-${ENGINE}-${N}-${mode}.json`);

type Measured = {
  engine: string;
  items: number;
  clustering: boolean;
  seconds: number;
  flagsPerSec: number;
  batchMs: Summary;
  /** Throughput over the last tenth of the run: does intake slow as the band index grows? */
  lastTenthPerSec: number;
  clusters: number;
  bandRows: number;
  fingerprintUsPerItem: number | null;
  plan: string | null;
  pgVersion: string | null;
  at: string;
};

if (args.measure === "on" || args.measure === "off") await measure(args.measure);
else orchestrate();

function orchestrate() {
  const adminUrl = (args["pg-url"] as string | undefined) ?? process.env.DOCKET_BENCH_PG_URL;
  if (ENGINE === "postgresql" && !adminUrl) throw new Error("--engine postgresql needs --pg-url (or DOCKET_BENCH_PG_URL)");
  // Without first, then with: the second run has no warmer machine than the first to thank for its figure.
  for (const mode of ["off", "on"] as const) {
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", import.meta.filename, "--engine", ENGINE, "--items", String(N), "--measure", mode, ...(adminUrl ? ["--pg-url", adminUrl] : [])],
      { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production", TZ: "UTC", DOCKET_CLUSTERING: mode === "on" ? "1" : "0" } },
    );
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
  const on = JSON.parse(readFileSync(resultFile("on"), "utf8")) as Measured;
  const off = JSON.parse(readFileSync(resultFile("off"), "utf8")) as Measured;
  writeFileSync(path.join(ROOT, "docs", "benchmarks", `clusters-intake-${ENGINE}-${N}.md`), section(on, off));
}

async function measure(mode: "on" | "off") {
  const log = (m: string) => console.error(`[clusters-intake ${ENGINE} ${fmt(N)} clustering ${mode}] ${m}`);
  let url: string;
  if (ENGINE === "sqlite") {
    const file = path.join(DIR, `intake-${N}-${mode}.db`);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    url = `file:${file}`;
  } else {
    url = freshDatabase((args["pg-url"] as string | undefined) ?? process.env.DOCKET_BENCH_PG_URL!, `docket_bench_clusters_${mode}`);
  }
  process.env.DATABASE_URL = url;
  const { migrate } = await import("../app/migrate.server.ts");
  await migrate(url, { root: ROOT });
  const { db } = await import("../app/db.server.ts");
  const { env } = await import("../app/env.server.ts");
  if (env.DOCKET_CLUSTERING !== (mode === "on")) throw new Error("DOCKET_CLUSTERING does not match the measured mode");
  const { ensureStarterLabelSet } = await import("../app/modules/labels/starter.server.ts");
  await ensureStarterLabelSet({ kind: "system", name: "bench" });
  const { ingestFlags } = await import("../app/modules/intake/ingest.server.ts");
  const { FlagRequest } = await import("../app/modules/intake/schema.ts");
  const { fingerprintOf } = await import("../app/modules/clusters/fingerprint.ts");
  const campaign = await import("../app/modules/clusters/synthetic-campaign.ts");
  const sender = { platform: "bench", apiKeyId: null, actor: { kind: "system" as const, name: "bench" } };

  /** One chunk of the workload, in arrival order; the same seed gives the same texts in both runs. */
  function chunkOf(k: number, size: number) {
    const copies = Math.round(size * 0.7);
    const templates = Math.round(size * 0.1);
    const { items } = campaign.generateCampaign({ seed: SEED + k, families: Math.max(1, Math.round(copies / 50)), total: copies, templateTexts: templates });
    const rng = campaign.mulberry32(SEED * 1000 + k);
    const distinct = Array.from({ length: size - items.length }, (_, d) => {
      const base = campaign.baseText(rng);
      return { externalId: `distinct-${d}`, title: base.title, body: base.paragraphs.join("\n\n"), family: null };
    });
    const all = [...items, ...distinct];
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all.map((item, i) =>
      FlagRequest.parse({
        content: { externalId: `c${k}-${item.externalId}`, type: "text", ...(item.title ? { title: item.title } : {}), body: item.body },
        flag: {
          externalId: `f${k}-${i}`,
          source: item.family ? "authority_referral" : "user_report",
          reason: "violent_extremism",
          ...(item.family ? { reference: `REF-BENCH-${k}` } : {}),
        },
      }),
    );
  }

  const batchTimes: number[] = [];
  let ingestMs = 0;
  let lastTenthMs = 0;
  let lastTenthItems = 0;
  let fingerprintMs = 0;
  let done = 0;
  const started = performance.now();
  for (let k = 0; done < N; k++) {
    const entries = chunkOf(k, Math.min(CHUNK, N - done));
    if (mode === "on") {
      const t = performance.now();
      for (const e of entries) fingerprintOf([e.content.title, e.content.body]);
      fingerprintMs += performance.now() - t;
    }
    for (let i = 0; i < entries.length; i += BATCH) {
      const batch = entries.slice(i, i + BATCH);
      const t = performance.now();
      await ingestFlags(sender, batch, "batch");
      const took = performance.now() - t;
      batchTimes.push(took);
      ingestMs += took;
      if (done + i >= N * 0.9) {
        lastTenthMs += took;
        lastTenthItems += batch.length;
      }
    }
    done += entries.length;
    log(`${fmt(done)} items, ${fmt((done / ingestMs) * 1000)} flags/s so far (${((performance.now() - started) / 1000).toFixed(0)} s with generation)`);
  }
  const [{ n: clusters }] = await db.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT COUNT(*) AS n FROM "Cluster"`);
  const [{ n: bandRows }] = await db.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT COUNT(*) AS n FROM "ClusterBand"`);
  const plan = mode === "on" ? await bandProbePlan(db, fingerprintOf, campaign) : null;
  const result: Measured = {
    engine: ENGINE,
    items: N,
    clustering: mode === "on",
    seconds: ingestMs / 1000,
    flagsPerSec: (N / ingestMs) * 1000,
    batchMs: summary(batchTimes),
    lastTenthPerSec: (lastTenthItems / lastTenthMs) * 1000,
    clusters: Number(clusters),
    bandRows: Number(bandRows),
    fingerprintUsPerItem: mode === "on" ? (fingerprintMs * 1000) / N : null,
    plan,
    pgVersion: ENGINE === "postgresql" ? serverVersion(url) : null,
    at: new Date().toISOString(),
  };
  writeFileSync(resultFile(mode), JSON.stringify(result, null, 2));
  log(`${fmt(result.flagsPerSec)} flags/s; ${fmt(result.clusters)} clusters, ${fmt(result.bandRows)} band rows`);
  await db.$disconnect();
  if (ENGINE === "postgresql") {
    const admin = (args["pg-url"] as string | undefined) ?? process.env.DOCKET_BENCH_PG_URL!;
    spawnSync("psql", [admin, "-Xqc", `DROP DATABASE IF EXISTS docket_bench_clusters_${mode} WITH (FORCE)`], { stdio: "inherit" });
  }
}

/** The plan of the band probe exactly as intake sends it, for the keys of one fresh family copy. */
async function bandProbePlan(
  db: typeof import("../app/db.server.ts").db,
  fingerprintOf: typeof import("../app/modules/clusters/fingerprint.ts").fingerprintOf,
  campaign: typeof import("../app/modules/clusters/synthetic-campaign.ts"),
): Promise<string> {
  const { BANDS_BY_KEY, clusterProbeSql } = await import("../app/modules/clusters/assign.server.ts");
  const rng = campaign.mulberry32(SEED);
  const copy = campaign.editedCopy(campaign.baseText(rng, "post"), rng);
  const keys = fingerprintOf([copy.title, copy.body]).keys;
  if (ENGINE === "postgresql") {
    const [bands] = clusterProbeSql(keys, `SELECT NULL::text AS "clusterId"`);
    const rows = await db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${bands}`);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  }
  // The SQLite probe as readClustersOnSqlite prepares it, with the keys bound.
  const rows = await db.$queryRawUnsafe<SqlitePlanRow[]>(`EXPLAIN QUERY PLAN ${BANDS_BY_KEY}`, JSON.stringify(keys));
  return sqlitePlanText(rows.map((r) => ({ id: Number(r.id), parent: Number(r.parent), detail: r.detail })));
}

function section(on: Measured, off: Measured): string {
  const ratio = on.flagsPerSec / off.flagsPerSec;
  const name = on.engine === "sqlite" ? "SQLite" : `PostgreSQL ${on.pgVersion ?? ""}`.trim();
  const pkProbe = on.plan
    ? on.engine === "sqlite"
      ? /SEARCH b USING (PRIMARY KEY|INDEX sqlite_autoindex_ClusterBand_1) \(bandKey=\?\)/.test(on.plan)
      : /ClusterBand_pkey/.test(on.plan)
    : false;
  const scan = on.plan ? (on.engine === "sqlite" ? /^\s*SCAN b\b/m.test(on.plan) : /Seq Scan on "?ClusterBand"?/.test(on.plan)) : true;
  const fpShare = on.fingerprintUsPerItem !== null ? (on.fingerprintUsPerItem * on.items) / 1e6 / on.seconds : null;
  const perItemExtra = ((on.seconds - off.seconds) * 1e6) / on.items;
  return `## Intake with near-duplicate clustering: ${name}, ${fmt(on.items)} items

${machine()}; measured ${on.at.slice(0, 16).replace("T", " ")} UTC (clustering off first, then on, each on a fresh database).

Workload: ${fmt(on.items)} new items through \`ingestFlags\` in batches of ${BATCH}, in chunks of ${fmt(Math.min(CHUNK, on.items))}: 70% lightly edited copies in families of about 50
(\`generateCampaign\`, flagged as authority referrals), 10% distinct texts from the common templates and 20% other distinct texts
(user notices). Without clustering (\`DOCKET_CLUSTERING=0\`) each new item gets a cluster row of its own and nothing is fingerprinted or probed.

| | flags/s | batch p50 | batch p95 | last tenth flags/s | clusters | band rows |
|---|---:|---:|---:|---:|---:|---:|
| without clustering | ${fmt(off.flagsPerSec)} | ${ms(off.batchMs.p50)} ms | ${ms(off.batchMs.p95)} ms | ${fmt(off.lastTenthPerSec)} | ${fmt(off.clusters)} | ${fmt(off.bandRows)} |
| with clustering | ${fmt(on.flagsPerSec)} | ${ms(on.batchMs.p50)} ms | ${ms(on.batchMs.p95)} ms | ${fmt(on.lastTenthPerSec)} | ${fmt(on.clusters)} | ${fmt(on.bandRows)} |

- **Target: with clustering at least 70% of without: ${(ratio * 100).toFixed(0)}% — ${verdict(ratio >= 0.7)}.**
- Where the extra time goes: clustering adds ${perItemExtra.toFixed(0)} µs per item; fingerprinting alone (normalise, shingle, MinHash, band keys) costs
  ${on.fingerprintUsPerItem !== null ? `${on.fingerprintUsPerItem.toFixed(0)} µs per item of CPU` : "n/a"}${fpShare !== null ? ` (${(fpShare * 100).toFixed(0)}% of the clustered run's intake time)` : ""}; the rest is the band probe, the verification against the probed members'
  signatures and writing ${(on.bandRows / on.items).toFixed(1)} band rows per item.
- **Candidate lookup is a primary-key probe: ${verdict(pkProbe && !scan)}.** Plan of the band probe as intake sends it, on the filled database:

\`\`\`
${on.plan ?? "(not captured)"}
\`\`\`
`;
}
