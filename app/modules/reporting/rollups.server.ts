// Keeping the report rollups up to date: the audit log folded from a head that only moves forward.
// A run reads its events and the fold's state without holding a lock, then writes the counts and moves
// the head in one short transaction on the driver, only if the head is still where the run found it;
// otherwise another process folded those events first and the run starts again from the new head.
// So whichever process folds, and whenever the one before died, every event is counted once.
// See docs/decisions/046-report-rollups.md.
import { db, dialect, transaction, type Tx } from "~/db.server.ts";
import { pgWrite, sqliteValue, sqliteWrite } from "~/db-direct.server.ts";
import { parseAuditPayload } from "~/modules/audit/events.ts";
import { currentTime } from "~/modules/clock/clock.ts";
import { isOpen } from "~/modules/items/lifecycle.ts";
import {
  FOLDED_ACTIONS,
  foldEvents,
  introduceItems,
  newFoldOutput,
  splitCountKey,
  type BatchFlag,
  type FoldEvent,
  type FoldState,
  type FoldOutput,
  type ItemView,
} from "./fold.ts";

/** Audit events read per run. */
export const FOLD_BATCH = 5000;

type Head = { seq: number; rebuiltAt: Date | null };

export async function rollupLag(): Promise<{ head: number; audit: number }> {
  const [head, audit] = await Promise.all([db.reportHead.findUnique({ where: { id: 1 } }), db.auditHead.findUnique({ where: { id: 1 } })]);
  return { head: head?.seq ?? 0, audit: audit?.seq ?? 0 };
}

/**
 * Folds the next run of audit events into the rollups. Answers how many events it counted and whether
 * more remain (also when another process counted this run first).
 */
export async function foldOnce(batch = FOLD_BATCH): Promise<{ events: number; more: boolean }> {
  const [head, auditHead] = await Promise.all([db.reportHead.findUnique({ where: { id: 1 } }), db.auditHead.findUnique({ where: { id: 1 } })]);
  if (!head) throw new Error("the report head row is missing");
  // Every event up to the committed audit head is committed (sequence order is commit order).
  const audit = auditHead?.seq ?? 0;
  if (audit <= head.seq) return { events: 0, more: false };
  const rows = await db.auditEvent.findMany({
    where: { seq: { gt: head.seq, lte: audit }, action: { in: [...FOLDED_ACTIONS] } },
    orderBy: { seq: "asc" },
    take: batch,
    select: { seq: true, at: true, actorId: true, action: true, payload: true },
  });
  const full = rows.length === batch;
  const to = full ? rows[rows.length - 1].seq : audit;
  const events: FoldEvent[] = rows.map((r) => {
    const parsed = parseAuditPayload(r.action, r.payload);
    return {
      seq: r.seq,
      at: r.at,
      // Users' ids; API keys ("api_key:<id>") and the system decide nothing a moderator is counted for.
      actorId: r.actorId && !r.actorId.includes(":") ? r.actorId : null,
      action: parsed.action,
      payload: parsed.status === "typed" && parsed.payload && typeof parsed.payload === "object" ? (parsed.payload as Record<string, unknown>) : {},
    };
  });
  const { state, introduced } = await loadState(db, events);
  const out = newFoldOutput();
  introduceItems(introduced, out);
  foldEvents(events, state, out);
  const written = dialect === "postgresql" ? await writeOnPostgres(head, to, state, out) : await writeOnSqlite(head, to, state, out);
  return written ? { events: rows.length, more: full } : { events: 0, more: true };
}

/**
 * Folds until the head reaches the log's end as it stood, or `maxEvents` were read. Answers the events
 * read; `onRun` hears after each run where the head stands.
 */
export async function foldPending(maxEvents = 50_000, onRun?: (events: number) => Promise<void> | void): Promise<number> {
  let total = 0;
  while (total < maxEvents) {
    const { events, more } = await foldOnce();
    total += events;
    await onRun?.(total);
    if (!more) break;
  }
  return total;
}

/**
 * Throws the rollups away and folds the whole log again. Dashboards read partial figures while it
 * runs; the rebuild is for repairs and checks, not for every day.
 */
export async function rebuildRollups(onRun?: (events: number) => Promise<void> | void): Promise<number> {
  await transaction(async (tx) => {
    if (dialect === "postgresql") await tx.$queryRawUnsafe(`SELECT "seq" FROM "ReportHead" WHERE "id" = 1 FOR UPDATE`);
    await tx.reportCount.deleteMany({});
    await tx.reportItem.deleteMany({});
    await tx.reportAppeal.deleteMany({});
    await tx.reportMiss.deleteMany({});
    await tx.reportHead.update({ where: { id: 1 }, data: { seq: 0, rebuiltAt: currentTime() } });
  });
  return foldPending(Number.MAX_SAFE_INTEGER, onRun);
}

const chunks = <T>(list: T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
};

/**
 * The fold's state for these events: their items and appeals as last left (and every open item and
 * appeal of a queue closed among them), the decisions they name, the batches' flags; and the items the
 * log never introduced that these events meet open.
 */
async function loadState(tx: Tx, events: FoldEvent[]): Promise<{ state: FoldState; introduced: ItemView[] }> {
  const itemIds = new Set<string>();
  const appealIds = new Set<string>();
  const decisionIds = new Set<string>();
  const batchIds = new Set<string>();
  const closedQueues = new Set<string>();
  for (const { action, payload: p } of events) {
    if (typeof p.itemId === "string") itemIds.add(p.itemId);
    if (typeof p.appealId === "string") appealIds.add(p.appealId);
    if (action === "decision.made" && typeof p.supersedes === "string") decisionIds.add(p.supersedes);
    if (action === "quality.reviewed" && typeof p.decisionId === "string") decisionIds.add(p.decisionId);
    if (action === "flag.batch_received" && typeof p.batchId === "string") batchIds.add(p.batchId);
    if (action === "queue.closed" && typeof p.queueId === "string") closedQueues.add(p.queueId);
  }
  const state: FoldState = { items: new Map(), appeals: new Map(), decisionActions: new Map(), batches: new Map() };
  for (const part of chunks([...batchIds], 200)) {
    const flags = await tx.flag.findMany({
      where: { batchId: { in: part } },
      orderBy: { id: "asc" },
      select: { batchId: true, itemId: true, source: true, reason: true, receivedAt: true, dueAt: true, queueId: true, newItem: true },
    });
    for (const f of flags) {
      const list = state.batches.get(f.batchId!) ?? [];
      list.push({ ...f, source: String(f.source) } satisfies BatchFlag);
      state.batches.set(f.batchId!, list);
      itemIds.add(f.itemId);
    }
  }
  const items = (rows: { itemId: string; open: number }[]) => {
    for (const r of rows as (Omit<ItemView, "open"> & { open: number })[]) state.items.set(r.itemId, { ...r, open: r.open === 1 });
  };
  for (const part of chunks([...itemIds], 500)) items(await tx.reportItem.findMany({ where: { itemId: { in: part } } }));
  if (closedQueues.size) {
    items(await tx.reportItem.findMany({ where: { queueId: { in: [...closedQueues] }, open: 1 } }));
    for (const r of await tx.reportAppeal.findMany({ where: { queueId: { in: [...closedQueues] } } })) state.appeals.set(r.appealId, r);
  }
  // Items the log never introduced (rows written before the log knew of them): their current row is the
  // best account. The first event that names one says whether it was open then (a move, a claim, a
  // first decision) or closed (an appeal, a second review, a replacement, a reopening).
  const introducedHere = new Set<string>();
  const openWhenMet = new Map<string, boolean>();
  for (const e of events) {
    const p = e.payload;
    if (e.action === "flag.received" && typeof p.itemId === "string") introducedHere.add(p.itemId);
    if (e.action === "flag.batch_received" && typeof p.batchId === "string") {
      for (const f of state.batches.get(p.batchId) ?? []) introducedHere.add(f.itemId);
    }
    if (typeof p.itemId === "string" && !openWhenMet.has(p.itemId)) {
      openWhenMet.set(p.itemId, ["item.moved", "item.routed", "item.claimed"].includes(e.action) || (e.action === "decision.made" && !p.supersedes));
    }
  }
  const unknown = [...itemIds].filter((id) => !state.items.has(id) && !introducedHere.has(id));
  const introduced: ItemView[] = [];
  for (const part of chunks(unknown, 500)) {
    const rows = await tx.item.findMany({
      where: { id: { in: part } },
      select: { id: true, platform: true, queueId: true, strongestSource: true, state: true, firstFlaggedAt: true, dueAt: true },
    });
    for (const r of rows) {
      const item: ItemView = {
        itemId: r.id,
        platform: r.platform,
        queueId: r.queueId ?? "",
        source: String(r.strongestSource),
        open: openWhenMet.get(r.id) ?? false,
        openedAt: r.firstFlaggedAt,
        dueAt: isOpen(String(r.state)) ? r.dueAt : null,
        claimedAt: null,
      };
      state.items.set(r.id, item);
      if (item.open) introduced.push(item);
    }
  }
  for (const part of chunks([...appealIds], 500)) {
    for (const r of await tx.reportAppeal.findMany({ where: { appealId: { in: part } } })) state.appeals.set(r.appealId, r);
  }
  for (const part of chunks([...decisionIds], 500)) {
    for (const r of await tx.decision.findMany({ where: { id: { in: part } }, select: { id: true, action: true } })) {
      state.decisionActions.set(r.id, String(r.action));
    }
  }
  return { state, introduced };
}

const sameHead = (found: { seq: number | bigint; rebuiltAt: unknown } | undefined, head: Head) =>
  !!found && Number(found.seq) === head.seq && toMs(found.rebuiltAt) === (head.rebuiltAt?.getTime() ?? null);
const toMs = (v: unknown): number | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.getTime() : Number.isFinite(Number(v)) ? Number(v) : Date.parse(String(v));

function rowsOf(state: FoldState, out: FoldOutput) {
  return {
    counts: [...out.counts].filter(([, n]) => n !== 0).map(([key, n]) => ({ ...splitCountKey(key), n })),
    items: [...out.itemsChanged].map((id) => state.items.get(id)).filter((i) => i !== undefined),
    appeals: [...out.appealsChanged].map((id) => state.appeals.get(id)).filter((a) => a !== undefined),
  };
}

const UPSERT_COUNT = `INSERT INTO "ReportCount" ("metric", "platform", "queueId", "day", "k1", "k2", "n") VALUES (?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT ("metric", "platform", "queueId", "day", "k1", "k2") DO UPDATE SET "n" = "n" + excluded."n"`;
const UPSERT_ITEM = `INSERT INTO "ReportItem" ("itemId", "platform", "queueId", "source", "open", "openedAt", "dueAt", "claimedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT ("itemId") DO UPDATE SET "platform" = excluded."platform", "queueId" = excluded."queueId", "source" = excluded."source",
    "open" = excluded."open", "openedAt" = excluded."openedAt", "dueAt" = excluded."dueAt", "claimedAt" = excluded."claimedAt"`;
const UPSERT_APPEAL = `INSERT INTO "ReportAppeal" ("appealId", "platform", "queueId", "ground", "receivedAt") VALUES (?, ?, ?, ?, ?)
  ON CONFLICT ("appealId") DO UPDATE SET "queueId" = excluded."queueId"`;
const INSERT_MISS = `INSERT INTO "ReportMiss" ("seq", "itemId", "day", "platform", "queueId", "source", "dueAt", "decidedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

// One prepared statement per row: on SQLite a row costs microseconds, and the write lock is held only for the writes.
function writeOnSqlite(head: Head, to: number, state: FoldState, out: FoldOutput): Promise<boolean> {
  const { counts, items, appeals } = rowsOf(state, out);
  return sqliteWrite((tx) => {
    if (!sameHead(tx.prepare(`SELECT "seq", "rebuiltAt" FROM "ReportHead" WHERE "id" = 1`).get() as Head | undefined, head)) return false;
    const count = tx.prepare(UPSERT_COUNT);
    for (const c of counts) count.run(c.metric, c.platform, c.queueId, c.day, c.k1, c.k2, c.n);
    const item = tx.prepare(UPSERT_ITEM);
    for (const i of items) item.run(i.itemId, i.platform, i.queueId, i.source, i.open ? 1 : 0, ...[i.openedAt, i.dueAt, i.claimedAt].map(sqliteValue));
    const appeal = tx.prepare(UPSERT_APPEAL);
    for (const a of appeals) appeal.run(a.appealId, a.platform, a.queueId, a.ground, sqliteValue(a.receivedAt));
    const miss = tx.prepare(INSERT_MISS);
    for (const m of out.misses) miss.run(m.seq, m.itemId, m.day, m.platform, m.queueId, m.source, sqliteValue(m.dueAt), sqliteValue(m.decidedAt));
    tx.prepare(`UPDATE "ReportHead" SET "seq" = ? WHERE "id" = 1`).run(to);
    return true;
  });
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const column = <T, V>(rows: T[], pick: (row: T) => V) => rows.map(pick);

// One statement per table whatever the number of rows: the columns travel as arrays and unnest into rows.
function writeOnPostgres(head: Head, to: number, state: FoldState, out: FoldOutput): Promise<boolean> {
  const { counts, items, appeals } = rowsOf(state, out);
  return pgWrite(async (tx) => {
    const [found] = await tx.query<{ seq: number; rebuiltAt: Date | null }>(`SELECT "seq", "rebuiltAt" FROM "ReportHead" WHERE "id" = 1 FOR UPDATE`);
    if (!sameHead(found, head)) return false;
    if (counts.length) {
      await tx.query(
        `INSERT INTO "ReportCount" ("metric", "platform", "queueId", "day", "k1", "k2", "n")
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[])
         ON CONFLICT ("metric", "platform", "queueId", "day", "k1", "k2") DO UPDATE SET "n" = "ReportCount"."n" + excluded."n"`,
        (["metric", "platform", "queueId", "day", "k1", "k2", "n"] as const).map((k) => column(counts, (c) => c[k])),
      );
    }
    if (items.length) {
      await tx.query(
        `INSERT INTO "ReportItem" ("itemId", "platform", "queueId", "source", "open", "openedAt", "dueAt", "claimedAt")
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamp(3)[], $7::timestamp(3)[], $8::timestamp(3)[])
         ON CONFLICT ("itemId") DO UPDATE SET "platform" = excluded."platform", "queueId" = excluded."queueId", "source" = excluded."source",
           "open" = excluded."open", "openedAt" = excluded."openedAt", "dueAt" = excluded."dueAt", "claimedAt" = excluded."claimedAt"`,
        [
          column(items, (i) => i.itemId),
          column(items, (i) => i.platform),
          column(items, (i) => i.queueId),
          column(items, (i) => i.source),
          column(items, (i) => (i.open ? 1 : 0)),
          column(items, (i) => iso(i.openedAt)),
          column(items, (i) => iso(i.dueAt)),
          column(items, (i) => iso(i.claimedAt)),
        ],
      );
    }
    if (appeals.length) {
      await tx.query(
        `INSERT INTO "ReportAppeal" ("appealId", "platform", "queueId", "ground", "receivedAt")
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp(3)[])
         ON CONFLICT ("appealId") DO UPDATE SET "queueId" = excluded."queueId"`,
        [
          column(appeals, (a) => a.appealId),
          column(appeals, (a) => a.platform),
          column(appeals, (a) => a.queueId),
          column(appeals, (a) => a.ground),
          column(appeals, (a) => iso(a.receivedAt)),
        ],
      );
    }
    if (out.misses.length) {
      const m = out.misses;
      await tx.query(
        `INSERT INTO "ReportMiss" ("seq", "itemId", "day", "platform", "queueId", "source", "dueAt", "decidedAt")
         SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamp(3)[], $8::timestamp(3)[])`,
        [
          column(m, (r) => r.seq),
          column(m, (r) => r.itemId),
          column(m, (r) => r.day),
          column(m, (r) => r.platform),
          column(m, (r) => r.queueId),
          column(m, (r) => r.source),
          column(m, (r) => iso(r.dueAt)),
          column(m, (r) => iso(r.decidedAt)),
        ],
      );
    }
    await tx.query(`UPDATE "ReportHead" SET "seq" = $1 WHERE "id" = 1`, [to]);
    return true;
  });
}
