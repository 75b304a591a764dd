// The reporting benchmark's section of docs/benchmarks: one engine and size per file.
import { fmt, mb, ms, type Summary } from "./stats.ts";

type Named = { name: string; range: string; scope: string; stats: Summary | null; error?: string };
export type ReportsResult = {
  engine: "sqlite" | "postgresql";
  items: number;
  runs: number;
  version: string;
  machine: string;
  load: string;
  pgSettings: string | null;
  target: number;
  commit: string;
  info: {
    totals: { items: number; flags: number; decisions: number; appeals: number; qualityReviews: number; events: number };
    seedSeconds: number;
    indexSeconds: number;
    foldSeconds: number;
    foldEvents: number;
    rollupsFrom?: string;
    verify: { ok: boolean; checked: number; ms: number };
  };
  counts: Record<string, number>;
  perMetric: { metric: string; rows: number }[];
  perScope: { scope: string; rows: number }[];
  size: { total: number; rollups: number | null; counts: number | null };
  readers: { reader: string; metric: string; range: string; scope: string; rows: number; app: Summary & { runs: number }; bare: Summary }[];
  caughtUp: Summary;
  dashboards: Named[];
  transparency: Named[];
  peers: { figure: string; docket: Summary; peer: Summary; peerSql: string }[];
  plans: { name: string; plan: string }[];
};

const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}x` : "n/a");
const verdict = (p95: number, target: number) => (p95 < target ? "met" : `**missed by ${ms(p95 - target)} ms**`);

function namedTable(list: Named[], target: number, present: boolean, what: string): string {
  if (!present) return `${what}: not present in this build (the module does not exist yet), so not measured.\n`;
  if (list.length === 0) return `${what}: the module exports nothing to time.\n`;
  const rows = list.map((d) =>
    d.stats
      ? `| ${d.name} | ${d.range} | ${d.scope} | ${ms(d.stats.p50)} | ${ms(d.stats.p95)} | ${verdict(d.stats.p95, target)} |`
      : `| ${d.name} | ${d.range} | ${d.scope} | failed: ${d.error?.replace(/\|/g, "/")} | | |`,
  );
  return `| ${what} | range | scope | p50 ms | p95 ms | < ${target} ms p95 |\n| --- | --- | --- | ---: | ---: | --- |\n${rows.join("\n")}\n`;
}

export function reportsSection(r: ReportsResult): string {
  const engineName = r.engine === "sqlite" ? "SQLite" : "PostgreSQL";
  const slowestReader = r.readers.reduce((a, b) => (b.app.p95 > a.app.p95 ? b : a));
  const measured = [...r.dashboards, ...r.transparency].filter((d) => d.stats);
  const slowest = measured.length ? measured.reduce((a, b) => (b.stats!.p95 > a.stats!.p95 ? b : a)) : null;
  const failed = [...r.dashboards, ...r.transparency].filter((d) => !d.stats);
  const summaryLine = slowest
    ? `Slowest dashboard or report: ${slowest.name} (${slowest.range}, ${slowest.scope}) at p95 ${ms(slowest.stats!.p95)} ms: target ${verdict(slowest.stats!.p95, r.target)}${failed.length ? `; ${failed.length} of them failed to run (see below)` : ""}.`
    : "The dashboards' and the transparency report's data functions were not present in this build; every reader they are built from is timed below.";
  return `## Reports on ${engineName}, ${fmt(r.items)} items over a year

Run with \`npx tsx bench/reports.ts --engine ${r.engine} --items ${r.items} --runs ${r.runs}\` (or \`npm run bench -- --only=reports\`) on
${new Date().toISOString().slice(0, 10)}, on the code of commit ${r.commit}. ${r.version}${r.pgSettings ? ` (${r.pgSettings}; the shared server of the machine, not a tuned one)` : ""}.
Machine: ${r.machine}. Load average when the section was written: ${r.load} (1, 5, 15 min); the machine is shared, so
latencies are upper bounds and the ratios (measured alternately in the same run) compare better than milliseconds.

Target (issue 15): every dashboard and a yearly transparency report in under ${r.target} ms server time at p95.
${summaryLine}${
    r.transparency.some((d) => d.stats)
      ? ` Yearly transparency report: p95 ${r.transparency
          .filter((d) => d.stats)
          .map((d) => `${ms(d.stats!.p95)} ms (${d.scope})`)
          .join(", ")}.`
      : ""
  } Slowest rollup reader: ${slowestReader.reader}(${slowestReader.metric}), ${slowestReader.range}, ${slowestReader.scope}:
p95 ${ms(slowestReader.app.p95)} ms.

### Data

A year (2025, 365 days, a weekly rhythm with quieter weekends on a seasonal swell) on three platforms and eight queues
(3% unrouted), five flag sources with their deadlines, 40 moderators, the starter label set's keys:

| rows | count |
| --- | ---: |
| items | ${fmt(r.counts.items)} (open at the end: ${fmt(r.counts.open)}) |
| flags | ${fmt(r.counts.flags)} |
| decisions | ${fmt(r.counts.decisions)} (escalations, copies, closing decisions, replacements after appeals) |
| appeals | ${fmt(r.counts.appeals)} |
| quality reviews | ${fmt(r.counts.reviews)} |
| audit events | ${fmt(r.counts.events)} (one hash chain; \`verifyChain\`: ${r.info.verify.ok ? "valid" : "**NOT valid**"}, ${fmt(r.info.verify.checked)} events in ${fmt(r.info.verify.ms)} ms) |
| ReportCount rows | ${fmt(r.counts.counts)} |
| ReportItem rows | ${fmt(r.counts.reportItems)} |
| ReportMiss rows | ${fmt(r.counts.misses)} |
| data size | ${mb(r.size.total)} in all${r.size.rollups != null ? `, of which the rollups (ReportCount, ReportItem, ReportAppeal, ReportMiss with their indexes) ${mb(r.size.rollups)}${r.size.counts != null ? ` (ReportCount ${mb(r.size.counts)})` : ""}` : ""} |

Written in ${r.info.seedSeconds.toFixed(0)} s straight into the tables (${r.engine === "sqlite" ? "multi-row inserts" : "COPY, one stream per table"}), the events
numbered and hash-chained as the audit writer does it; secondary indexes built afterwards in ${r.info.indexSeconds.toFixed(0)} s.
Flags of batch calls carry Flag.batchId and arrive as one \`flag.batch_received\` event per platform and five minutes.

ReportCount's key is (metric, platform, queue, day, k1, k2)${r.engine === "sqlite" ? " in a WITHOUT ROWID table" : ", its primary key INCLUDing n"}; every count is kept for its own
platform and queue and for "*" (all platforms, all queues), so a read for one scope is one range of the key. Rows per
kind of scope: ${r.perScope.map((m) => `${m.scope} ${fmt(m.rows)}`).join(", ")}.
Rows per metric: ${r.perMetric.map((m) => `${m.metric} ${fmt(m.rows)}`).join(", ")}.

### Folding the log (\`foldPending\`, what \`rebuildRollups\` costs)

${r.info.rollupsFrom ? `The log's first ${fmt(r.info.foldEvents)} events` : `${fmt(r.info.foldEvents)} events`} folded in ${r.info.foldSeconds.toFixed(1)} s: **${fmt(r.info.foldEvents / r.info.foldSeconds)} events/s**, in runs of
5,000 events each read without a lock and written in one short transaction on the driver (the head checked and moved, the
counts for every scope, the fold's item and appeal state and the misses written together). A caught-up
\`foldPending(20000)\`, which every report loader runs first: p50 ${ms(r.caughtUp.p50)} ms, p95 ${ms(r.caughtUp.p95)} ms.
${
  r.info.rollupsFrom
    ? `
At that rate the whole log (${fmt(r.info.totals.events)} events) would take ${fmt(r.info.totals.events / (r.info.foldEvents / r.info.foldSeconds) / 60)} minutes, more than this run
had, so the rollups read below are the SQLite run's fold of the same log (the generator writes the same history row for
row on both engines; only the random ids differ, and no count is keyed by them), copied in with COPY: ReportCount and
ReportMiss as SQLite folded them, the head moved to the log's end. ReportItem keeps only the sample's items (no read
uses it), and the copied misses name SQLite's item ids, so the deadlines dashboard's lookup of the 200 listed items'
external ids finds none here (the same primary-key lookup, with empty results).
`
    : ""
}

### Dashboards and the transparency report (data functions, warm, ${r.runs} runs each)

${namedTable(r.dashboards, r.target, r.dashboards.length > 0, "dashboard")}
${namedTable(r.transparency, r.target, r.transparency.length > 0, "transparency report")}
### Rollup readers (read.server.ts), against the same SELECT run bare on the driver

Warm, ${r.runs} runs each after two unmeasured ones (fewer where a call takes over 300 ms: 10, or 5 over a second); "30 days" is 2025-12-02 to 2025-12-31, the queue is the largest.
The bare side replays the reader's own ReportCount and ReportMiss statements (captured from Prisma's query events: the
same text and parameters) on the driver. The per-queue readers' lookup of the queue list is not replayed, so
their ratio includes that lookup; the rest of a ratio is Prisma's raw-query path and the mapping of rows.${
    r.engine === "sqlite"
      ? `
Docket never runs ANALYZE, so the rollup tables carry no planner statistics here either (the load's ANALYZE of them is
undone before measuring, and both connections open afterwards): readers and bare SELECTs plan as an installation's do.`
      : `
PostgreSQL's statistics are fresh (VACUUM ANALYZE after the load and the fold), as autovacuum keeps them in an installation.`
  }

| reader | metric | range | scope | rows out | runs | p50 ms | p95 ms | bare p50 ms | reader / bare (p50) |
| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
${r.readers.map((c) => `| ${c.reader} | ${c.metric} | ${c.range} | ${c.scope} | ${fmt(c.rows)} | ${c.app.runs} | ${ms(c.app.p50)} | ${ms(c.app.p95)} | ${ms(c.bare.p50)} | ${ratio(c.app.p50, c.bare.p50)} |`).join("\n")}

### Rollups against a console without them (the same figure from the raw rows)

The peer's query is what a console without rollups runs for the figure: a GROUP BY over the year's Decision, Item or
Flag rows. Rollup side ${r.runs} runs, raw side ${Math.min(r.runs, 5)} runs after one unmeasured one.

| figure | rollups p50 ms | rollups p95 ms | raw rows p50 ms | raw rows p95 ms | raw / rollups (p50) |
| --- | ---: | ---: | ---: | ---: | ---: |
${r.peers.map((p) => `| ${p.figure} | ${ms(p.docket.p50)} | ${ms(p.docket.p95)} | ${ms(p.peer.p50)} | ${ms(p.peer.p95)} | ${ratio(p.peer.p50, p.docket.p50)} |`).join("\n")}

<details><summary>The raw-row queries</summary>

${r.peers.map((p) => `- ${p.figure}:\n\n  \`\`\`sql\n  ${p.peerSql.replace(/\s+/g, " ").trim()}\n  \`\`\``).join("\n")}

</details>

### Query plans of the main rollup reads

${r.plans.map((p) => `${p.name}:\n\n\`\`\`\n${p.plan}\n\`\`\``).join("\n\n")}
`;
}
