// Markdown for the queue benchmark: one section per engine and size, and the comparison with
// Ozone's queue SQL on the same cluster. Targets are stated beside each figure.
import os from "node:os";
import type { QueueResult } from "./queue.ts";
import { fmt, mb, ms, type Summary } from "./stats.ts";

type Timed = Summary & { perSec: number; n: number };
type OzoneResult = {
  items: number;
  loadSeconds: number;
  dataBytes: number;
  queries: { name: string; median: number | null; p95: number | null; serverExec: number | null; plan: string }[];
};

export const verdict = (ok: boolean) => (ok ? "met" : "**not met**");
export const machine = () => {
  const cpu = os.cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown CPU"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ")}`;
};
const row = (name: string, r: Timed) => `| ${name} | ${fmt(r.n)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${fmt(r.perSec)} |`;
const engineName = (e: string) => (e === "postgresql" ? "PostgreSQL" : "SQLite");

/** The targets this run can judge, as rows of [target, figure, verdict]. */
export function queueTargets(r: QueueResult): [string, string, string][] {
  const out: [string, string, string][] = [];
  const a1 = r.claims["app-1"];
  const b1 = r.claims["bare-1"];
  const a20 = r.claims["app-20"];
  const listWorst = Math.max(...r.list.map((l) => l.s.p95));
  if (r.engine === "postgresql") {
    out.push([
      `20 claimers >= 800 claims/s and p95 <= 25 ms (target set at 1,000,000 items)`,
      `${fmt(a20.perSec)} claims/s, p95 ${ms(a20.p95)} ms`,
      verdict(a20.perSec >= 800 && a20.p95 <= 25),
    ]);
    out.push([
      `1 claimer: claimNext <= 1.5x the same SQL run directly (median)`,
      `${(a1.p50 / b1.p50).toFixed(2)}x (${ms(a1.p50)} / ${ms(b1.p50)} ms)`,
      verdict(a1.p50 <= 1.5 * b1.p50),
    ]);
    out.push([
      `single-flag intake: 16 clients >= 4x 1 client`,
      `${(r.http.single16.perSec / r.http.single1.perSec).toFixed(2)}x (${fmt(r.http.single16.perSec)} / ${fmt(r.http.single1.perSec)} flags/s)`,
      verdict(r.http.single16.perSec >= 4 * r.http.single1.perSec),
    ]);
  } else {
    out.push([
      `1 claimer: claim p95 <= 1.5x the bare claim SQL (target set at 100,000 items)`,
      `${(a1.p95 / b1.p95).toFixed(2)}x (${ms(a1.p95)} / ${ms(b1.p95)} ms)`,
      verdict(a1.p95 <= 1.5 * b1.p95),
    ]);
    out.push([`20 claimers: claim p95 <= 5 ms`, `${ms(a20.p95)} ms`, verdict(a20.p95 <= 5)]);
  }
  out.push([`queue list loader p95 <= 20 ms at any depth`, `worst p95 ${ms(listWorst)} ms`, verdict(listWorst <= 20)]);
  out.push([
    `batch intake >= 60% of raw inserts of the same rows`,
    `${((100 * r.http.batch.perSec) / r.http.raw.perSec).toFixed(0)}% (${fmt(r.http.batch.perSec)} / ${fmt(r.http.raw.perSec)} flags/s)`,
    verdict(r.http.batch.perSec >= 0.6 * r.http.raw.perSec),
  ]);
  out.push(
    r.http.bare
      ? [
          `request overhead: GET /healthz p50 <= 3x a bare in-memory route`,
          `${(r.http.healthz!.p50 / r.http.bare.p50).toFixed(2)}x (${ms(r.http.healthz!.p50)} / ${ms(r.http.bare.p50)} ms)`,
          verdict(r.http.healthz!.p50 <= 3 * r.http.bare.p50),
        ]
      : [`request overhead: GET /healthz p50 <= 3x a bare in-memory route`, `n/a: the server has no GET /__bare (DOCKET_BENCH_BARE_ROUTE=1)`, "n/a"],
  );
  const bad = Object.entries(r.integrity).filter(([, v]) => v.doubleClaims || v.duplicateReturns || !v.chainOk || v.lostWrites);
  out.push([
    `no double claims, audit chain verifies, no lost acknowledged writes (after every concurrent run)`,
    bad.length ? `problems in: ${bad.map(([k]) => k).join("; ")}` : "all clean",
    verdict(!bad.length),
  ]);
  return out;
}

export function queueSection(r: QueueResult): string {
  const e = engineName(r.engine);
  const u = (k: "v4" | "v7") => r.uuid[k];
  const rate = (k: "v4" | "v7") => u(k).items / u(k).seconds;
  return `## Queue on ${e}, ${fmt(r.items)} items${r.quick ? " (quick run)" : ""}

Run ${r.at.slice(0, 16).replace("T", " ")} UTC by \`npm run bench -- --engine ${r.engine} --items ${r.items}${r.quick ? " --quick" : ""}\`.
Machine: ${machine()}.
Data: ${fmt(r.counts.items)} items (${fmt(r.counts.open)} open: pending and escalated) with ${fmt(r.counts.flags)} flags, seeded in
${r.seedSeconds.toFixed(1)} s (${r.engine === "postgresql" ? "COPY, then VACUUM (ANALYZE)" : "multi-row inserts, then ANALYZE"}); ${mb(r.dataBytes)} on disk before the runs.

### Targets

| target | this run | verdict |
| --- | --- | --- |
${queueTargets(r)
  .map((t) => `| ${t.join(" | ")} |`)
  .join("\n")}

### Claim next (milliseconds per claim)

\`claimNext\` is the application's whole operation in one transaction. The bare claim SQL is
${r.bareSource}, run directly (${r.engine === "postgresql" ? "node-postgres, a pool of 20 connections" : "better-sqlite3, one connection: its calls are synchronous, so 20 claimers take turns"}), each
statement committed on its own. Each claimer marks its item decided outside the timing before its
next claim. Claims/s is claimers / mean claim latency.

| path | claims | p50 | p95 | p99 | claims/s |
| --- | ---: | ---: | ---: | ---: | ---: |
${row("claimNext, 1 claimer", r.claims["app-1"])}
${row("bare claim SQL, 1 claimer", r.claims["bare-1"])}
${row("claimNext, 20 concurrent claimers", r.claims["app-20"])}
${row("bare claim SQL, 20 concurrent claimers", r.claims["bare-20"])}

### Decide (milliseconds per decision)

\`decide\` with action keep and one allowed label, on an item just claimed with \`claimNext\` (the claim is not timed).

| path | decisions | p50 | p95 | p99 | decisions/s |
| --- | ---: | ---: | ---: | ---: | ---: |
${row("decide, 1 moderator", r.decide["1"])}
${row("decide, 20 concurrent moderators", r.decide["20"])}

### Queue list loader (\`listQueue\`, milliseconds)

Paging: ${r.pagingMode}; pages of 50 with the counts for every filter.

| page | p50 | p95 |
| --- | ---: | ---: |
${r.list.map((l) => `| ${l.name} | ${ms(l.s.p50)} | ${ms(l.s.p95)} |`).join("\n")}

### Intake over HTTP (the real server)

| path | flags/s | request p50 (ms) | request p95 (ms) |
| --- | ---: | ---: | ---: |
| POST /api/v1/flags, 1 client | ${fmt(r.http.single1.perSec)} | ${ms(r.http.single1.p50)} | ${ms(r.http.single1.p95)} |
| POST /api/v1/flags, 16 clients | ${fmt(r.http.single16.perSec)} | ${ms(r.http.single16.p50)} | ${ms(r.http.single16.p95)} |
| POST /api/v1/flags/batch, 1,000 per batch | ${fmt(r.http.batch.perSec)} | ${ms(r.http.batch.p50)} | ${ms(r.http.batch.p95)} |
| raw multi-row inserts of the same item and flag rows | ${fmt(r.http.raw.perSec)} | | |

GET /healthz p50 ${ms(r.http.healthz?.p50)} ms, p95 ${ms(r.http.healthz?.p95)} ms; bare in-memory route (GET /__bare): ${r.http.bare ? `p50 ${ms(r.http.bare.p50)} ms, p95 ${ms(r.http.bare.p95)} ms` : "n/a (not offered by this server)"}.

### Keys: UUIDv4 against time-ordered UUIDv7 (raw inserts into the seeded tables)

The same generated items and flags, inserted with multi-row INSERTs (1,000 items per transaction)
into the ${fmt(r.items)}-item tables, alternating the key kind over four rounds.

| key | items | flags | items/s | rows/s (items + flags) |
| --- | ---: | ---: | ---: | ---: |
| UUIDv4 (random) | ${fmt(u("v4").items)} | ${fmt(u("v4").flags)} | ${fmt(rate("v4"))} | ${fmt((u("v4").items + u("v4").flags) / u("v4").seconds)} |
| UUIDv7 (time-ordered) | ${fmt(u("v7").items)} | ${fmt(u("v7").flags)} | ${fmt(rate("v7"))} | ${fmt((u("v7").items + u("v7").flags) / u("v7").seconds)} |

UUIDv7 / UUIDv4: ${(rate("v7") / rate("v4")).toFixed(2)}x.

### Integrity after each concurrent run

| run | double claims | items returned twice | audit chain | acknowledged writes missing |
| --- | ---: | ---: | --- | ---: |
${Object.entries(r.integrity)
  .map(([k, v]) => `| ${k} | ${v.doubleClaims} | ${v.duplicateReturns} | ${v.chainOk ? "verifies" : "**broken**"} | ${v.lostWrites} |`)
  .join("\n")}
`;
}

const OZONE_NAMES: Record<string, string> = {
  q1_open_lastReportedAt_p1: "q1 open queue by lastReportedAt, 50 rows",
  q2d_open_lastReportedAt_p21: "q2d the same, 1,000 rows deep (page 21)",
  q3_open_priorityScore_p1: "q3 open queue by priorityScore, 50 rows",
  t1_take_report: "t1 take a report (6 round trips, no atomic guard)",
};

/** Docket's claim and list figures beside Ozone's queue SQL, same cluster and size. */
export function ozoneSection(docket: QueueResult, oz: OzoneResult, pgVersion: string): string {
  const q = (name: string) => oz.queries.find((x) => x.name === name);
  const cell = (name: string) => {
    const x = q(name);
    return x && x.median != null ? `${ms(x.median)} / ${ms(x.p95)}` : "n/a";
  };
  const list = (i: number) => (docket.list[i] ? `${ms(docket.list[i].s.p50)} / ${ms(docket.list[i].s.p95)}` : "n/a");
  const c = docket.claims;
  return `## Docket beside Ozone's queue SQL, PostgreSQL ${pgVersion}, ${fmt(docket.items)} items${docket.quick ? " (quick run)" : ""}

Same cluster (separate databases), same size. Ozone: ${fmt(oz.items)} moderation_subject_status rows
loaded with ../shared/bench/ozone (schema.sql, load.py; ${oz.loadSeconds.toFixed(0)} s, ${mb(oz.dataBytes)}), timed with its bench.py:
psql round trips, planning included. Docket: the application's functions in Node (the claim on its
direct connection, the list through the ORM), so its figures also carry Node's and the ORM's cost.
Milliseconds, median / p95.

| work | Docket | Ozone |
| --- | --- | --- |
| first page of the open queue | listQueue page 1: ${list(0)} | ${OZONE_NAMES.q1_open_lastReportedAt_p1}: ${cell("q1_open_lastReportedAt_p1")} |
| a page 1,000 rows deep | listQueue: ${list(1)} | ${OZONE_NAMES.q2d_open_lastReportedAt_p21}: ${cell("q2d_open_lastReportedAt_p21")} |
| open queue in priority order | listQueue page 1 (claim order is priority order): ${list(0)} | ${OZONE_NAMES.q3_open_priorityScore_p1}: ${cell("q3_open_priorityScore_p1")} |
| take the next item, 1 moderator | claimNext: ${ms(c["app-1"].p50)} / ${ms(c["app-1"].p95)} (atomic; the claim, the Claim row and the audit event in one transaction) | ${OZONE_NAMES.t1_take_report}: ${cell("t1_take_report")} |
| take, 20 moderators at once | claimNext: ${ms(c["app-20"].p50)} / ${ms(c["app-20"].p95)}, ${fmt(c["app-20"].perSec)} claims/s, ${docket.integrity["claimNext, 20 claimers"]?.doubleClaims ?? "n/a"} double claims | not run: Ozone's take picks no item (the moderator opens one) and has no atomic guard |

Ozone's plans: ${oz.queries.map((x) => `${x.name.split("_")[0]}: ${x.plan.slice(0, 140)}`).join("; ")}.
`;
}
