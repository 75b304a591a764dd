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

type ClaimLayout = QueueResult["claimLayouts"][number];
/** Claim figures of the last run before named queues (2026-12-01: one "pending" queue, the bare SQL its overdue then by-priority statements). */
const BEFORE_QUEUES: Record<string, { at: string; c1p50: number; c1p95: number; bare1p50: number; bare1p95: number; c20p95: number; c20perSec: number }> = {
  "postgresql-1000000": { at: "2026-12-01 18:09 UTC", c1p50: 2.73, c1p95: 4.17, bare1p50: 1.17, bare1p95: 1.74, c20p95: 63.4, c20perSec: 457 },
  "postgresql-100000": { at: "2026-12-01 18:04 UTC", c1p50: 3.28, c1p95: 5.71, bare1p50: 1.87, bare1p95: 3.55, c20p95: 66.4, c20perSec: 507 },
  "sqlite-1000000": { at: "2026-12-01 18:47 UTC", c1p50: 0.87, c1p95: 1.24, bare1p50: 0.29, bare1p95: 0.42, c20p95: 26.3, c20perSec: 1391 },
  "sqlite-100000": { at: "2026-12-01 18:44 UTC", c1p50: 0.97, c1p95: 1.25, bare1p50: 0.36, bare1p95: 0.5, c20p95: 18.8, c20perSec: 1926 },
};
const layoutsOf = (r: QueueResult) => {
  const order = ["single", "ten-3", "ten-all"];
  return [...(r.claimLayouts ?? [])].sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
};
const change = (now: number, before: number) => `${now <= before ? "" : "+"}${(((now - before) / before) * 100).toFixed(0)}%`;
/** Whether the ten-queue claimNext p95s (1 and 20 claimers) are no worse than the one-queue ones of the same run. */
function tenAgainstOne(r: QueueResult): { ok: boolean; text: string } | null {
  const layouts = layoutsOf(r);
  const one = layouts.find((l) => l.key === "single");
  const ten = layouts.filter((l) => l.key !== "single");
  if (!one || !ten.length) return null;
  const parts: string[] = [];
  let ok = true;
  for (const l of ten)
    for (const c of [1, 20]) {
      const a = l.claims[`app-${c}`].p95;
      const b = one.claims[`app-${c}`].p95;
      ok &&= a <= b;
      parts.push(`${l.key === "ten-3" ? "3 of 10" : "all 10"}, ${c}: ${ms(a)} vs ${ms(b)} ms (${change(a, b)})`);
    }
  return { ok, text: parts.join("; ") };
}

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
  const ten = tenAgainstOne(r);
  if (ten) out.push([`10 queues: claimNext p95 (1 and 20 claimers) no worse than 1 queue, same data and run`, ten.text, verdict(ten.ok)]);
  const plans = layoutsOf(r).flatMap((l) => l.plans.map((p) => ({ l, p })));
  if (plans.length) {
    const bad = plans.filter(({ p }) => !p.walk.indexWalk);
    out.push([
      `claim plans walk the queue-led indexes (no sort, no scan of "Item")`,
      bad.length
        ? `not in: ${bad.map(({ l, p }) => `${l.title}: ${p.name}`).join("; ")}`
        : `all ${plans.length} plans (lane heads, by priority, overdue; 3 layouts)`,
      verdict(!bad.length),
    ]);
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
  const bad = Object.entries(r.integrity).filter(([, v]) => v.doubleClaims || v.usersHoldingTwo || v.duplicateReturns || !v.chainOk || v.lostWrites);
  out.push([
    `no double claims, no user holding two items, audit chain verifies, no lost acknowledged writes (after every concurrent run)`,
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
Machine: ${r.machine ?? machine()}.
Data: ${fmt(r.counts.items)} items (${fmt(r.counts.open)} open: pending and escalated) with ${fmt(r.counts.flags)} flags, seeded in
${r.seedSeconds.toFixed(1)} s (${r.engine === "postgresql" ? "COPY, then VACUUM (ANALYZE)" : "multi-row inserts, then ANALYZE"}); ${mb(r.dataBytes)} on disk before the runs.

### Targets

| target | this run | verdict |
| --- | --- | --- |
${queueTargets(r)
  .map((t) => `| ${t.join(" | ")} |`)
  .join("\n")}

${claimSection(r)}
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

| run | double claims | claims begun while the user held another | items returned twice | audit chain | acknowledged writes missing |
| --- | ---: | ---: | ---: | --- | ---: |
${Object.entries(r.integrity)
  .map(
    ([k, v]) =>
      `| ${k} | ${v.doubleClaims} | ${v.usersHoldingTwo ?? "n/a"} | ${v.duplicateReturns} | ${v.chainOk ? "verifies" : "**broken**"} | ${v.lostWrites} |`,
  )
  .join("\n")}

Open items per queue and state against the trigger-kept counters ("QueueOpenCount"): ${Object.entries(r.openCounts ?? {})
    .map(([k, n]) => `${k} ${n === 0 ? "all agree" : `**${n} disagree**`}`)
    .join("; ")}.
`;
}

/** PostgreSQL's planning and execution times from an EXPLAIN ANALYZE text, when it has them. */
const timing = (plan: string) => {
  const planning = plan.match(/Planning Time: ([\d.]+) ms/);
  const execution = plan.match(/Execution Time: ([\d.]+) ms/);
  return planning && execution ? ` (planning ${planning[1]} ms, execution ${execution[1]} ms)` : "";
};

/** Claim next in one queue and across ten, each against the bare claim statement of the same run, with the plans behind it. */
function claimSection(r: QueueResult): string {
  const layouts = layoutsOf(r);
  const ratio = (l: ClaimLayout, c: number, k: "p50" | "p95") => `${(l.claims[`app-${c}`][k] / l.claims[`bare-${c}`][k]).toFixed(2)}x`;
  const rows = layouts.flatMap((l) =>
    [1, 20].flatMap((c) => {
      const who = `${c} claimer${c > 1 ? "s" : ""}`;
      const line = (path: string, t: Timed, ratios: string) =>
        `| ${l.title} | ${path}, ${who} | ${fmt(t.n)} | ${ms(t.p50)} | ${ms(t.p95)} | ${ms(t.p99)} | ${fmt(t.perSec)} | ${ratios} |`;
      return [line("claimNext", l.claims[`app-${c}`], `${ratio(l, c, "p50")} / ${ratio(l, c, "p95")}`), line("bare claim SQL", l.claims[`bare-${c}`], "")];
    }),
  );
  const before = BEFORE_QUEUES[`${r.engine}-${r.items}`];
  const one = layouts.find((l) => l.key === "single");
  const compare =
    before && one && !r.quick
      ? `Against the last run before named queues (${before.at}, the same engine and size; its bare SQL was the overdue then the by-priority
statement of the one "pending" queue): claimNext with 1 claimer had p50 ${ms(before.c1p50)} ms, p95 ${ms(before.c1p95)} ms
(${(before.c1p50 / before.bare1p50).toFixed(2)}x / ${(before.c1p95 / before.bare1p95).toFixed(2)}x its bare SQL), with 20 claimers p95 ${ms(before.c20p95)} ms and ${fmt(before.c20perSec)} claims/s.
The bare statement itself took p50 ${ms(one.claims["bare-1"].p50)} ms with 1 claimer in one queue here against ${ms(before.bare1p50)} ms then
(${(one.claims["bare-1"].p50 / before.bare1p50).toFixed(1)}x): the machine was ${one.claims["bare-1"].p50 > 1.2 * before.bare1p50 ? "busier (see the load average above), so the ratios to the bare SQL and the one-queue figures of this run compare better than milliseconds across runs" : "about as busy"}.
This run: ${layouts
          .map(
            (l) =>
              `${l.title.toLowerCase()}: 1 claimer p95 ${ms(l.claims["app-1"].p95)} ms (${change(l.claims["app-1"].p95, before.c1p95)}), ` +
              `20 claimers p95 ${ms(l.claims["app-20"].p95)} ms (${change(l.claims["app-20"].p95, before.c20p95)}) and ${fmt(l.claims["app-20"].perSec)} claims/s`,
          )
          .join("; ")}.`
      : "";
  const planBlocks = layouts
    .filter((l) => l.key !== "ten-all")
    .map(
      (l) =>
        `#### ${l.title}\n\n${l.plans
          .map(
            (p) =>
              `${p.name}${timing(p.text)}: ${p.walk.indexWalk ? `index walk on ${p.walk.indexes.join(" and ")}` : `**not an index walk**${p.walk.sort ? " (sorts)" : ""}${p.walk.tableScan ? " (scans the table)" : ""}`}\n\n\`\`\`\n${p.text}\n\`\`\``,
          )
          .join("\n\n")}`,
    )
    .join("\n\n");
  const allTen = layouts.find((l) => l.key === "ten-all");
  return `### Claim next, one queue and ten (milliseconds per claim)

\`claimNext\` is the application's whole operation in one transaction: it locks the user's row, reads
the lease they hold, their oldest assignment and the head of each lane (one queue in one open state)
of their queues, then runs the lanes' claim statements in order until one takes an item. The bare
claim SQL is ${r.bareSource} (the lane its first by-priority claim would take, chosen before the run), run directly
(${r.engine === "postgresql" ? "node-postgres, a pool of 20 connections" : "better-sqlite3, one connection: its calls are synchronous, so 20 claimers take turns"}), each statement committed on its own. Each claimer marks its item
decided outside the timing before its next claim. Claims/s is claimers / mean claim latency.

The same data in three layouts, each with its own members: the ${fmt(r.counts.open)} open items spread over ten
queues of 22% down to 4% of them (${layouts.find((l) => l.key === "ten-3")?.members ?? ""}; then ${allTen?.members ?? ""}), and
then all moved into one queue (${one?.members ?? ""}): the layout of the single-queue figures before named queues.

| layout | path | claims | p50 | p95 | p99 | claims/s | ÷ bare (p50 / p95) |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join("\n")}

${compare}

Plans of one claim of claimer 0 (${r.engine === "postgresql" ? "EXPLAIN (ANALYZE, BUFFERS), the claim statements rolled back" : "EXPLAIN QUERY PLAN"}), after the layout's runs;
all 10 queues: ${allTen ? allTen.plans.map((p) => `${p.name} ${p.walk.indexWalk ? "index walk" : "**not an index walk**"}`).join(", ") : "n/a"}.

${planBlocks}
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
