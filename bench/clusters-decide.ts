// Cluster decision benchmark: `npx tsx bench/clusters-decide.ts --engine sqlite|postgresql [--pg-url URL] [--members 5000] [--runs 3]`,
// or `--report` to write docs/benchmarks/clusters-decide.md from the results on file.
//
// Each run ingests a served item and N members through the real intake, places them in one cluster,
// and has a moderator decide the cluster through the application's decide(): the served decision in
// the request, the members in chunks by the runner. It reports the time to the last member, members
// per second, and the rows each member cost, counted in the database before and after.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { freshDatabase } from "./pg-cluster.ts";
import { machine } from "./report.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIR = path.join(ROOT, "tmp", "bench-clusters");
const OUT = path.join(ROOT, "docs", "benchmarks", "clusters-decide.md");
const TABLES = ["Decision", "DecisionLabel", "AuditEvent", "Claim"] as const;

type Run = { members: number; seedSeconds: number; requestMs: number; totalMs: number; decided: number; rows: Record<string, number> };
type Result = { engine: string; members: number; chunk: number; at: string; machine: string; server: string; runs: Run[] };

const { values: args } = parseArgs({
  options: {
    engine: { type: "string", default: "sqlite" },
    "pg-url": { type: "string" },
    members: { type: "string", default: "5000" },
    runs: { type: "string", default: "3" },
    report: { type: "boolean", default: false },
  },
  strict: true,
});

const fmt = (n: number, digits = 0) => n.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (args.report) {
  writeReport();
  process.exit(0);
}

const ENGINE = args.engine!;
const MEMBERS = Number(args.members);
const RUNS = Number(args.runs);
mkdirSync(DIR, { recursive: true });
let url: string;
if (ENGINE === "sqlite") {
  const file = path.join(DIR, "clusters.db");
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  url = `file:${file}`;
} else {
  const admin = args["pg-url"] ?? process.env.DOCKET_BENCH_PG_URL;
  if (!admin) throw new Error("--engine postgresql needs --pg-url (bench/run.ts starts a cluster and passes it)");
  url = freshDatabase(admin, "docket_bench_clusters");
}
process.env.DATABASE_URL = url;
process.env.NODE_ENV = "production";
const { migrate } = await import("../app/migrate.server.ts");
await migrate(url, { root: ROOT });
const { db } = await import("../app/db.server.ts");
const { bootstrap } = await import("../app/bootstrap.server.ts");
await bootstrap();
const { ingestFlags } = await import("../app/modules/intake/ingest.server.ts");
const { FlagRequest } = await import("../app/modules/intake/schema.ts");
const { ensureStarterLabelSet } = await import("../app/modules/labels/starter.server.ts");
const { liveLabelSetsForReason } = await import("../app/modules/labels/live.server.ts");
const { claimItem } = await import("../app/modules/queue/claims.server.ts");
const { decide } = await import("../app/modules/decisions/decide.server.ts");
const { CLUSTER_CHUNK, clusterDecisionProgress, runClusterDecision } = await import("../app/modules/clusters/decide.server.ts");
const { verifyChain } = await import("../app/modules/audit/verify.server.ts");

await ensureStarterLabelSet({ kind: "system", name: "bench" });
const label = (await liveLabelSetsForReason("violent_extremism")).flatMap((s) => s.labels).find((l) => l.key === "ve_recruitment")!;
const queues = await db.queue.findMany({ where: { deletedAt: null }, select: { id: true } });
const moderator = await db.user.create({
  data: { id: "bench-moderator", email: "moderator@bench.example", name: "Bench moderator", role: "moderator", passwordHash: "-" },
});
await db.queueMember.createMany({ data: queues.map((q) => ({ queueId: q.id, userId: moderator.id })) });
const sender = { platform: "bench", apiKeyId: null, actor: { kind: "system" as const, name: "bench intake" } };

async function counts() {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number(((await db.$queryRawUnsafe(`SELECT COUNT(*) AS "n" FROM "${t}"`)) as { n: number | bigint }[])[0].n);
  return out;
}

/** Run r's text, lightly edited per copy (a prefix, a word changed, a tracking link), fictional throughout. */
function copyOf(r: number, i: number) {
  // Made-up words of the run's own, so one run's copies never join another run's cluster.
  const words = (n: number) => Array.from({ length: 14 }, (_, k) => `w${r}z${n}z${k}z${(r * 7919 + n * 131 + k * 104729) % 99991}`).join(" ");
  const text = [
    `The council of the fictional Placeholder Front ${r} published a call on Tuesday asking followers in district ${r} to gather at the old harbour square: ${words(1)}.`,
    `It praised the movement's founder, a placeholder figure called Leader ${r}, and told readers that only the movement could restore the pride of the coast: ${words(2)}.`,
    `Every supporter was asked to bring two new members to the next meeting: ${words(3)}.`,
  ].join("\n\n");
  const prefix = ["", "BREAKING: ", "Repost:\n", "Advertisement\n"][i % 4];
  const edited = i % 3 === 1 ? text.replace("Tuesday", "Wednesday") : i % 3 === 2 ? text.replace("published a call", "issued a call") : text;
  return `${prefix}${edited}\nhttps://example.test/share?ref=${r}-${i}`;
}

const runs: Run[] = [];
for (let r = 0; r < RUNS; r++) {
  const seedStarted = performance.now();
  const ids: string[] = [];
  for (let i = 0; i <= MEMBERS; i += 500) {
    const batch = Array.from({ length: Math.min(500, MEMBERS + 1 - i) }, (_, j) =>
      FlagRequest.parse({
        content: {
          externalId: `bench-${r}-${i + j}`,
          type: "text",
          title: `Repost ${i + j}`,
          body: copyOf(r, i + j),
          author: { externalId: `acct-${i + j}`, handle: `account_${i + j}` },
        },
        flag: { source: "authority_referral", reason: "violent_extremism", reference: `BENCH-${r}` },
      }),
    );
    ids.push(...(await ingestFlags(sender, batch, "batch")).map((x) => x.itemId));
  }
  // Intake placed the copies in one cluster, as it places near-duplicates.
  const { clusterId } = await db.item.findUniqueOrThrow({ where: { id: ids[0] }, select: { clusterId: true } });
  const placed = await db.item.count({ where: { clusterId } });
  if (placed !== ids.length) throw new Error(`intake placed ${placed} of ${ids.length} copies in the served item's cluster`);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const claim = (await claimItem(moderator, ids[0]))!;
  const before = await counts();
  const started = performance.now();
  const result = await decide(moderator, {
    itemId: ids[0],
    claimId: claim.claimId,
    action: "remove",
    labelIds: [label.id],
    rationale: "Recruitment call copied across accounts (synthetic).",
    cluster: { memberIds: "all" },
  });
  const requestMs = performance.now() - started;
  await runClusterDecision(result.cluster!.id);
  const totalMs = performance.now() - started;
  const after = await counts();
  const progress = (await clusterDecisionProgress(result.cluster!.id))!;
  if (progress.state !== "done" || progress.decided !== MEMBERS) throw new Error(`the cluster decision did not finish: ${JSON.stringify(progress)}`);
  const rows = Object.fromEntries(TABLES.map((t) => [t, after[t] - before[t]]));
  // Items changed: the served item and every member decided; claims: those ended (only the served item's was live).
  rows.Item = await db.item.count({ where: { clusterId, state: "decided" } });
  rows.ClaimEnded = await db.claim.count({ where: { itemId: { in: [ids[0]] }, endReason: "decided" } });
  runs.push({ members: MEMBERS, seedSeconds, requestMs, totalMs, decided: progress.decided, rows });
  console.error(`[${ENGINE}] run ${r + 1}: ${fmt(totalMs)} ms for ${fmt(MEMBERS)} members (${fmt((MEMBERS / totalMs) * 1000)} members/s)`);
}
const chain = await verifyChain();
if (!chain.ok) throw new Error("the audit chain does not verify after the benchmark");
const server =
  ENGINE === "postgresql"
    ? `PostgreSQL ${((await db.$queryRawUnsafe(`SHOW server_version`)) as { server_version: string }[])[0].server_version}${args["pg-url"] ? "" : " (DOCKET_BENCH_PG_URL)"}, fsync and synchronous_commit on`
    : "SQLite (WAL, synchronous FULL)";
const result: Result = { engine: ENGINE, members: MEMBERS, chunk: CLUSTER_CHUNK, at: new Date().toISOString(), machine: machine(), server, runs };
writeFileSync(path.join(DIR, `${ENGINE}.json`), JSON.stringify(result, null, 2));
await db.$disconnect();
process.exit(0);

function writeReport() {
  const results = ["sqlite", "postgresql"]
    .map((e) => path.join(DIR, `${e}.json`))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, "utf8")) as Result);
  const name = (e: string) => (e === "postgresql" ? "PostgreSQL" : "SQLite");
  const lines = [
    "## Deciding a 5,000-member cluster",
    "",
    "`npm run bench -- --only=clusters-decide` (bench/clusters-decide.ts). A served item and its members are ingested through the",
    "real intake and placed in one cluster; a moderator decides the cluster with one violating label. The request writes the",
    "served decision and the job; the runner then writes the members in chunks, each one transaction. Time is from the",
    "decide call to the last member's commit; rows are counted in the database before and after.",
    "",
  ];
  for (const r of results) {
    const total = median(r.runs.map((x) => x.totalMs));
    const request = median(r.runs.map((x) => x.requestMs));
    const decided = r.runs[0].decided + 1;
    const rows = r.runs[0].rows;
    lines.push(
      `### ${name(r.engine)}`,
      "",
      `Run ${r.at.slice(0, 16).replace("T", " ")} UTC on ${r.machine}; ${r.server ?? name(r.engine)}. ${r.runs.length} runs of ${fmt(r.members)} members, chunks of ${r.chunk}.`,
      "",
      "| Figure | Median | Runs |",
      "|---|---|---|",
      `| Time to decide the cluster | ${fmt(total / 1000, 2)} s | ${r.runs.map((x) => fmt(x.totalMs / 1000, 2)).join(" / ")} s |`,
      `| Members decided per second | **${fmt((r.members / total) * 1000)}** | ${r.runs.map((x) => fmt((r.members / x.totalMs) * 1000)).join(" / ")} |`,
      `| The request (served decision and job) | ${fmt(request)} ms | ${r.runs.map((x) => fmt(x.requestMs)).join(" / ")} ms |`,
      `| Time per chunk of ${r.chunk} | ${fmt((total - request) / Math.ceil(r.members / r.chunk))} ms | |`,
      "",
      `Rows written for ${fmt(decided)} decisions (the served item's and ${fmt(r.members)} members'), per decision:`,
      "",
      "| Table | Rows | Per decision |",
      "|---|---|---|",
      ...["Decision", "DecisionLabel", "AuditEvent", "Item", "ClaimEnded"].map(
        (t) => `| ${t === "Item" ? "Item (updated)" : t === "ClaimEnded" ? "Claim (ended)" : t} | ${fmt(rows[t])} | ${fmt(rows[t] / decided, 4)} |`,
      ),
      "",
      "The audit events beyond one per decision are the cluster decision's start and finish; only the served item was claimed,",
      "so one claim ended. The Item counters kept by triggers are not counted here.",
      "",
    );
  }
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${lines.join("\n").trim()}\n`);
  console.log(`wrote ${path.relative(ROOT, OUT)}`);
}
