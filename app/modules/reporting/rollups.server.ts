// Keeping the report rollups up to date: the audit log folded from a head that only moves forward,
// in the same transaction that writes the counts and moves the head (as the webhook fan-out does),
// so whichever process runs it, and whenever the one before died, every event is counted once.
// See docs/decisions/046-report-rollups.md.
import { db, dialect, Prisma, transaction, type Tx } from "~/db.server.ts";
import { parseAuditPayload } from "~/modules/audit/events.ts";
import { currentTime } from "~/modules/clock/clock.ts";
import { isOpen } from "~/modules/items/lifecycle.ts";
import { FOLDED_ACTIONS, foldEvents, splitCountKey, type BatchFlag, type FoldEvent, type FoldState, type FoldOutput } from "./fold.ts";

/** Audit events read per transaction. */
export const FOLD_BATCH = 5000;

export async function rollupLag(): Promise<{ head: number; audit: number }> {
  const [head, audit] = await Promise.all([db.reportHead.findUnique({ where: { id: 1 } }), db.auditHead.findUnique({ where: { id: 1 } })]);
  return { head: head?.seq ?? 0, audit: audit?.seq ?? 0 };
}

/**
 * Folds the next run of audit events into the rollups. Answers how many events it read and whether
 * more remain. A second process arriving meanwhile waits for the head row, then finds the run done.
 */
export async function foldOnce(batch = FOLD_BATCH): Promise<{ events: number; more: boolean }> {
  const seen = await rollupLag();
  if (seen.audit <= seen.head) return { events: 0, more: false };
  return transaction(
    async (tx) => {
      const lock = dialect === "postgresql" ? Prisma.sql`FOR UPDATE` : Prisma.empty;
      const [head] = await tx.$queryRaw<{ seq: number | bigint }[]>`SELECT "seq" FROM "ReportHead" WHERE "id" = 1 ${lock}`;
      if (!head) throw new Error("the report head row is missing");
      const from = Number(head.seq);
      // Every event up to the committed audit head is committed (sequence order is commit order).
      const audit = (await tx.auditHead.findUniqueOrThrow({ where: { id: 1 } })).seq;
      if (audit <= from) return { events: 0, more: false };
      const rows = await tx.auditEvent.findMany({
        where: { seq: { gt: from, lte: audit }, action: { in: [...FOLDED_ACTIONS] } },
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
      const state = await loadState(tx, events);
      const out = foldEvents(events, state);
      await writeOutput(tx, state, out);
      await tx.reportHead.update({ where: { id: 1 }, data: { seq: to } });
      return { events: rows.length, more: full };
    },
    { timeout: 120_000 },
  );
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
    const lock = dialect === "postgresql" ? Prisma.sql`FOR UPDATE` : Prisma.empty;
    await tx.$queryRaw`SELECT "seq" FROM "ReportHead" WHERE "id" = 1 ${lock}`;
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

/** The fold's state for these events: their items and appeals as last left, the decisions they name, the batches' flags. */
async function loadState(tx: Tx, events: FoldEvent[]): Promise<FoldState> {
  const itemIds = new Set<string>();
  const appealIds = new Set<string>();
  const decisionIds = new Set<string>();
  const batchIds = new Set<string>();
  for (const { action, payload: p } of events) {
    if (typeof p.itemId === "string") itemIds.add(p.itemId);
    if (typeof p.appealId === "string") appealIds.add(p.appealId);
    if (action === "decision.made" && typeof p.supersedes === "string") decisionIds.add(p.supersedes);
    if (action === "quality.reviewed" && typeof p.decisionId === "string") decisionIds.add(p.decisionId);
    if (action === "flag.batch_received" && typeof p.batchId === "string") batchIds.add(p.batchId);
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
  for (const part of chunks([...itemIds], 500)) {
    for (const r of await tx.reportItem.findMany({ where: { itemId: { in: part } } })) state.items.set(r.itemId, { ...r, open: r.open === 1 });
  }
  // Items the log never introduced (rows written before the log knew of them): their current row is the best account.
  const unknown = events
    .filter((e) => e.action !== "flag.received" && e.action !== "flag.batch_received" && typeof e.payload.itemId === "string")
    .map((e) => e.payload.itemId as string)
    .filter((id, i, all) => !state.items.has(id) && all.indexOf(id) === i && !isIntroduced(id, state, events));
  for (const part of chunks(unknown, 500)) {
    const rows = await tx.item.findMany({
      where: { id: { in: part } },
      select: { id: true, platform: true, queueId: true, strongestSource: true, state: true, firstFlaggedAt: true, dueAt: true },
    });
    for (const r of rows) {
      state.items.set(r.id, {
        itemId: r.id,
        platform: r.platform,
        queueId: r.queueId ?? "",
        source: String(r.strongestSource),
        open: true,
        openedAt: r.firstFlaggedAt,
        dueAt: isOpen(String(r.state)) ? r.dueAt : null,
        claimedAt: null,
      });
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
  return state;
}

function isIntroduced(itemId: string, state: FoldState, events: FoldEvent[]): boolean {
  for (const e of events) {
    if (e.action === "flag.received" && e.payload.itemId === itemId) return true;
    if (e.action === "flag.batch_received" && typeof e.payload.batchId === "string" && state.batches.get(e.payload.batchId)?.some((f) => f.itemId === itemId)) {
      return true;
    }
  }
  return false;
}

async function writeOutput(tx: Tx, state: FoldState, out: FoldOutput): Promise<void> {
  const counts = [...out.counts].filter(([, n]) => n !== 0);
  for (const part of chunks(counts, 500)) {
    const values = part.map(([key, n]) => {
      const c = splitCountKey(key);
      return Prisma.sql`(${c.metric}, ${c.day}, ${c.platform}, ${c.queueId}, ${c.k1}, ${c.k2}, ${n})`;
    });
    await tx.$executeRaw`
      INSERT INTO "ReportCount" ("metric", "day", "platform", "queueId", "k1", "k2", "n") VALUES ${Prisma.join(values)}
      ON CONFLICT ("metric", "day", "platform", "queueId", "k1", "k2") DO UPDATE SET "n" = "ReportCount"."n" + excluded."n"`;
  }
  const items = [...out.itemsChanged].map((id) => state.items.get(id)!).filter(Boolean);
  for (const part of chunks(items, 500)) {
    const values = part.map(
      (i) => Prisma.sql`(${i.itemId}, ${i.platform}, ${i.queueId}, ${i.source}, ${i.open ? 1 : 0}, ${i.openedAt}, ${i.dueAt}, ${i.claimedAt})`,
    );
    await tx.$executeRaw`
      INSERT INTO "ReportItem" ("itemId", "platform", "queueId", "source", "open", "openedAt", "dueAt", "claimedAt") VALUES ${Prisma.join(values)}
      ON CONFLICT ("itemId") DO UPDATE SET "platform" = excluded."platform", "queueId" = excluded."queueId", "source" = excluded."source",
        "open" = excluded."open", "openedAt" = excluded."openedAt", "dueAt" = excluded."dueAt", "claimedAt" = excluded."claimedAt"`;
  }
  const appeals = [...out.appealsChanged].map((id) => state.appeals.get(id)!).filter(Boolean);
  for (const part of chunks(appeals, 500)) {
    const values = part.map((a) => Prisma.sql`(${a.appealId}, ${a.platform}, ${a.queueId}, ${a.ground}, ${a.receivedAt})`);
    await tx.$executeRaw`
      INSERT INTO "ReportAppeal" ("appealId", "platform", "queueId", "ground", "receivedAt") VALUES ${Prisma.join(values)}
      ON CONFLICT ("appealId") DO UPDATE SET "queueId" = excluded."queueId"`;
  }
  if (out.misses.length) await tx.reportMiss.createMany({ data: out.misses });
}
