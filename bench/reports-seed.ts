// A year of review history for the reporting benchmark, written straight into the tables and the
// audit log the rollups are folded from: items arriving with a weekly rhythm over 365 days on three
// platforms and eight queues, flags (most in batch calls, named by Flag.batchId), claims, decisions
// (escalations, copies, closing decisions), appeals with their replacements, and blind quality
// reviews. Events are generated a day at a time, put in time order, numbered and hash-chained as the
// audit writer does (chain.ts), so the log verifies and the fold reads it as it would a real one.
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { canonicalJson, eventHash } from "../app/modules/audit/chain.ts";
import { checkedPayload } from "../app/modules/audit/events.ts";
import { mulberry32 } from "../app/modules/clusters/synthetic-campaign.ts";
import type { Source } from "../app/modules/items/sources.ts";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** The year of history: 2025, UTC. The benchmark's "today" is its last day. */
export const YEAR_START = Date.UTC(2025, 0, 1);
export const YEAR_DAYS = 365;
export const YEAR_END = YEAR_START + YEAR_DAYS * DAY;
export const FIRST_DAY = "2025-01-01";
export const LAST_DAY = "2025-12-31";

export const PLATFORMS = [
  { id: "bench-social", share: 0.6 },
  { id: "bench-video", share: 0.25 },
  { id: "bench-forum", share: 0.15 },
];
export const REPORT_QUEUES = [24, 18, 15, 12, 10, 9, 7, 5].map((share, k) => ({ id: `bench-report-queue-${k + 1}`, name: `Report queue ${k + 1}`, share }));
const UNROUTED_SHARE = 0.03;
export const MODERATORS = 40;

const SOURCE_SHARE: [Source, number][] = [
  ["removal_order", 0.003],
  ["trusted_flagger", 0.08],
  ["authority_referral", 0.05],
  ["user_report", 0.6],
  ["automated", 0.267],
];
const DEADLINE_HOURS: Record<Source, number | null> = { removal_order: 1, trusted_flagger: 24, authority_referral: 24, user_report: 72, automated: null };
/** Median hours from receipt to the closing decision, per source (log-normal spread around it). */
const MEDIAN_HOURS: Record<Source, number> = { removal_order: 0.4, trusted_flagger: 6, authority_referral: 8, user_report: 14, automated: 20 };
const REASONS = ["violent_extremism", "terrorist_content", "hate_speech", "harassment", "spam", "spam", "scam", "violent_extremism"];
/** Mon..Sun (getUTCDay order is Sun..Sat): fewer notices at weekends. */
const WEEKDAY_WEIGHT = [0.72, 1.15, 1.12, 1.08, 1.05, 1.0, 0.78];

export type Value = string | number | boolean | null;
export type Row = Value[];

export const COLUMNS = {
  Item: [
    "id",
    "platform",
    "externalId",
    "type",
    "title",
    "body",
    "state",
    "priority",
    "dueAt",
    "strongestSource",
    "topReason",
    "flagCount",
    "reporterCount",
    "countsBySource",
    "countsByReason",
    "firstFlaggedAt",
    "lastFlaggedAt",
    "decidedAt",
    "createdAt",
    "updatedAt",
    "queueId",
  ],
  Flag: ["id", "itemId", "platform", "externalId", "source", "reason", "reporterId", "receivedAt", "dueAt", "createdAt", "batchId", "queueId", "newItem"],
  Decision: [
    "id",
    "seq",
    "itemId",
    "userId",
    "versionId",
    "action",
    "rationale",
    "labelKeys",
    "snapshot",
    "copyOfDecisionId",
    "supersedesId",
    "appealId",
    "createdAt",
  ],
  Appeal: [
    "id",
    "platform",
    "externalId",
    "decisionId",
    "itemId",
    "appellantRole",
    "appellantId",
    "statement",
    "channel",
    "receivedAt",
    "dueAt",
    "state",
    "queueId",
    "outcome",
    "rationale",
    "answer",
    "decidedAt",
    "newDecisionId",
    "createdAt",
    "updatedAt",
  ],
  QualityReview: [
    "id",
    "decisionId",
    "itemId",
    "queueId",
    "sampledBecause",
    "firstUserId",
    "versionId",
    "state",
    "sampledAt",
    "reviewerId",
    "reviewedAt",
    "action",
    "labelKeys",
    "rationale",
    "createdAt",
    "updatedAt",
  ],
  AuditEvent: ["seq", "at", "actorId", "actorLabel", "action", "subjectType", "subjectId", "payload", "prevHash", "hash"],
} as const;
export type Table = keyof typeof COLUMNS;
/** The tables whose secondary indexes are dropped during the load and built once afterwards. */
export const BULK_TABLES: Table[] = ["Item", "Flag", "Decision", "AuditEvent"];
export const TIME_COLUMNS = new Set([
  "dueAt",
  "firstFlaggedAt",
  "lastFlaggedAt",
  "decidedAt",
  "createdAt",
  "updatedAt",
  "receivedAt",
  "sampledAt",
  "reviewedAt",
  "at",
]);

/** Where the generated rows go: one writer per engine. */
export type Sink = { write(table: Table, row: Row): void | Promise<void>; end(): Promise<void> };

export type SeedContext = {
  versionId: string;
  /** Label keys by the action they lead to (the starter set's default actions). */
  labelsByAction: Record<"keep" | "remove" | "restrict" | "escalate", string[]>;
  moderators: { id: string; label: string }[];
};

export type SeedTotals = { items: number; flags: number; decisions: number; appeals: number; qualityReviews: number; events: number; headHash: string };

type Pending = {
  at: number;
  order: number;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  payload: Record<string, unknown>;
  /** A Decision row, written once the event has its sequence number. */
  decision?: Row;
};

const iso = (ms: number) => new Date(ms).toISOString();
const pick = <T>(list: readonly T[], x: number) => list[Math.min(list.length - 1, Math.floor(x * list.length))];

/** Items per day: a weekly rhythm on a gentle seasonal swell, summing to `total`. */
export function itemsPerDay(total: number): number[] {
  const weights = Array.from({ length: YEAR_DAYS }, (_, d) => {
    const weekday = new Date(YEAR_START + d * DAY).getUTCDay();
    return WEEKDAY_WEIGHT[weekday] * (1 + 0.18 * Math.sin((2 * Math.PI * d) / YEAR_DAYS - 1));
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  const out = weights.map((w) => Math.floor((total * w) / sum));
  let rest = total - out.reduce((a, b) => a + b, 0);
  for (let d = YEAR_DAYS - 1; rest > 0; d = (d + YEAR_DAYS - 1) % YEAR_DAYS, rest--) out[d]++;
  return out;
}

/** A log-normal delay around a median (in ms), capped so every item's history fits the bucket window. */
function delay(r: () => number, medianMs: number, capMs: number): number {
  const u = Math.max(1e-9, r());
  const v = r();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(capMs, Math.max(MINUTE, medianMs * Math.exp(1.1 * z)));
}

function pickWeighted<T>(list: readonly (readonly [T, number])[], x: number): T {
  for (const [v, w] of list) {
    if (x < w) return v;
    x -= w;
  }
  return list[list.length - 1][0];
}

/**
 * Generates the year and hands every row to `sink`, events in chain order after `head` (the seq and
 * hash the migrations' own events left). Answers the totals and the new head.
 */
export async function seedYear(
  total: number,
  ctx: SeedContext,
  head: { seq: number; hash: string },
  sink: Sink,
  progress?: (m: string) => void,
): Promise<SeedTotals> {
  const perDay = itemsPerDay(total);
  const buckets = new Map<number, Pending[]>();
  const at = (e: Pending) => {
    if (e.at >= YEAR_END) return; // after the benchmark's today: has not happened yet
    const d = Math.floor((e.at - YEAR_START) / DAY);
    let list = buckets.get(d);
    if (!list) buckets.set(d, (list = []));
    list.push(e);
  };
  const totals: SeedTotals = { items: 0, flags: 0, decisions: 0, appeals: 0, qualityReviews: 0, events: 0, headHash: head.hash };
  let seq = head.seq;
  let prev = head.hash;
  let order = 0;
  let lastDecisionId: string | null = null;
  let n = 0;
  const apiKey = (platform: string) => ({ actorId: `api_key:${platform}`, actorLabel: `API key ${platform} intake` });

  for (let d = 0; d < YEAR_DAYS; d++) {
    const dayStart = YEAR_START + d * DAY;
    const batches = new Map<
      string,
      { platform: string; at: number; flags: { id: string; itemId: string; source: string; receivedAt: number }[]; removal: number }
    >();
    for (let k = 0; k < perDay[d]; k++, n++) {
      const i = n;
      const r = mulberry32(i * 2654435761 + 99);
      const platform = pickWeighted(
        PLATFORMS.map((p) => [p.id, p.share] as const),
        r(),
      );
      const source = pickWeighted(SOURCE_SHARE, r());
      const reason = pick(REASONS, r());
      // Busier in the (European) day: a triangle peaking mid-afternoon.
      const received = dayStart + Math.floor(((r() + r()) / 2) * (DAY - 10 * MINUTE));
      const hours = DEADLINE_HOURS[source];
      const due = hours === null ? null : received + hours * HOUR;
      const queue =
        r() < UNROUTED_SHARE
          ? null
          : pickWeighted(
              REPORT_QUEUES.map((q) => [q, q.share / 100] as const),
              r(),
            );
      const queueId = queue?.id ?? null;
      const itemId = randomUUID();
      const flagId = randomUUID();
      const externalId = `${platform}-post-${i}`;
      const reporter = `reporter-${(i * 7) % 120_000}`;
      // Intake: automated notices and most user reports come in batch calls (one event per five minutes per platform).
      const batched = source === "automated" || (source === "user_report" && r() < 0.6);
      let introduced = received;
      let batchId: string | null = null;
      if (batched) {
        const window = Math.floor(received / (5 * MINUTE));
        const key = `${platform}:${window}`;
        let b = batches.get(key);
        if (!b) batches.set(key, (b = { platform, at: (window + 1) * 5 * MINUTE - 1, flags: [], removal: 0 }));
        batchId = `batch-${platform}-${window}`;
        b.flags.push({ id: flagId, itemId, source, receivedAt: received });
        introduced = b.at;
      } else {
        at({
          at: received,
          order: order++,
          ...apiKey(platform),
          action: "flag.received",
          subjectType: "item",
          subjectId: itemId,
          payload: {
            flagId,
            itemId,
            platform,
            contentExternalId: externalId,
            flagExternalId: `${externalId}-flag-0`,
            source,
            reason,
            reference: null,
            receivedAt: iso(received),
            dueAt: due === null ? null : iso(due),
            newItem: true,
            queueId,
          },
        });
      }
      await sink.write("Flag", [flagId, itemId, platform, `${externalId}-flag-0`, source, reason, reporter, received, due, received, batchId, queueId, true]);
      totals.flags++;

      // The review: an optional escalation first, then the closing decision (by a person, or a copy of one).
      const escalated = r() < 0.03;
      const copy = !escalated && r() < 0.08;
      const t = introduced + delay(r, MEDIAN_HOURS[source] * HOUR, 6 * DAY);
      let flagCount = 1;
      let lastFlagged = received;
      if (r() < 0.1) {
        // A second notice while the item waits.
        const second = introduced + Math.floor((t - introduced) / 2);
        const secondId = randomUUID();
        const secondSource: Source = r() < 0.5 ? "user_report" : source;
        at({
          at: second,
          order: order++,
          ...apiKey(platform),
          action: "flag.received",
          subjectType: "item",
          subjectId: itemId,
          payload: {
            flagId: secondId,
            itemId,
            platform,
            contentExternalId: externalId,
            flagExternalId: `${externalId}-flag-1`,
            source: secondSource,
            reason,
            reference: null,
            receivedAt: iso(second),
            dueAt: due === null ? null : iso(due),
            newItem: false,
            queueId,
          },
        });
        await sink.write("Flag", [
          secondId,
          itemId,
          platform,
          `${externalId}-flag-1`,
          secondSource,
          reason,
          `reporter-${(i * 11) % 120_000}`,
          second,
          due,
          second,
          null,
          queueId,
          false,
        ]);
        totals.flags++;
        flagCount = 2;
        lastFlagged = second;
      }
      const moderator = ctx.moderators[Math.floor(r() * ctx.moderators.length)];
      const decide = (
        when: number,
        action: "keep" | "remove" | "restrict" | "escalate",
        extra: { copyOf?: boolean; supersedes?: string; appealId?: string },
        by = moderator,
      ) => {
        const decisionId = randomUUID();
        const labelKeys = [pick(ctx.labelsByAction[action], r())];
        const rationale = "Fictional benchmark rationale.";
        const pending: Pending = {
          at: when,
          order: order++,
          actorId: by.id,
          actorLabel: by.label,
          action: "decision.made",
          subjectType: "item",
          subjectId: itemId,
          payload: {
            decisionId,
            itemId,
            externalId,
            action,
            labelKeys,
            versionId: ctx.versionId,
            rationale,
            copyOf: extra.copyOf ? "" : null,
            ...(extra.supersedes ? { supersedes: extra.supersedes, appealId: extra.appealId } : {}),
          },
          decision: [
            decisionId,
            0,
            itemId,
            by.id,
            ctx.versionId,
            action,
            rationale,
            JSON.stringify(labelKeys),
            "{}",
            null,
            extra.supersedes ?? null,
            extra.appealId ?? null,
            when,
          ],
        };
        at(pending);
        return { decisionId, labelKeys, pending };
      };
      const claim = (when: number, by = moderator) =>
        at({
          at: when,
          order: order++,
          actorId: by.id,
          actorLabel: by.label,
          action: "item.claimed",
          subjectType: "item",
          subjectId: itemId,
          payload: { itemId, claimId: randomUUID(), queue: queue?.name ?? "Unrouted", leaseExpiresAt: iso(when + 15 * MINUTE) },
        });
      if (escalated) {
        const when = introduced + Math.floor((t - introduced) / 3);
        claim(when - Math.min(10 * MINUTE, Math.floor((when - introduced) / 2)));
        decide(when, "escalate", {});
      }
      const action =
        source === "removal_order"
          ? r() < 0.92
            ? "remove"
            : "restrict"
          : pickWeighted(
              [
                ["remove", 0.45],
                ["keep", 0.35],
                ["restrict", 0.2],
              ] as const,
              r(),
            );
      let state = "pending";
      let decidedAt: number | null = null;
      if (t < YEAR_END) {
        if (!copy && r() < 0.85) claim(t - Math.min(Math.floor(r() * 20 * MINUTE), Math.floor((t - introduced) / 2)));
        const closing = decide(t, action, { copyOf: copy });
        state = "decided";
        decidedAt = t;
        // An appeal against the closing decision, decided within days; a reversal replaces the decision.
        if (r() < 0.02) {
          const appealId = randomUUID();
          const appealAt = t + Math.floor(HOUR + r() * 3 * DAY);
          const decidedAppealAt = appealAt + Math.floor(HOUR + r() * 3 * DAY);
          const role = action === "keep" ? "notifier" : "content_author";
          const outcome = pickWeighted(
            [
              ["upheld", 0.65],
              ["overturned", 0.25],
              ["modified", 0.1],
            ] as const,
            r(),
          );
          const appealQueue = queueId;
          at({
            at: appealAt,
            order: order++,
            ...apiKey(platform),
            action: "appeal.received",
            subjectType: "appeal",
            subjectId: appealId,
            payload: {
              appealId,
              externalId: `${externalId}-appeal`,
              platform,
              decisionId: closing.decisionId,
              itemId,
              appellantRole: role,
              statementDigest: "0".repeat(64),
              channel: "api",
              receivedAt: iso(appealAt),
              dueAt: iso(appealAt + 7 * DAY),
              queueId: appealQueue,
              routingVersion: null,
              note: "",
            },
          });
          const lead = ctx.moderators[(ctx.moderators.indexOf(moderator) + 1) % ctx.moderators.length];
          let newDecisionId: string | null = null;
          const settled = decidedAppealAt < YEAR_END;
          if (settled) {
            if (outcome !== "upheld") {
              const next = outcome === "overturned" ? (action === "keep" ? "remove" : "keep") : action === "remove" ? "restrict" : "remove";
              newDecisionId = decide(decidedAppealAt - 1, next, { supersedes: closing.decisionId, appealId }, lead).decisionId;
            }
            at({
              at: decidedAppealAt,
              order: order++,
              actorId: lead.id,
              actorLabel: lead.label,
              action: "appeal.decided",
              subjectType: "appeal",
              subjectId: appealId,
              payload: {
                appealId,
                itemId,
                decisionId: closing.decisionId,
                outcome,
                rationale: "Fictional appeal rationale.",
                answer: "Fictional answer.",
                newDecisionId,
              },
            });
          }
          await sink.write("Appeal", [
            appealId,
            platform,
            `${externalId}-appeal`,
            closing.decisionId,
            itemId,
            role,
            `appellant-${i}`,
            "Fictional statement.",
            "api",
            appealAt,
            appealAt + 7 * DAY,
            settled ? "decided" : "open",
            appealQueue,
            settled ? outcome : null,
            settled ? "Fictional appeal rationale." : null,
            settled ? "Fictional answer." : null,
            settled ? decidedAppealAt : null,
            newDecisionId,
            appealAt,
            settled ? decidedAppealAt : appealAt,
          ]);
          totals.appeals++;
          if (!settled) state = "appealed";
        } else if (!copy && r() < 0.01) {
          // A blind second review of the closing decision.
          const reviewAt = t + Math.floor(HOUR + r() * 2 * DAY);
          const reviewer = ctx.moderators[(ctx.moderators.indexOf(moderator) + 7) % ctx.moderators.length];
          const agreed = r() < 0.85;
          const second = agreed ? action : action === "keep" ? "remove" : "keep";
          const reviewId = randomUUID();
          const labels = [pick(ctx.labelsByAction[second], r())];
          const done = reviewAt < YEAR_END;
          if (done) {
            at({
              at: reviewAt,
              order: order++,
              actorId: reviewer.id,
              actorLabel: reviewer.label,
              action: "quality.reviewed",
              subjectType: "quality_review",
              subjectId: reviewId,
              payload: {
                qualityReviewId: reviewId,
                decisionId: closing.decisionId,
                itemId,
                action: second,
                labelKeys: labels,
                rationale: "Fictional second review.",
                agreed,
              },
            });
          }
          await sink.write("QualityReview", [
            reviewId,
            closing.decisionId,
            itemId,
            queueId,
            "share",
            moderator.id,
            ctx.versionId,
            done ? (agreed ? "agreed" : "disagreed") : "open",
            t + MINUTE,
            done ? reviewer.id : null,
            done ? reviewAt : null,
            done ? second : null,
            done ? JSON.stringify(labels) : "[]",
            done ? "Fictional second review." : null,
            t + MINUTE,
            done ? reviewAt : t + MINUTE,
          ]);
          totals.qualityReviews++;
        }
      } else if (escalated) state = "escalated";
      await sink.write("Item", [
        itemId,
        platform,
        externalId,
        "text",
        `Post ${i}`,
        `Synthetic post ${i} about the Northern Ember Front (placeholder group)`,
        state,
        100 + Math.floor(r() * 300),
        due,
        source,
        reason,
        flagCount,
        flagCount,
        JSON.stringify({ [source]: flagCount }),
        JSON.stringify({ [reason]: flagCount }),
        received,
        lastFlagged,
        decidedAt,
        received,
        decidedAt ?? lastFlagged,
        queueId,
      ]);
      totals.items++;
    }
    for (const [, b] of batches) {
      const batchId = `batch-${b.platform}-${Math.floor(b.at / (5 * MINUTE))}`;
      at({
        at: b.at,
        order: -1, // before anything else at the same millisecond
        ...apiKey(b.platform),
        action: "flag.batch_received",
        subjectType: "api_key",
        subjectId: b.platform,
        payload: {
          platform: b.platform,
          batchId,
          digest: createHash("sha256")
            .update(b.flags.map((f) => f.id).join(","))
            .digest("hex"),
          accepted: b.flags.length,
          duplicates: 0,
          refused: 0,
          newItems: b.flags.length,
          removalOrders: 0,
        },
      });
    }
    // Every event of day d is known now: all come from items received on or before it.
    const events = buckets.get(d) ?? [];
    buckets.delete(d);
    events.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const e of events) {
      seq++;
      if (e.decision) {
        if (e.payload.copyOf === "") {
          // A copy carries the decision it repeats: the one made just before it.
          e.payload.copyOf = lastDecisionId ?? (e.payload.decisionId as string);
          e.decision[9] = e.payload.copyOf as string;
        }
        lastDecisionId = e.payload.decisionId as string;
        e.decision[1] = seq;
        await sink.write("Decision", e.decision);
        totals.decisions++;
      }
      // Every thousandth payload goes through the registry's schema: the bench writes what the writer would accept.
      if (seq % 1000 === 0) checkedPayload(e.action, e.payload);
      const payload = canonicalJson(e.payload);
      const fields = {
        seq,
        at: new Date(e.at),
        actorId: e.actorId,
        actorLabel: e.actorLabel,
        action: e.action,
        subjectType: e.subjectType,
        subjectId: e.subjectId,
        payload,
      };
      const hash = eventHash(prev, fields);
      await sink.write("AuditEvent", [seq, e.at, e.actorId, e.actorLabel, e.action, e.subjectType, e.subjectId, payload, prev, hash]);
      prev = hash;
      totals.events++;
    }
    if (progress && d % 60 === 59)
      progress(`day ${d + 1} of ${YEAR_DAYS}: ${totals.items.toLocaleString("en")} items, ${totals.events.toLocaleString("en")} events`);
  }
  await sink.end();
  totals.headHash = prev;
  return { ...totals, events: seq };
}

// ---- SQLite -------------------------------------------------------------------------------------

/** Multi-row inserts in transactions of 50,000 rows; booleans as 0/1, times as epoch milliseconds. */
export function sqliteSink(sqlite: Database.Database): Sink {
  const ROWS = 100;
  const buffers = new Map<Table, Row[]>();
  const statements = new Map<string, Database.Statement>();
  const insert = (table: Table, rows: Row[]) => {
    const cols = COLUMNS[table];
    const key = `${table}:${rows.length}`;
    let stmt = statements.get(key);
    if (!stmt) {
      const one = `(${cols.map(() => "?").join(",")})`;
      stmt = sqlite.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(",")}) VALUES ${Array(rows.length).fill(one).join(",")}`);
      statements.set(key, stmt);
    }
    stmt.run(...rows.flat().map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v)));
  };
  let inTx = 0;
  sqlite.exec("BEGIN");
  return {
    write(table, row) {
      let b = buffers.get(table);
      if (!b) buffers.set(table, (b = []));
      b.push(row);
      if (b.length === ROWS) {
        insert(table, b);
        buffers.set(table, []);
      }
      if (++inTx === 50_000) {
        sqlite.exec("COMMIT; BEGIN");
        inTx = 0;
      }
    },
    async end() {
      for (const [table, rows] of buffers) if (rows.length) insert(table, rows);
      sqlite.exec("COMMIT");
    },
  };
}

// ---- PostgreSQL ---------------------------------------------------------------------------------

const pgTime = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace("T", " ");
const copyField = (v: Value, column: string) =>
  v === null
    ? "\\N"
    : typeof v === "boolean"
      ? v
        ? "t"
        : "f"
      : TIME_COLUMNS.has(column) && typeof v === "number"
        ? pgTime(v)
        : String(v).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");

/** One COPY FROM STDIN per table through psql, all streaming at once. */
export function postgresSink(url: string): Sink {
  const streams = new Map<Table, { psql: ReturnType<typeof spawn>; chunk: string; done: Promise<void> }>();
  const open = (table: Table) => {
    const cols = COLUMNS[table];
    const psql = spawn("psql", [url, "-Xqv", "ON_ERROR_STOP=1", "-c", `COPY "${table}" (${cols.map((c) => `"${c}"`).join(",")}) FROM STDIN`], {
      stdio: ["pipe", "ignore", "inherit"],
    });
    const done = new Promise<void>((resolve, reject) => {
      psql.on("error", reject);
      psql.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`COPY "${table}" failed (psql exit ${code})`))));
    });
    const s = { psql, chunk: "", done };
    streams.set(table, s);
    return s;
  };
  return {
    async write(table, row) {
      const s = streams.get(table) ?? open(table);
      const cols = COLUMNS[table];
      s.chunk += row.map((v, k) => copyField(v, cols[k])).join("\t") + "\n";
      if (s.chunk.length > 1 << 20) {
        const data = s.chunk;
        s.chunk = "";
        if (!s.psql.stdin!.write(data)) await new Promise((r) => s.psql.stdin!.once("drain", r));
      }
    },
    async end() {
      for (const s of streams.values()) s.psql.stdin!.end(s.chunk);
      await Promise.all([...streams.values()].map((s) => s.done));
    },
  };
}

/** COPYs rows into one table through psql (times given as epoch milliseconds in TIME_COLUMNS). */
export async function copyRows(url: string, table: string, columns: readonly string[], rows: Iterable<Row>): Promise<number> {
  const psql = spawn("psql", [url, "-Xqv", "ON_ERROR_STOP=1", "-c", `COPY "${table}" (${columns.map((c) => `"${c}"`).join(",")}) FROM STDIN`], {
    stdio: ["pipe", "ignore", "inherit"],
  });
  const done = new Promise<void>((resolve, reject) => {
    psql.on("error", reject);
    psql.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`COPY "${table}" failed (psql exit ${code})`))));
  });
  let chunk = "";
  let n = 0;
  for (const row of rows) {
    chunk += row.map((v, k) => copyField(v, columns[k])).join("\t") + "\n";
    n++;
    if (chunk.length > 1 << 20) {
      if (!psql.stdin.write(chunk)) await new Promise((r) => psql.stdin.once("drain", r));
      chunk = "";
    }
  }
  psql.stdin.end(chunk);
  await done;
  return n;
}
