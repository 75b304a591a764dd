// The reporting dashboards' figures: one function per page, each reading the daily rollups through
// read.server.ts (never items or decisions themselves) and answering plain charts for the page, its
// tables and its CSV. Names come from the queue, user and label tables; nothing else is read.
import { db } from "~/db.server.ts";
import { ACTIONS } from "~/modules/decisions/actions.ts";
import { can, type Role } from "~/modules/auth/capabilities.ts";
import { SOURCE_NAMES, SOURCES } from "~/modules/items/sources.ts";
import { cohensKappa } from "~/modules/quality/agreement.ts";
import { bucketName, bucketsOf, type Chart, type ChartSeries, percent } from "./dashboard-charts.ts";
import type { DayRange } from "./days.ts";
import { COARSE_BINS } from "./metrics.ts";
import { dailyCounts, deadlineMisses, depthByDay, totalCounts, totalCountsByQueue, type Count, type DayCount, type Scope } from "./read.server.ts";

export type DashboardQuery = { range: DayRange; queueId: string | null; viewer?: { id: string; role: Role } };

/** A headline figure above the charts. */
export type Fact = { label: string; value: string };

export type MissRow = { itemId: string; externalId: string; source: string; queue: string; dueAt: string; decidedAt: string; lateMinutes: number };

export type DashboardData = { charts: Chart[]; facts: Fact[]; misses?: MissRow[] };

const scopeOf = (q: DashboardQuery): Scope => (q.queueId === null ? {} : { queueId: q.queueId });

const sourceName = (source: string) => SOURCE_NAMES[source as keyof typeof SOURCE_NAMES] ?? (source || "No source");
const sourceOrder = (a: string, b: string) => rank(a) - rank(b);
const rank = (source: string) => {
  const i = (SOURCES as readonly string[]).indexOf(source);
  return i < 0 ? SOURCES.length : i;
};

/** Queue names by id, deleted ones marked; "" is the items in no queue. */
export async function queueNames(): Promise<Map<string, string>> {
  const queues = await db.queue.findMany({ select: { id: true, name: true, deletedAt: true }, orderBy: { name: "asc" } });
  return new Map([["", "No queue"], ...queues.map((q) => [q.id, q.deletedAt ? `${q.name} (deleted)` : q.name] as [string, string])]);
}

async function labelNames(keys: string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  // The newest version's wording of each key; an older name is superseded, not a second label.
  const labels = await db.label.findMany({ where: { key: { in: keys } }, select: { key: true, name: true, version: { select: { number: true } } } });
  const best = new Map<string, { name: string; number: number }>();
  for (const l of labels) if ((best.get(l.key)?.number ?? -1) < l.version.number) best.set(l.key, { name: l.name, number: l.version.number });
  return new Map(keys.map((k) => [k, best.get(k)?.name ?? k]));
}

/** Sums day counts into the range's buckets, one series per group the key function names. */
function perBucket(range: DayRange, rows: DayCount[], group: (r: DayCount) => string | null) {
  const buckets = bucketsOf(range);
  const sums = new Map<string, number[]>();
  for (const r of rows) {
    const g = group(r);
    const i = buckets.of(r.day);
    if (g === null || i < 0) continue;
    if (!sums.has(g))
      sums.set(
        g,
        buckets.labels.map(() => 0),
      );
    sums.get(g)![i] += r.n;
  }
  return { buckets, sums, of: (g: string) => sums.get(g) ?? buckets.labels.map(() => 0) };
}

const total = (values: (number | null)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);
const count = (n: number) => n.toLocaleString("en");
const shareText = (part: number, whole: number) => (whole > 0 ? `${percent(part, whole)}% (${count(part)} of ${count(whole)})` : "none in this range");

// ---------------------------------------------------------------------------------------------
// Queues: how much waits, where it comes from, and whether decisions keep up with what arrives.

export async function queuesDashboard(q: DashboardQuery): Promise<DashboardData> {
  const scope = scopeOf(q);
  const [depth, received, decided, names] = await Promise.all([
    depthByDay(q.range, scope),
    dailyCounts("items.received", q.range, scope),
    dailyCounts("decisions.made", q.range, scope),
    queueNames(),
  ]);
  const buckets = bucketsOf(q.range);
  // Depth is a level, not a flow: a week shows its last day's level.
  const lastDayOf = new Map<number, string>();
  for (const r of depth) {
    const i = buckets.of(r.day);
    if (i >= 0 && (lastDayOf.get(i) ?? "") < r.day) lastDayOf.set(i, r.day);
  }
  const levels = (key: (r: (typeof depth)[number]) => string) => {
    const out = new Map<string, number[]>();
    for (const r of depth) {
      const i = buckets.of(r.day);
      if (i < 0 || lastDayOf.get(i) !== r.day) continue;
      const k = key(r);
      if (!out.has(k))
        out.set(
          k,
          buckets.labels.map(() => 0),
        );
      out.get(k)![i] += r.n;
    }
    return [...out].filter(([, values]) => values.some((v) => v !== 0));
  };
  const byQueue = levels((r) => r.queueId).sort(([a], [b]) => (names.get(a) ?? a).localeCompare(names.get(b) ?? b));
  const bySource = levels((r) => r.k1).sort(([a], [b]) => sourceOrder(a, b));
  const inflow = perBucket(q.range, received, () => "received");
  const outflow = perBucket(q.range, decided, () => "decided");
  const category = bucketName(buckets);
  const openAtEnd = byQueue.reduce((sum, [, values]) => sum + (values[values.length - 1] ?? 0), 0);
  return {
    facts: [
      { label: "Open at the end of the range", value: count(openAtEnd) },
      { label: "Items received", value: count(total(inflow.of("received"))) },
      { label: "Decisions made", value: count(total(outflow.of("decided"))) },
    ],
    charts: [
      {
        id: "depth-by-queue",
        kind: "line",
        title: `Open items at the end of each ${buckets.size}, by queue`,
        categoryName: category,
        categories: buckets.labels,
        unit: "count",
        series: byQueue.map(([id, values]) => ({ key: id || "none", name: names.get(id) ?? "Unknown queue", values })),
      },
      {
        id: "depth-by-source",
        kind: "line",
        title: `Open items at the end of each ${buckets.size}, by strongest source`,
        categoryName: category,
        categories: buckets.labels,
        unit: "count",
        series: bySource.map(([source, values]) => ({ key: source, name: sourceName(source), values })),
      },
      {
        id: "inflow",
        kind: "line",
        title: `Items received and decisions made per ${buckets.size}`,
        categoryName: category,
        categories: buckets.labels,
        unit: "count",
        series: [
          { key: "received", name: "Items received", values: inflow.of("received") },
          { key: "decided", name: "Decisions made", values: outflow.of("decided") },
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Deadlines: the share of deadlines met, by source and queue, removal orders within the hour, and
// every miss with its item.

function complianceSeries(rows: { key: string; met: number; missed: number }[]): ChartSeries[] {
  return [
    { key: "share_met", name: "Met (%)", values: rows.map((r) => percent(r.met, r.met + r.missed)) },
    { key: "met", name: "Met", values: rows.map((r) => r.met), plotted: false, unit: "count" },
    { key: "missed", name: "Missed", values: rows.map((r) => r.missed), plotted: false, unit: "count" },
  ];
}

function tally<T extends Count>(rows: T[], key: (r: T) => string) {
  const out = new Map<string, { key: string; met: number; missed: number }>();
  for (const r of rows) {
    const k = key(r);
    const t = out.get(k) ?? { key: k, met: 0, missed: 0 };
    if (r.k2 === "met") t.met += r.n;
    else if (r.k2 === "missed") t.missed += r.n;
    out.set(k, t);
  }
  return [...out.values()];
}

export async function deadlinesDashboard(q: DashboardQuery): Promise<DashboardData> {
  const scope = scopeOf(q);
  const [bySourceRows, byQueueRows, daily, misses, names] = await Promise.all([
    totalCounts("deadline.result", q.range, scope),
    totalCountsByQueue("deadline.result", q.range, scope),
    dailyCounts("deadline.result", q.range, scope),
    deadlineMisses(q.range, scope, 200),
    queueNames(),
  ]);
  // The listed misses' own items only (at most a page of them), to name them and link to them.
  const items = await db.item.findMany({ where: { id: { in: misses.map((m) => m.itemId) } }, select: { id: true, externalId: true } });
  const externalIds = new Map(items.map((i) => [i.id, i.externalId]));
  const bySource = tally(bySourceRows, (r) => r.k1).sort((a, b) => sourceOrder(a.key, b.key));
  const byQueue = tally(byQueueRows, (r) => r.queueId).sort((a, b) => (names.get(a.key) ?? a.key).localeCompare(names.get(b.key) ?? b.key));
  const orders = perBucket(
    q.range,
    daily.filter((r) => r.k1 === "removal_order"),
    (r) => r.k2,
  );
  const met = orders.of("met");
  const missed = orders.of("missed");
  const ordersMet = total(met);
  const ordersAll = ordersMet + total(missed);
  const all = bySource.reduce((a, r) => ({ met: a.met + r.met, missed: a.missed + r.missed }), { met: 0, missed: 0 });
  return {
    facts: [
      { label: "Deadlines met", value: shareText(all.met, all.met + all.missed) },
      { label: "Removal orders actioned within the hour", value: shareText(ordersMet, ordersAll) },
      { label: "Deadlines missed", value: count(all.missed) },
    ],
    charts: [
      {
        id: "by-source",
        kind: "bars",
        title: "Deadlines met, by strongest source",
        categoryName: "Source",
        categories: bySource.map((r) => sourceName(r.key)),
        unit: "percent",
        series: complianceSeries(bySource),
      },
      {
        id: "by-queue",
        kind: "bars",
        title: "Deadlines met, by queue",
        categoryName: "Queue",
        categories: byQueue.map((r) => names.get(r.key) ?? "Unknown queue"),
        unit: "percent",
        series: complianceSeries(byQueue),
      },
      {
        id: "removal-orders",
        kind: "stacked",
        title: `Removal orders actioned within the hour or late, per ${orders.buckets.size}`,
        categoryName: bucketName(orders.buckets),
        categories: orders.buckets.labels,
        unit: "count",
        series: [
          { key: "met", name: "Within the hour", values: met },
          { key: "missed", name: "Late", values: missed },
          { key: "share_met", name: "Within the hour (%)", values: met.map((m, i) => percent(m, m + missed[i])), plotted: false, unit: "percent" },
        ],
      },
    ],
    misses: misses.map((m) => ({
      itemId: m.itemId,
      externalId: externalIds.get(m.itemId) ?? "",
      source: sourceName(m.source),
      queue: names.get(m.queueId) ?? "Unknown queue",
      dueAt: m.dueAt.toISOString(),
      decidedAt: m.decidedAt.toISOString(),
      lateMinutes: Math.ceil((m.decidedAt.getTime() - m.dueAt.getTime()) / 60_000),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Speed: how long items wait for a decision, from receipt and from claim, per queue and per label.

const BIN_NAMES = COARSE_BINS.map(([, name]) => name);
const WITHIN_HOUR_BINS = COARSE_BINS.filter(([lower]) => lower < 3600).length;

function histogram(rows: Count[], filter: (r: Count) => boolean): number[] {
  const out = BIN_NAMES.map(() => 0);
  for (const r of rows) if (filter(r) && out[Number(r.k1)] !== undefined) out[Number(r.k1)] += r.n;
  return out;
}

function cumulativeShare(values: number[]): (number | null)[] {
  const all = total(values);
  let seen = 0;
  return values.map((v) => {
    seen += v;
    return percent(seen, all);
  });
}

/** A distribution of decisions over the duration bins, with the share decided by each bin's end beside it. */
function decisionTimes(id: string, title: string, counts: number[]): Chart {
  return {
    id,
    kind: "histogram",
    title,
    categoryName: "Time to decision",
    categories: BIN_NAMES,
    unit: "count",
    series: [
      { key: "decisions", name: "Decisions", values: counts },
      { key: "cumulative", name: "Decided by then (%)", values: cumulativeShare(counts), plotted: false, unit: "percent" },
    ],
  };
}

export async function speedDashboard(q: DashboardQuery): Promise<DashboardData> {
  const scope = scopeOf(q);
  const [received, claimed, receivedByQueue, names] = await Promise.all([
    totalCounts("ttd.received", q.range, scope),
    totalCounts("ttd.claimed", q.range, scope),
    totalCountsByQueue("ttd.received", q.range, scope),
    queueNames(),
  ]);
  const fromReceipt = histogram(received, (r) => r.k2 === "*");
  const fromClaim = histogram(claimed, (r) => r.k2 === "*");
  const queueIds = [...new Set(receivedByQueue.filter((r) => r.k2 === "*").map((r) => r.queueId))].sort((a, b) =>
    (names.get(a) ?? a).localeCompare(names.get(b) ?? b),
  );
  const labelKeys = [...new Set(received.filter((r) => r.k2 !== "*").map((r) => r.k2))].sort();
  const labels = await labelNames(labelKeys);
  const perLabel = labelKeys.map((k) => histogram(received, (r) => r.k2 === k));
  const withinHour = (values: number[]) => percent(total(values.slice(0, WITHIN_HOUR_BINS)), total(values));
  return {
    facts: [
      { label: "Decisions timed", value: count(total(fromReceipt)) },
      { label: "Decided within an hour of receipt", value: shareText(total(fromReceipt.slice(0, WITHIN_HOUR_BINS)), total(fromReceipt)) },
      { label: "Decided within an hour of the claim", value: shareText(total(fromClaim.slice(0, WITHIN_HOUR_BINS)), total(fromClaim)) },
    ],
    charts: [
      decisionTimes("from-receipt", "Time from receipt to decision", fromReceipt),
      decisionTimes("from-claim", "Time from claim to decision", fromClaim),
      {
        id: "by-queue",
        kind: "histogram",
        title: "Time from receipt to decision, by queue",
        categoryName: "Time to decision",
        categories: BIN_NAMES,
        unit: "count",
        series: queueIds.map((id) => ({
          key: id || "none",
          name: names.get(id) ?? "Unknown queue",
          values: histogram(
            receivedByQueue.filter((r) => r.queueId === id),
            (r) => r.k2 === "*",
          ),
        })),
      },
      {
        id: "by-label",
        kind: "bars",
        title: "Decided within an hour of receipt, by label",
        categoryName: "Label",
        categories: labelKeys.map((k) => labels.get(k) ?? k),
        unit: "percent",
        series: [
          { key: "within_hour", name: "Within an hour (%)", values: perLabel.map(withinHour) },
          ...BIN_NAMES.map((name, b) => ({ key: `bin_${b}`, name, values: perLabel.map((h) => h[b]), plotted: false, unit: "count" as const })),
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Labels: which labels decisions apply, over time.

/** Distinct colours stay readable up to this many series; the rest are summed as "Other labels". */
const LABEL_SERIES = 7;

export async function labelsDashboard(q: DashboardQuery): Promise<DashboardData> {
  const rows = await dailyCounts("decisions.label", q.range, scopeOf(q));
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.k1, (totals.get(r.k1) ?? 0) + r.n);
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  const names = await labelNames(ranked);
  const shown = new Set(ranked.slice(0, LABEL_SERIES));
  const over = perBucket(q.range, rows, (r) => (shown.has(r.k1) ? r.k1 : "__other"));
  const series: ChartSeries[] = ranked.filter((k) => shown.has(k)).map((k) => ({ key: k, name: names.get(k) ?? k, values: over.of(k) }));
  if (ranked.length > LABEL_SERIES) series.push({ key: "other", name: "Other labels", values: over.of("__other") });
  const byAction = (key: string, action: string) => rows.filter((r) => r.k1 === key && r.k2 === action).reduce((a, r) => a + r.n, 0);
  const actions = ACTIONS.filter((a) => rows.some((r) => r.k2 === a));
  return {
    facts: [
      { label: "Labels applied", value: count(total([...totals.values()])) },
      { label: "Distinct labels", value: count(ranked.length) },
      { label: "Most applied", value: ranked[0] ? `${names.get(ranked[0])} (${count(totals.get(ranked[0])!)})` : "none in this range" },
    ],
    charts: [
      {
        id: "over-time",
        kind: "stacked",
        title: `Labels applied per ${over.buckets.size}`,
        categoryName: bucketName(over.buckets),
        categories: over.buckets.labels,
        unit: "count",
        series,
      },
      {
        id: "totals",
        kind: "bars",
        title: "Labels applied in the range, by label",
        categoryName: "Label",
        categories: ranked.map((k) => names.get(k) ?? k),
        unit: "count",
        series: [
          { key: "applied", name: "Applied", values: ranked.map((k) => totals.get(k) ?? 0) },
          ...actions.map((a) => ({ key: a, name: `With ${a}`, values: ranked.map((k) => byAction(k, a)), plotted: false })),
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Appeals and agreement: what was contested, what changed, and how far blind second reviews agree.

const REVERSAL_NAMES: Record<string, string> = { appeal: "After an appeal", quality: "After a quality review" };

export async function appealsDashboard(q: DashboardQuery): Promise<DashboardData> {
  const scope = scopeOf(q);
  const [received, decided, reversed, pairs] = await Promise.all([
    dailyCounts("appeals.received", q.range, scope),
    dailyCounts("appeals.decided", q.range, scope),
    dailyCounts("decisions.reversed", q.range, scope),
    dailyCounts("quality.pair", q.range, scope),
  ]);
  const inflow = perBucket(q.range, received, () => "received");
  const outcomes = perBucket(q.range, decided, (r) => r.k1);
  const decidedPer = perBucket(q.range, decided, () => "decided").of("decided");
  const changed = outcomes.of("overturned").map((v, i) => v + outcomes.of("modified")[i]);
  const reversals = perBucket(q.range, reversed, (r) => r.k1);
  const whys = [...new Set(["appeal", "quality", ...reversed.map((r) => r.k1)])];

  // Agreement is read per week whatever the range: a day rarely holds enough pairs for a kappa.
  const weeks = bucketsOf(q.range, "week");
  const perWeek = weeks.labels.map(() => [] as DayCount[]);
  for (const r of pairs) perWeek[weeks.of(r.day)]?.push(r);
  const kappaOf = (rows: DayCount[]) => {
    const categories = [...new Set(rows.flatMap((r) => [r.k1, r.k2]))].sort();
    const table = categories.map(() => categories.map(() => 0));
    for (const r of rows) table[categories.indexOf(r.k1)][categories.indexOf(r.k2)] += r.n;
    const k = cohensKappa(table);
    return { n: k.n, kappa: k.kappa };
  };
  const weekly = perWeek.map(kappaOf);
  const overall = kappaOf(pairs);
  const allDecided = total(decidedPer);
  return {
    facts: [
      { label: "Appeals received", value: count(total(inflow.of("received"))) },
      { label: "Overturned or modified", value: shareText(total(changed), allDecided) },
      {
        label: "Agreement on the action (kappa)",
        value: overall.kappa === null ? "not enough pairs" : `${overall.kappa.toFixed(2)} over ${count(overall.n)} pairs`,
      },
    ],
    charts: [
      {
        id: "appeals",
        kind: "line",
        title: `Appeals received and decided per ${inflow.buckets.size}`,
        categoryName: bucketName(inflow.buckets),
        categories: inflow.buckets.labels,
        unit: "count",
        series: [
          { key: "received", name: "Received", values: inflow.of("received") },
          { key: "decided", name: "Decided", values: decidedPer },
        ],
      },
      {
        id: "overturn-rate",
        kind: "line",
        title: `Appeals overturned or modified, share of those decided per ${inflow.buckets.size}`,
        categoryName: bucketName(inflow.buckets),
        categories: inflow.buckets.labels,
        unit: "percent",
        series: [
          { key: "rate", name: "Overturned or modified (%)", values: changed.map((c, i) => percent(c, decidedPer[i])) },
          { key: "upheld", name: "Upheld", values: outcomes.of("upheld"), plotted: false, unit: "count" },
          { key: "overturned", name: "Overturned", values: outcomes.of("overturned"), plotted: false, unit: "count" },
          { key: "modified", name: "Modified", values: outcomes.of("modified"), plotted: false, unit: "count" },
        ],
      },
      {
        id: "reversals",
        kind: "stacked",
        title: `Decisions reversed per ${reversals.buckets.size}`,
        categoryName: bucketName(reversals.buckets),
        categories: reversals.buckets.labels,
        unit: "count",
        series: whys.map((why) => ({ key: why, name: REVERSAL_NAMES[why] ?? why, values: reversals.of(why) })),
      },
      {
        id: "agreement",
        kind: "line",
        title: "Agreement on the action between blind second reviews, per week (Cohen's kappa)",
        categoryName: "Week starting",
        categories: weeks.labels,
        unit: "kappa",
        series: [
          { key: "kappa", name: "Kappa", values: weekly.map((w) => w.kappa) },
          { key: "pairs", name: "Pairs", values: weekly.map((w) => w.n), plotted: false, unit: "count" },
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Moderators: decisions per moderator, for leads; a moderator's own figures for themselves.

export async function moderatorsDashboard(q: DashboardQuery): Promise<DashboardData> {
  const scope = scopeOf(q);
  // Without reports:by_moderator a viewer reads their own rows and nobody else's, not even a team total.
  const only = q.viewer && !can(q.viewer.role, "reports:by_moderator") ? q.viewer.id : null;
  const mine = (r: Count) => only === null || r.k1 === only;
  const [totalsAll, dailyAll] = await Promise.all([
    totalCounts("decisions.by_moderator", q.range, scope),
    dailyCounts("decisions.by_moderator", q.range, scope),
  ]);
  const totals = totalsAll.filter(mine);
  const daily = dailyAll.filter(mine);
  const perUser = new Map<string, number>();
  for (const r of totals) perUser.set(r.k1, (perUser.get(r.k1) ?? 0) + r.n);
  const ids = only === null ? [...perUser.keys()] : [only];
  const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const nameOf = new Map(users.map((u) => [u.id, u.name]));
  const ordered = ids.sort((a, b) => (perUser.get(b) ?? 0) - (perUser.get(a) ?? 0) || (nameOf.get(a) ?? a).localeCompare(nameOf.get(b) ?? b));
  const actions = ACTIONS.filter((a) => totals.some((r) => r.k2 === a));
  const byAction = (id: string, action: string) => totals.filter((r) => r.k1 === id && r.k2 === action).reduce((s, r) => s + r.n, 0);
  const over = perBucket(q.range, daily, (r) => r.k2);
  const whose = only === null ? "the team's" : "your";
  return {
    facts: [
      { label: only === null ? "Decisions" : "Your decisions", value: count(total([...perUser.values()])) },
      {
        label: only === null ? "Moderators who decided" : "Days with a decision",
        value: count(only === null ? perUser.size : new Set(daily.map((r) => r.day)).size),
      },
    ],
    charts: [
      {
        id: "per-moderator",
        kind: "bars",
        title: only === null ? "Decisions per moderator" : "Your decisions",
        categoryName: "Moderator",
        categories: ordered.map((id) => nameOf.get(id) ?? "Former account"),
        unit: "count",
        series: [
          { key: "decisions", name: "Decisions", values: ordered.map((id) => perUser.get(id) ?? 0) },
          ...actions.map((a) => ({ key: a, name: a[0].toUpperCase() + a.slice(1), values: ordered.map((id) => byAction(id, a)), plotted: false })),
        ],
      },
      {
        id: "over-time",
        kind: "stacked",
        title: `${whose[0].toUpperCase()}${whose.slice(1)} decisions per ${over.buckets.size}, by action`,
        categoryName: bucketName(over.buckets),
        categories: over.buckets.labels,
        unit: "count",
        series: ACTIONS.map((a) => ({ key: a, name: a[0].toUpperCase() + a.slice(1), values: over.of(a) })),
      },
    ],
  };
}

/** Every dashboard by its page key: the pages, their CSV and the benchmark call these. */
export const DASHBOARDS = {
  queues: queuesDashboard,
  deadlines: deadlinesDashboard,
  speed: speedDashboard,
  labels: labelsDashboard,
  appeals: appealsDashboard,
  moderators: moderatorsDashboard,
} as const satisfies Record<string, (q: DashboardQuery) => Promise<DashboardData>>;

export type DashboardKey = keyof typeof DASHBOARDS;
