import { createHash, randomUUID } from "node:crypto";
import { dialect, isUniqueViolation, Prisma, transaction, type Tx } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import { canonicalJson } from "~/modules/audit/chain.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { INITIAL_STATE, TRANSITIONS, canTransition, isOpen } from "~/modules/items/lifecycle.ts";
import { severityForReason } from "~/modules/labels/live.server.ts";
import { strongerSource, type Source } from "~/modules/items/sources.ts";
import { computePriority, deadlineFor, normaliseText, type DeadlineHours } from "~/modules/queue/policy.ts";
import type { FlagRequest } from "./schema.ts";

/** Who is sending flags: a platform's API key, the bulk importer, or demo mode. */
export type IntakeSender = { platform: string; apiKeyId: string | null; actor: Actor };

export type IngestResult = { itemId: string; flagId: string; newItem: boolean; duplicate: boolean };

export function deadlineHours(): DeadlineHours {
  return {
    authority_referral: env.DOCKET_DEADLINE_HOURS_AUTHORITY_REFERRAL,
    trusted_flagger: env.DOCKET_DEADLINE_HOURS_TRUSTED_FLAGGER,
    user_report: env.DOCKET_DEADLINE_HOURS_USER_REPORT,
    automated: env.DOCKET_DEADLINE_HOURS_AUTOMATED,
  };
}

export function contentDigest(content: FlagRequest["content"]): string | null {
  const normalised = normaliseText([content.title, content.body]);
  return normalised ? createHash("sha256").update(normalised).digest("hex") : null;
}

type ItemAcc = {
  id: string;
  isNew: boolean;
  state: string;
  reopen: boolean;
  countsBySource: Record<string, number>;
  countsByReason: Record<string, number>;
  strongestSource: Source;
  dueAt: Date | null;
  flagCount: number;
  reporterCount: number;
  reporters: Set<string>;
  firstFlaggedAt: Date;
  lastFlaggedAt: Date;
  create?: Prisma.ItemCreateManyInput;
};

// Severity only changes when a label set is published; re-reading the live sets for every flag
// would cost more than the rest of a single intake call. A publication reaches priorities within this.
const SEVERITY_TTL_MS = 30_000;
const severityCache = new Map<string, { severity: number; until: number }>();

/**
 * Attaches flags to items in one transaction: new content becomes an item, known content gets the
 * flag counted, and a flag whose externalId was already taken is answered with the earlier ids
 * (idempotent replays write nothing). A batch is recorded as one audit event carrying a digest
 * of its accepted flags, so intake speed is not capped by the audit chain.
 */
export async function ingestFlags(sender: IntakeSender, entries: FlagRequest[], mode: "single" | "batch", refused = 0): Promise<IngestResult[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await transaction((tx) => ingestInTx(tx, sender, entries, mode, refused), { timeout: 60_000 });
    } catch (e) {
      // Two senders creating the same item at once: the loser retries and finds it.
      if (attempt < 3 && isUniqueViolation(e)) continue;
      throw e;
    }
  }
}

async function ingestInTx(tx: Tx, sender: IntakeSender, entries: FlagRequest[], mode: "single" | "batch", refused: number) {
  const now = new Date();
  const { platform } = sender;
  const hours = deadlineHours();

  const flagIds = [...new Set(entries.map((e) => e.flag.externalId).filter((x): x is string => !!x))];
  const knownFlags = new Map<string, { id: string; itemId: string }>();
  for (const part of chunks(flagIds, 500)) {
    for (const f of await tx.flag.findMany({ where: { platform, externalId: { in: part } }, select: { id: true, itemId: true, externalId: true } })) {
      knownFlags.set(f.externalId!, { id: f.id, itemId: f.itemId });
    }
  }

  const itemExternalIds = [...new Set(entries.map((e) => e.content.externalId))];
  if (dialect === "postgresql" && itemExternalIds.length > 0) {
    // Concurrent senders updating the same item's counts must not lose each other's flags.
    await tx.$queryRaw`SELECT "id" FROM "Item" WHERE "platform" = ${platform} AND "externalId" IN (${Prisma.join(itemExternalIds)}) ORDER BY "id" FOR UPDATE`;
  }
  const existing = new Map<string, Awaited<ReturnType<typeof tx.item.findMany>>[number]>();
  for (const part of chunks(itemExternalIds, 500)) {
    for (const it of await tx.item.findMany({ where: { platform, externalId: { in: part } } })) existing.set(it.externalId, it);
  }

  const reporterIds = [...new Set(entries.map((e) => e.flag.reporterId).filter((x): x is string => !!x))];
  const seenReporters = new Set<string>();
  if (existing.size > 0 && reporterIds.length > 0) {
    const existingIds = [...existing.values()].map((i) => i.id);
    for (const part of chunks(existingIds, 500)) {
      const rows = await tx.flag.findMany({
        where: { itemId: { in: part }, reporterId: { in: reporterIds } },
        select: { itemId: true, reporterId: true },
      });
      for (const r of rows) seenReporters.add(`${r.itemId}\u0000${r.reporterId}`);
    }
  }

  const severityOf = async (reason: string) => {
    const hit = severityCache.get(reason);
    if (hit && hit.until > Date.now()) return hit.severity;
    const severity = await severityForReason(reason, tx);
    severityCache.set(reason, { severity, until: Date.now() + SEVERITY_TTL_MS });
    return severity;
  };

  const items = new Map<string, ItemAcc>();
  const newFlags: Prisma.FlagCreateManyInput[] = [];
  const results: IngestResult[] = [];
  const batchFlagIds = new Map<string, IngestResult>();

  for (const entry of entries) {
    const { content, flag } = entry;
    if (flag.externalId) {
      const known = knownFlags.get(flag.externalId);
      if (known) {
        results.push({ itemId: known.itemId, flagId: known.id, newItem: false, duplicate: true });
        continue;
      }
      const earlier = batchFlagIds.get(flag.externalId);
      if (earlier) {
        results.push({ ...earlier, newItem: false, duplicate: true });
        continue;
      }
    }
    const receivedAt = flag.receivedAt ?? now;
    const flagDue = deadlineFor(flag.source, receivedAt, hours);
    let acc = items.get(content.externalId);
    if (!acc) {
      const row = existing.get(content.externalId);
      if (row) {
        acc = {
          id: row.id,
          isNew: false,
          state: row.state,
          reopen: false,
          countsBySource: JSON.parse(row.countsBySource),
          countsByReason: JSON.parse(row.countsByReason),
          strongestSource: row.strongestSource as Source,
          dueAt: row.dueAt,
          flagCount: row.flagCount,
          reporterCount: row.reporterCount,
          reporters: new Set(),
          firstFlaggedAt: row.firstFlaggedAt,
          lastFlaggedAt: row.lastFlaggedAt,
        };
      } else {
        acc = {
          id: randomUUID(),
          isNew: true,
          state: INITIAL_STATE,
          reopen: false,
          countsBySource: {},
          countsByReason: {},
          strongestSource: flag.source,
          dueAt: null,
          flagCount: 0,
          reporterCount: 0,
          reporters: new Set(),
          firstFlaggedAt: receivedAt,
          lastFlaggedAt: receivedAt,
          create: {
            id: "",
            platform,
            externalId: content.externalId,
            type: content.type,
            title: content.title ?? null,
            body: content.body ?? null,
            url: content.url ?? null,
            mediaUrls: JSON.stringify(content.mediaUrls ?? []),
            language: content.language ?? null,
            postedAt: content.postedAt ?? null,
            authorExternalId: content.author?.externalId ?? null,
            authorHandle: content.author?.handle ?? null,
            contentDigest: contentDigest(content),
            strongestSource: flag.source,
            topReason: flag.reason,
            firstFlaggedAt: receivedAt,
            lastFlaggedAt: receivedAt,
            updatedAt: now,
          },
        };
      }
      items.set(content.externalId, acc);
    }
    // A removal order about content already decided puts it back in the queue: the one-hour clock runs.
    if (flag.source === "removal_order" && canTransition("reopenByOrder", acc.state)) {
      acc.state = TRANSITIONS.reopenByOrder.to;
      acc.reopen = true;
      acc.dueAt = null;
    }
    if (isOpen(acc.state) && flagDue && (!acc.dueAt || flagDue < acc.dueAt)) acc.dueAt = flagDue;
    acc.countsBySource[flag.source] = (acc.countsBySource[flag.source] ?? 0) + 1;
    acc.countsByReason[flag.reason] = (acc.countsByReason[flag.reason] ?? 0) + 1;
    acc.strongestSource = acc.flagCount === 0 ? flag.source : strongerSource(acc.strongestSource, flag.source);
    acc.flagCount++;
    const reporterKey = flag.reporterId ? `${acc.id}\u0000${flag.reporterId}` : null;
    if (!reporterKey || (!seenReporters.has(reporterKey) && !acc.reporters.has(reporterKey))) {
      acc.reporterCount++;
      if (reporterKey) acc.reporters.add(reporterKey);
    }
    if (receivedAt < acc.firstFlaggedAt) acc.firstFlaggedAt = receivedAt;
    if (receivedAt > acc.lastFlaggedAt) acc.lastFlaggedAt = receivedAt;

    const flagId = randomUUID();
    newFlags.push({
      id: flagId,
      itemId: acc.id,
      platform,
      externalId: flag.externalId ?? null,
      source: flag.source,
      reason: flag.reason,
      note: flag.note ?? null,
      reporterId: flag.reporterId ?? null,
      reference: flag.reference ?? null,
      receivedAt,
      dueAt: flagDue,
      apiKeyId: sender.apiKeyId,
    });
    const result = { itemId: acc.id, flagId, newItem: acc.isNew && acc.flagCount === 1, duplicate: false };
    if (flag.externalId) batchFlagIds.set(flag.externalId, result);
    results.push(result);
  }

  const creates: Prisma.ItemCreateManyInput[] = [];
  for (const acc of items.values()) {
    const topReason = Object.entries(acc.countsByReason).sort((a, b) => b[1] - a[1])[0][0];
    let severity = 0;
    for (const reason of Object.keys(acc.countsByReason)) severity = Math.max(severity, await severityOf(reason));
    const priority = computePriority({ source: acc.strongestSource, severity, reporters: acc.reporterCount, dueAt: acc.dueAt, now });
    const fields = {
      priority,
      dueAt: acc.dueAt,
      strongestSource: acc.strongestSource,
      topReason,
      flagCount: acc.flagCount,
      reporterCount: acc.reporterCount,
      countsBySource: JSON.stringify(acc.countsBySource),
      countsByReason: JSON.stringify(acc.countsByReason),
      firstFlaggedAt: acc.firstFlaggedAt,
      lastFlaggedAt: acc.lastFlaggedAt,
    };
    if (acc.isNew) creates.push({ ...acc.create!, ...fields, id: acc.id });
    else
      await tx.item.update({
        where: { id: acc.id },
        data: { ...fields, ...(acc.reopen ? { state: TRANSITIONS.reopenByOrder.to, decidedAt: null } : {}) },
      });
  }
  for (const part of chunks(creates, 400)) await insertRows(tx, "Item", ITEM_COLUMNS, part as Record<string, unknown>[]);
  for (const part of chunks(newFlags, 800)) await insertRows(tx, "Flag", FLAG_COLUMNS, part as Record<string, unknown>[]);

  if (newFlags.length > 0) {
    if (mode === "single") {
      const f = newFlags[0];
      await appendAuditEvent(tx, {
        actor: sender.actor,
        action: "flag.received",
        subjectType: "item",
        subjectId: f.itemId,
        payload: {
          flagId: f.id,
          itemId: f.itemId,
          platform,
          contentExternalId: entries[0].content.externalId,
          flagExternalId: f.externalId,
          source: f.source,
          reason: f.reason,
          reference: f.reference,
          receivedAt: f.receivedAt,
          dueAt: f.dueAt,
          newItem: results[0].newItem,
        },
      });
    } else {
      const digest = createHash("sha256")
        .update(
          canonicalJson(
            newFlags.map((f) => ({
              flagId: f.id,
              itemId: f.itemId,
              externalId: f.externalId,
              source: f.source,
              reason: f.reason,
              reference: f.reference,
              receivedAt: f.receivedAt,
            })),
          ),
        )
        .digest("hex");
      await appendAuditEvent(tx, {
        actor: sender.actor,
        action: "flag.batch_received",
        subjectType: sender.apiKeyId ? "api_key" : "intake",
        subjectId: sender.apiKeyId ?? platform,
        payload: {
          platform,
          digest,
          accepted: newFlags.length,
          duplicates: results.filter((r) => r.duplicate).length,
          refused,
          newItems: creates.length,
          removalOrders: newFlags.filter((f) => f.source === "removal_order").length,
        },
      });
    }
  }
  return results;
}

type Column = { name: string; enumType?: string; json?: boolean };
const ITEM_COLUMNS: Column[] = [
  { name: "id" },
  { name: "platform" },
  { name: "externalId" },
  { name: "type" },
  { name: "title" },
  { name: "body" },
  { name: "url" },
  { name: "mediaUrls" },
  { name: "language" },
  { name: "postedAt" },
  { name: "authorExternalId" },
  { name: "authorHandle" },
  { name: "contentDigest" },
  { name: "state", enumType: "ItemState" },
  { name: "priority" },
  { name: "dueAt" },
  { name: "strongestSource", enumType: "FlagSource" },
  { name: "topReason" },
  { name: "flagCount" },
  { name: "reporterCount" },
  { name: "countsBySource" },
  { name: "countsByReason" },
  { name: "firstFlaggedAt" },
  { name: "lastFlaggedAt" },
  { name: "createdAt" },
  { name: "updatedAt" },
];
const FLAG_COLUMNS: Column[] = [
  { name: "id" },
  { name: "itemId" },
  { name: "platform" },
  { name: "externalId" },
  { name: "source", enumType: "FlagSource" },
  { name: "reason" },
  { name: "note" },
  { name: "reporterId" },
  { name: "reference" },
  { name: "receivedAt" },
  { name: "dueAt" },
  { name: "apiKeyId" },
  { name: "createdAt" },
];

/**
 * One multi-row INSERT. Intake writes thousands of rows a second, and the ORM's createMany costs
 * several times more than the statement itself (measured in bench/queue.ts).
 */
async function insertRows(tx: Tx, table: "Item" | "Flag", columns: Column[], rows: Record<string, unknown>[]) {
  if (rows.length === 0) return;
  const now = new Date();
  const params: unknown[] = [];
  const tuples: string[] = [];
  for (const row of rows) {
    const slots: string[] = [];
    for (const c of columns) {
      let v = row[c.name];
      if (v === undefined) v = c.name === "createdAt" || c.name === "updatedAt" ? now : c.name === "state" ? INITIAL_STATE : null;
      params.push(v);
      if (dialect === "postgresql") slots.push(c.enumType ? `CAST($${params.length} AS "${c.enumType}")` : `$${params.length}`);
      else slots.push("?");
    }
    tuples.push(`(${slots.join(",")})`);
  }
  const names = columns.map((c) => `"${c.name}"`).join(", ");
  await tx.$executeRawUnsafe(`INSERT INTO "${table}" (${names}) VALUES ${tuples.join(",")}`, ...params);
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
