import { currentTime } from "~/modules/clock/clock.ts";
import { createHash } from "node:crypto";
import { dialect, isUniqueViolation, type Prisma } from "~/db.server.ts";
import { literal, pgWrite, type SqliteTx, sqliteValue, sqliteWrite } from "~/db-direct.server.ts";
import { newId } from "~/modules/ids.ts";
import { canonicalJson } from "~/modules/audit/chain.ts";
import { prepareAuditEvent, sealOnPostgresSql, sealOnSqlite, type Actor, type PreparedEvent } from "~/modules/audit/writer.server.ts";
import { ESCALATED_STATE, INITIAL_STATE, TRANSITIONS, canTransition, isOpen } from "~/modules/items/lifecycle.ts";
import { severityLookup } from "~/modules/labels/live.server.ts";
import { strongerSource, type Source } from "~/modules/items/sources.ts";
import { env } from "~/env.server.ts";
import {
  chooseClusters,
  CLUSTER_LOCK_SQL,
  clusterProbeSql,
  clusterReadsFromPostgres,
  clusterWrites,
  readClustersOnSqlite,
  type BandRow,
  type ClusterReads,
  type ClusterRow,
  type ClusterWrite,
} from "~/modules/clusters/assign.server.ts";
import type { NewItem } from "~/modules/clusters/assign.ts";
import { fingerprintOf, type ItemFingerprint } from "~/modules/clusters/fingerprint.ts";
import { encodeSignature } from "~/modules/clusters/minhash.ts";
import { computePriority, deadlineFor, normaliseText } from "~/modules/queue/policy.ts";
import {
  deadlineHoursIn,
  GENERATION_SHARED_SQL,
  routingContextOnPostgres,
  routingContextOnSqlite,
  subjectOf,
  type RoutingContext,
} from "~/modules/routing/live.server.ts";
import { routeItem } from "~/modules/routing/rules.ts";
import type { FlagRequest } from "./schema.ts";

/** Who is sending flags: a platform's API key, the bulk importer, or demo mode. */
export type IntakeSender = { platform: string; apiKeyId: string | null; actor: Actor };

export type IngestResult = { itemId: string; flagId: string; newItem: boolean; duplicate: boolean; clusterId: string | null };

export function contentDigest(content: FlagRequest["content"]): string | null {
  const normalised = normaliseText([content.title, content.body]);
  return normalised ? createHash("sha256").update(normalised).digest("hex") : null;
}

type ItemAcc = {
  id: string;
  isNew: boolean;
  state: string;
  reopen: boolean;
  /** The removal order that reopened the item in this call, for its item.reopened event. */
  reopenedBy: { flagId: string; externalId: string; source: string } | null;
  /** The strongest source before this call (null for a new item): a stronger notice re-routes. */
  sourceBefore: Source | null;
  platform: string;
  type: string;
  language: string | null;
  contentDigest: string | null;
  /** The near-duplicate cluster: read for a known item, chosen by this call for a new one. */
  clusterId: string | null;
  /** A new item's fingerprint, which places it in a cluster. */
  print: ItemFingerprint | null;
  queueId: string | null;
  routedBy: string | null;
  routeNote: string | null;
  assignedToId: string | null;
  assignedAt: Date | null;
  /** The routing version that placed the item in this call, if routing ran for it. */
  routedWith: number | null;
  /** This call's flags on the item, whose deadlines wait for the item's queue. */
  flags: Prisma.FlagCreateManyInput[];
  countsBySource: Record<string, number>;
  countsByReason: Record<string, number>;
  strongestSource: Source;
  dueAt: Date | null;
  flagCount: number;
  reporterCount: number;
  reporters: Set<string>;
  firstFlaggedAt: Date;
  lastFlaggedAt: Date;
  decidedAt: Date | null;
  create?: Prisma.ItemCreateManyInput;
};

// Severity only changes when a label set is published; re-reading the live sets for every call
// would cost more than the rest of a single intake call. A publication reaches priorities within this.
const SEVERITY_TTL_MS = 30_000;
let severityCache: { lookup: (reason: string) => number; until: number } | null = null;
async function severities() {
  if (!severityCache || severityCache.until <= Date.now()) severityCache = { lookup: await severityLookup(), until: Date.now() + SEVERITY_TTL_MS };
  return severityCache.lookup;
}

/** The rows intake reads before it writes: flags already taken, items already known, reporters already counted. */
type IntakeReads = {
  knownFlags: Map<string, { id: string; itemId: string; clusterId: string | null }>;
  existing: Map<string, ExistingItem>;
  seenReporters: Set<string>;
  routing: RoutingContext;
  /** The fingerprints of the contents not known as items (by external id). */
  prints: Prints;
  /** The band rows the new items' keys found, and the clusters they and the known items are in. */
  clusters: ClusterReads;
};
type Prints = Map<string, { digest: string | null; print: ItemFingerprint }>;
type ExistingItem = {
  id: string;
  externalId: string;
  state: string;
  strongestSource: string;
  dueAt: Date | null;
  flagCount: number;
  reporterCount: number;
  countsBySource: string;
  countsByReason: string;
  firstFlaggedAt: Date;
  lastFlaggedAt: Date;
  decidedAt: Date | null;
  platform: string;
  type: string;
  language: string | null;
  contentDigest: string | null;
  clusterId: string | null;
  queueId: string | null;
  routedBy: string | null;
  routeNote: string | null;
  assignedToId: string | null;
  assignedAt: Date | null;
};

/** What one intake call writes, worked out from its reads without touching the database. */
type IntakePlan = {
  results: IngestResult[];
  creates: Prisma.ItemCreateManyInput[];
  updates: { id: string; fields: Record<string, unknown> }[];
  newFlags: Prisma.FlagCreateManyInput[];
  clusters: ClusterWrite[];
  bandRows: { bandKey: number; clusterId: string; itemId: string }[];
  /** The call's flag event, then an item.reopened event for each item a removal order reopened. */
  events: PreparedEvent[];
  now: Date;
};

/**
 * Attaches flags to items in one transaction: new content becomes an item, known content gets the
 * flag counted, and a flag whose externalId was already taken is answered with the earlier ids
 * (idempotent replays write nothing). A batch is recorded as one audit event carrying a digest
 * of its accepted flags, so intake speed is not capped by the audit chain.
 *
 * The transaction runs on the direct connection: synchronously on SQLite; on PostgreSQL it locks
 * the known items, reads, writes the rows and sends the audit event with the COMMIT.
 */
export async function ingestFlags(sender: IntakeSender, entries: FlagRequest[], mode: "single" | "batch", refused = 0): Promise<IngestResult[]> {
  const severityOf = await severities();
  for (let attempt = 0; ; attempt++) {
    try {
      const plan = (reads: IntakeReads) => planIntake(sender, entries, mode, refused, reads, severityOf, currentTime());
      return dialect === "sqlite" ? await ingestOnSqlite(sender, entries, plan) : await ingestOnPostgres(sender, entries, plan);
    } catch (e) {
      // Two senders creating the same item at once: the loser retries and finds it.
      if (attempt < 3 && isUniqueViolation(e)) continue;
      throw e;
    }
  }
}

const flagExternalIds = (entries: FlagRequest[]) => [...new Set(entries.map((e) => e.flag.externalId).filter((x): x is string => !!x))];
const itemExternalIds = (entries: FlagRequest[]) => [...new Set(entries.map((e) => e.content.externalId))];
const reporterIds = (entries: FlagRequest[]) => [...new Set(entries.map((e) => e.flag.reporterId).filter((x): x is string => !!x))];
const EXISTING_COLUMNS = `"id", "externalId", "state", "strongestSource", "dueAt", "flagCount", "reporterCount", "countsBySource", "countsByReason", "firstFlaggedAt", "lastFlaggedAt", "decidedAt", "platform", "type", "language", "contentDigest", "clusterId", "queueId", "routedBy", "routeNote", "assignedToId", "assignedAt"`;
const KNOWN_FLAG_COLUMNS = `f."id", f."itemId", f."externalId", i."clusterId"`;

/**
 * The fingerprint of each content of the call not already known as an item (by external id, the
 * first occurrence's text): what places a new item in a cluster.
 */
function fingerprintsOf(entries: FlagRequest[], known: (externalId: string) => boolean): Prints {
  const out: Prints = new Map();
  for (const { content } of entries) {
    if (out.has(content.externalId) || known(content.externalId)) continue;
    const digest = contentDigest(content);
    // Clustering off: no fingerprint and no keys, so nothing is probed and each item starts its own cluster.
    out.set(content.externalId, { digest, print: env.DOCKET_CLUSTERING ? fingerprintOf([content.title, content.body]) : UNCLUSTERED });
  }
  return out;
}
const UNCLUSTERED: ItemFingerprint = { fingerprint: null, keys: [] };
const keysOf = (prints: Prints) => [...new Set([...prints.values()].flatMap((p) => p.print.keys))];
const UPDATED_COLUMNS = [
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
  "state",
  "decidedAt",
  "queueId",
  "routedBy",
  "routeNote",
  "assignedToId",
  "assignedAt",
  "updatedAt",
] as const;

function ingestOnSqlite(sender: IntakeSender, entries: FlagRequest[], plan: (reads: IntakeReads) => IntakePlan) {
  const toDate = (v: unknown) => (v === null ? null : new Date(Number(v)));
  // Fingerprinting is CPU work on the request's text: done before the write lock, never under it.
  const prints = fingerprintsOf(entries, () => false);
  return sqliteWrite((conn) => {
    const routing = routingContextOnSqlite(conn);
    const reads: IntakeReads = {
      knownFlags: new Map(),
      existing: new Map(),
      seenReporters: new Set(),
      routing,
      prints: new Map(),
      clusters: { bands: [], clusters: new Map() },
    };
    for (const part of chunks(flagExternalIds(entries), 500)) {
      const rows = conn
        .prepare(
          `SELECT ${KNOWN_FLAG_COLUMNS} FROM "Flag" f JOIN "Item" i ON i."id" = f."itemId" WHERE f."platform" = ? AND f."externalId" IN (${part.map(() => "?").join(",")})`,
        )
        .all(sender.platform, ...part) as { id: string; itemId: string; externalId: string; clusterId: string | null }[];
      for (const f of rows) reads.knownFlags.set(f.externalId, { id: f.id, itemId: f.itemId, clusterId: f.clusterId });
    }
    for (const part of chunks(itemExternalIds(entries), 500)) {
      const rows = conn
        .prepare(`SELECT ${EXISTING_COLUMNS} FROM "Item" WHERE "platform" = ? AND "externalId" IN (${part.map(() => "?").join(",")})`)
        .all(sender.platform, ...part) as Record<string, unknown>[];
      for (const r of rows) {
        const it = {
          ...r,
          dueAt: toDate(r.dueAt),
          decidedAt: toDate(r.decidedAt),
          assignedAt: toDate(r.assignedAt),
          firstFlaggedAt: toDate(r.firstFlaggedAt)!,
          lastFlaggedAt: toDate(r.lastFlaggedAt)!,
        } as ExistingItem;
        reads.existing.set(it.externalId, it);
      }
    }
    const reporters = reporterIds(entries);
    if (reads.existing.size > 0 && reporters.length > 0) {
      for (const part of chunks(
        [...reads.existing.values()].map((i) => i.id),
        400,
      )) {
        const rows = conn
          .prepare(
            `SELECT "itemId", "reporterId" FROM "Flag" WHERE "itemId" IN (${part.map(() => "?").join(",")}) AND "reporterId" IN (${reporters.map(() => "?").join(",")})`,
          )
          .all(...part, ...reporters) as { itemId: string; reporterId: string }[];
        for (const r of rows) reads.seenReporters.add(`${r.itemId}\u0000${r.reporterId}`);
      }
    }
    reads.prints = new Map([...prints].filter(([externalId]) => !reads.existing.has(externalId)));
    reads.clusters = readClustersOnSqlite(conn, keysOf(reads.prints));
    const knownClusters = [...new Set([...reads.existing.values()].map((i) => i.clusterId).filter((c): c is string => !!c && !reads.clusters.clusters.has(c)))];
    for (const part of chunks(knownClusters, 500)) {
      const rows = conn
        .prepare(`SELECT "id", "size", "strongestSource", "firstDueAt" FROM "Cluster" WHERE "id" IN (${part.map(() => "?").join(",")})`)
        .all(...part) as (ClusterRow & { firstDueAt: number | null })[];
      for (const r of rows) reads.clusters.clusters.set(r.id, { ...r, firstDueAt: toDate(r.firstDueAt) });
    }
    const { results, creates, updates, newFlags, clusters, bandRows, events, now } = plan(reads);
    const setList = UPDATED_COLUMNS.map((c) => `"${c}" = ?`).join(", ");
    const update = conn.prepare(`UPDATE "Item" SET ${setList} WHERE "id" = ?`);
    for (const u of updates) update.run(...UPDATED_COLUMNS.map((c) => sqliteValue(u.fields[c])), u.id);
    for (const part of chunks(creates, 400)) insertOnSqlite(conn, "Item", ITEM_COLUMNS, part as Record<string, unknown>[]);
    for (const part of chunks(newFlags, 800)) insertOnSqlite(conn, "Flag", FLAG_COLUMNS, part as Record<string, unknown>[]);
    const clusterRows = clusters.filter((c) => c.isNew).map((c) => clusterRow(c, now));
    for (const part of chunks(clusterRows, 400)) insertOnSqlite(conn, "Cluster", CLUSTER_COLUMNS, part);
    const grow = conn.prepare(`UPDATE "Cluster" SET "size" = ?, "strongestSource" = ?, "firstDueAt" = ?, "updatedAt" = ? WHERE "id" = ?`);
    for (const c of clusters) if (!c.isNew) grow.run(c.size, c.strongestSource, sqliteValue(c.firstDueAt), sqliteValue(now), c.id);
    for (const part of chunks(bandRows, 800)) insertOnSqlite(conn, "ClusterBand", BAND_COLUMNS, part, "OR IGNORE");
    if (events.length > 0) sealOnSqlite(conn, events);
    return results;
  });
}

// On PostgreSQL a call is two round trips: the reads go with BEGIN (the known items locked in id
// order, so concurrent senders updating the same items' counts queue instead of losing flags), and
// the writes and the audit event go with the COMMIT.
function ingestOnPostgres(sender: IntakeSender, entries: FlagRequest[], plan: (reads: IntakeReads) => IntakePlan) {
  const platform = literal(sender.platform);
  const items = `SELECT ${EXISTING_COLUMNS} FROM "Item" WHERE "platform" = ${platform} AND "externalId" = ANY(${textArray(itemExternalIds(entries))})`;
  // Every content's fingerprint is probed: which items are known is read in the same round trip.
  const prints = fingerprintsOf(entries, () => false);
  const [bandsSql, clustersSql] = clusterProbeSql(keysOf(prints), items);
  // The cluster lock only when something is to be placed by similarity: a call with no keys joins nothing.
  const reads = [
    GENERATION_SHARED_SQL,
    keysOf(prints).length > 0 ? CLUSTER_LOCK_SQL : "SELECT 1",
    `SELECT ${KNOWN_FLAG_COLUMNS} FROM "Flag" f JOIN "Item" i ON i."id" = f."itemId" WHERE f."platform" = ${platform} AND f."externalId" = ANY(${textArray(flagExternalIds(entries))})`,
    `${items} ORDER BY "id" FOR UPDATE`,
    `SELECT "itemId", "reporterId" FROM "Flag" WHERE "itemId" IN (SELECT "id" FROM (${items}) AS i) AND "reporterId" = ANY(${textArray(reporterIds(entries))})`,
    bandsSql,
    clustersSql,
  ];
  return pgWrite(
    async (tx) => {
      const [, [{ generation }], , flags, rows, reporters, bands, clusterRows] = tx.begun as [
        unknown[],
        { generation: number }[],
        unknown[],
        { id: string; itemId: string; externalId: string; clusterId: string | null }[],
        ExistingItem[],
        { itemId: string; reporterId: string }[],
        BandRow[],
        ClusterRow[],
      ];
      const routing = await routingContextOnPostgres(tx, generation);
      const existing = new Map(rows.map((it) => [it.externalId, it]));
      const { results, creates, updates, newFlags, clusters, bandRows, events, now } = plan({
        knownFlags: new Map(flags.map((f) => [f.externalId, { id: f.id, itemId: f.itemId, clusterId: f.clusterId }])),
        existing,
        seenReporters: new Set(reporters.map((r) => `${r.itemId}\u0000${r.reporterId}`)),
        routing,
        prints,
        clusters: clusterReadsFromPostgres(bands, clusterRows),
      });
      const writes = [
        ...updates.map(
          (u) => `UPDATE "Item" SET ${UPDATED_COLUMNS.map((c) => `"${c}" = ${literalFor(c, u.fields[c])}`).join(", ")} WHERE "id" = ${literal(u.id)}`,
        ),
        ...chunks(creates, 400).map((part) => insertSql("Item", ITEM_COLUMNS, part as Record<string, unknown>[])),
        ...chunks(newFlags, 800).map((part) => insertSql("Flag", FLAG_COLUMNS, part as Record<string, unknown>[])),
        ...chunks(
          clusters.filter((c) => c.isNew).map((c) => clusterRow(c, now)),
          400,
        ).map((part) => insertSql("Cluster", CLUSTER_COLUMNS, part)),
        ...clusters
          .filter((c) => !c.isNew)
          .map(
            (c) =>
              `UPDATE "Cluster" SET "size" = ${c.size}, "strongestSource" = ${literalFor("strongestSource", c.strongestSource)}, "firstDueAt" = ${literal(c.firstDueAt)}, "updatedAt" = ${literal(now)} WHERE "id" = ${literal(c.id)}`,
          ),
        ...chunks(bandRows, 800).map((part) => `${insertSql("ClusterBand", BAND_COLUMNS, part)} ON CONFLICT DO NOTHING`),
      ];
      // The event is sealed first in its message only when there is one; the rows before it do not lock the head.
      if (events.length > 0) await tx.commitWith([...writes, ...events.map(sealOnPostgresSql)].join(";\n"));
      else if (writes.length > 0) await tx.commitWith(writes.join(";\n"));
      return results;
    },
    { begin: reads.join(";\n") },
  );
}

const ENUM_OF: Record<string, string> = { state: "ItemState", strongestSource: "FlagSource", source: "FlagSource" };
const literalFor = (column: string, value: unknown) => (ENUM_OF[column] && value != null ? `CAST(${literal(value)} AS "${ENUM_OF[column]}")` : literal(value));
const textArray = (values: string[]) => `ARRAY[${values.map(literal).join(",")}]::text[]`;

function insertSql(table: Table, columns: Column[], rows: Record<string, unknown>[]) {
  const tuples = rows.map((row) => `(${columns.map((c) => literalFor(c.name, row[c.name] ?? (c.name === "state" ? INITIAL_STATE : null))).join(",")})`);
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) VALUES ${tuples.join(",")}`;
}

function planIntake(
  sender: IntakeSender,
  entries: FlagRequest[],
  mode: "single" | "batch",
  refused: number,
  { knownFlags, existing, seenReporters, routing, prints, clusters }: IntakeReads,
  severityOf: (reason: string) => number,
  now: Date,
): IntakePlan {
  const { platform } = sender;
  const items = new Map<string, ItemAcc>();
  const newFlags: Prisma.FlagCreateManyInput[] = [];
  const results: IngestResult[] = [];
  const batchFlagIds = new Map<string, IngestResult>();
  // A batch is one audit event; its id on each of its flags lets the report rollups count them one by one.
  const batchId = mode === "batch" ? newId() : null;

  for (const entry of entries) {
    const { content, flag } = entry;
    if (flag.externalId) {
      const known = knownFlags.get(flag.externalId);
      if (known) {
        results.push({ itemId: known.itemId, flagId: known.id, newItem: false, duplicate: true, clusterId: known.clusterId });
        continue;
      }
      const earlier = batchFlagIds.get(flag.externalId);
      if (earlier) {
        results.push({ ...earlier, newItem: false, duplicate: true });
        continue;
      }
    }
    const receivedAt = flag.receivedAt ?? now;
    let acc = items.get(content.externalId);
    if (!acc) {
      const row = existing.get(content.externalId);
      acc = row ? existingAcc(row) : newAcc(platform, content, prints.get(content.externalId)!, flag.source, receivedAt, now);
      items.set(content.externalId, acc);
    }
    // A removal order about content already decided puts it back in the queue: the one-hour clock runs.
    const reopens = flag.source === "removal_order" && canTransition("reopenByOrder", acc.state);
    if (reopens) {
      acc.state = TRANSITIONS.reopenByOrder.to;
      acc.reopen = true;
      acc.dueAt = null;
    }
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

    const flagId = newId();
    if (reopens) acc.reopenedBy = { flagId, externalId: content.externalId, source: flag.source };
    const row: Prisma.FlagCreateManyInput = {
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
      dueAt: null,
      apiKeyId: sender.apiKeyId,
      createdAt: now,
      batchId,
      newItem: acc.isNew && acc.flagCount === 1,
    };
    newFlags.push(row);
    acc.flags.push(row);
    const result: IngestResult = { itemId: acc.id, flagId, newItem: acc.isNew && acc.flagCount === 1, duplicate: false, clusterId: acc.clusterId };
    if (flag.externalId) batchFlagIds.set(flag.externalId, result);
    results.push(result);
  }

  // New items join the cluster of their nearest near-duplicate (or start one) before routing, which
  // sees the cluster: its size decides the "copies" condition, and with its strongest source it
  // raises every member's priority.
  const fresh = [...items.values()].filter((a) => a.isNew);
  const newcomers: NewItem[] = fresh.map((a) => ({ itemId: a.id, fp: a.print! }));
  const { assigned, bandRows } = chooseClusters(newcomers, clusters, env.DOCKET_CLUSTER_THRESHOLD);
  for (const acc of fresh) acc.clusterId = assigned.get(acc.id)!;
  const joined = clusterWrites(
    fresh.map((a) => ({ itemId: a.id, clusterId: a.clusterId!, source: a.strongestSource, dueAt: null })),
    clusters.clusters,
  );
  const clusterOf = (acc: ItemAcc) => (acc.clusterId ? (joined.get(acc.clusterId) ?? clusters.clusters.get(acc.clusterId)) : undefined);

  const creates: Prisma.ItemCreateManyInput[] = [];
  const updates: IntakePlan["updates"] = [];
  for (const acc of items.values()) {
    const cluster = clusterOf(acc);
    if (needsRouting(acc)) {
      const stage = acc.state === ESCALATED_STATE ? "escalation" : "review";
      const route = routeItem(
        routing.version,
        routing.queues,
        subjectOf({ ...acc, countsByReason: acc.countsByReason }, stage, routing, (cluster?.size ?? 1) >= 2),
      );
      if (route.queueId !== acc.queueId) {
        acc.assignedToId = null;
        acc.assignedAt = null;
      }
      acc.queueId = route.queueId;
      acc.routedBy = route.routedBy;
      acc.routeNote = route.note;
      acc.routedWith = routing.version?.number ?? null;
    }
    // Deadlines follow the queue the item is in: each queue may set its own hours per source.
    const hours = deadlineHoursIn(routing, acc.queueId);
    for (const f of acc.flags) {
      f.queueId = acc.queueId;
      f.dueAt = deadlineFor(f.source, f.receivedAt as Date, hours);
      if (isOpen(acc.state) && f.dueAt && (!acc.dueAt || f.dueAt < acc.dueAt)) acc.dueAt = f.dueAt;
    }
    const topReason = Object.entries(acc.countsByReason).sort((a, b) => b[1] - a[1])[0][0];
    const severity = Math.max(0, ...Object.keys(acc.countsByReason).map(severityOf));
    const priority = computePriority({
      source: cluster ? strongerSource(acc.strongestSource, cluster.strongestSource) : acc.strongestSource,
      severity,
      reporters: acc.reporterCount,
      clusterSize: cluster?.size,
      dueAt: acc.dueAt,
      now,
    });
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
      queueId: acc.queueId,
      routedBy: acc.routedBy,
      routeNote: acc.routeNote,
    };
    if (acc.isNew) {
      const fingerprint = acc.print?.fingerprint ?? null;
      creates.push({
        ...acc.create!,
        ...fields,
        id: acc.id,
        clusterId: acc.clusterId,
        signature: fingerprint ? encodeSignature(fingerprint.signature) : null,
        shingleCount: fingerprint?.shingles ?? null,
      });
    } else {
      updates.push({
        id: acc.id,
        fields: {
          ...fields,
          state: acc.state,
          decidedAt: acc.reopen ? null : acc.decidedAt,
          assignedToId: acc.assignedToId,
          assignedAt: acc.assignedAt,
          updatedAt: now,
        },
      });
    }
  }
  const itemsById = new Map([...items.values()].map((a) => [a.id, a]));
  for (const r of results) if (!r.duplicate) r.clusterId = itemsById.get(r.itemId)?.clusterId ?? null;
  const finalClusters = clusterWrites(
    fresh.map((a) => ({ itemId: a.id, clusterId: a.clusterId!, source: a.strongestSource, dueAt: a.dueAt })),
    clusters.clusters,
  );
  return {
    results,
    creates,
    updates,
    newFlags,
    clusters: [...finalClusters.values()],
    bandRows,
    events:
      newFlags.length > 0 ? [intakeEvent(sender, entries, mode, refused, newFlags, results, creates.length, items), ...reopenedEvents(sender, items)] : [],
    now,
  };
}

/**
 * Intake routes a new or reopened item, an open item still waiting unrouted, and a pending item a
 * stronger notice just reached (a removal order for a user-reported item belongs with the on-call
 * team). Otherwise an item stays where routing or a lead put it.
 */
function needsRouting(acc: ItemAcc): boolean {
  if (acc.isNew || acc.reopen) return true;
  if (!isOpen(acc.state)) return false;
  if (acc.queueId === null) return true;
  return acc.state !== ESCALATED_STATE && acc.sourceBefore !== acc.strongestSource;
}

function existingAcc(row: ExistingItem): ItemAcc {
  return {
    id: row.id,
    isNew: false,
    state: row.state,
    reopen: false,
    reopenedBy: null,
    sourceBefore: row.strongestSource as Source,
    platform: row.platform,
    type: row.type,
    language: row.language,
    contentDigest: row.contentDigest,
    clusterId: row.clusterId,
    print: null,
    queueId: row.queueId,
    routedBy: row.routedBy,
    routeNote: row.routeNote,
    assignedToId: row.assignedToId,
    assignedAt: row.assignedAt,
    routedWith: null,
    flags: [],
    countsBySource: JSON.parse(row.countsBySource),
    countsByReason: JSON.parse(row.countsByReason),
    strongestSource: row.strongestSource as Source,
    dueAt: row.dueAt,
    flagCount: row.flagCount,
    reporterCount: row.reporterCount,
    reporters: new Set(),
    firstFlaggedAt: row.firstFlaggedAt,
    lastFlaggedAt: row.lastFlaggedAt,
    decidedAt: row.decidedAt,
  };
}

function newAcc(
  platform: string,
  content: FlagRequest["content"],
  { digest, print }: { digest: string | null; print: ItemFingerprint },
  source: Source,
  receivedAt: Date,
  now: Date,
): ItemAcc {
  return {
    id: newId(),
    isNew: true,
    state: INITIAL_STATE,
    reopen: false,
    reopenedBy: null,
    sourceBefore: null,
    platform,
    type: content.type,
    language: content.language ?? null,
    contentDigest: digest,
    clusterId: null,
    print,
    queueId: null,
    routedBy: null,
    routeNote: null,
    assignedToId: null,
    assignedAt: null,
    routedWith: null,
    flags: [],
    countsBySource: {},
    countsByReason: {},
    strongestSource: source,
    dueAt: null,
    flagCount: 0,
    reporterCount: 0,
    reporters: new Set(),
    firstFlaggedAt: receivedAt,
    lastFlaggedAt: receivedAt,
    decidedAt: null,
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
      contentDigest: digest,
      strongestSource: source,
      topReason: "",
      firstFlaggedAt: receivedAt,
      lastFlaggedAt: receivedAt,
      createdAt: now,
      updatedAt: now,
    },
  };
}

function reopenedEvents(sender: IntakeSender, items: Map<string, ItemAcc>): PreparedEvent[] {
  return [...items.values()]
    .filter((acc) => acc.reopenedBy)
    .map((acc) =>
      prepareAuditEvent({
        actor: sender.actor,
        action: "item.reopened",
        subjectType: "item",
        subjectId: acc.id,
        payload: {
          itemId: acc.id,
          externalId: acc.reopenedBy!.externalId,
          platform: sender.platform,
          flagId: acc.reopenedBy!.flagId,
          source: acc.reopenedBy!.source,
          dueAt: acc.dueAt,
          queueId: acc.queueId,
        },
      }),
    );
}

function intakeEvent(
  sender: IntakeSender,
  entries: FlagRequest[],
  mode: "single" | "batch",
  refused: number,
  newFlags: Prisma.FlagCreateManyInput[],
  results: IngestResult[],
  newItems: number,
  items: Map<string, ItemAcc>,
): PreparedEvent {
  const { platform } = sender;
  if (mode === "single") {
    const f = newFlags[0];
    const item = items.get(entries[0].content.externalId);
    return prepareAuditEvent({
      actor: sender.actor,
      action: "flag.received",
      subjectType: "item",
      subjectId: f.itemId,
      payload: {
        flagId: f.id!,
        itemId: f.itemId,
        platform,
        contentExternalId: entries[0].content.externalId,
        flagExternalId: f.externalId ?? null,
        source: f.source,
        reason: f.reason,
        reference: f.reference ?? null,
        receivedAt: f.receivedAt,
        dueAt: f.dueAt ?? null,
        newItem: results[0].newItem,
        clusterId: item?.clusterId ?? null,
        queueId: item?.queueId ?? null,
        routingVersion: item?.routedWith ?? null,
      },
    });
  }
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
  return prepareAuditEvent({
    actor: sender.actor,
    action: "flag.batch_received",
    subjectType: sender.apiKeyId ? "api_key" : "intake",
    subjectId: sender.apiKeyId ?? platform,
    payload: {
      platform,
      digest,
      batchId: newFlags[0].batchId!,
      accepted: newFlags.length,
      duplicates: results.filter((r) => r.duplicate).length,
      refused,
      newItems,
      removalOrders: newFlags.filter((f) => f.source === "removal_order").length,
    },
  });
}

type Column = { name: string; enumType?: string };
type Table = "Item" | "Flag" | "Cluster" | "ClusterBand";
const CLUSTER_COLUMNS: Column[] = [
  { name: "id" },
  { name: "representativeItemId" },
  { name: "size" },
  { name: "strongestSource" },
  { name: "firstDueAt" },
  { name: "createdAt" },
  { name: "updatedAt" },
];
const BAND_COLUMNS: Column[] = [{ name: "bandKey" }, { name: "clusterId" }, { name: "itemId" }];
const clusterRow = (c: ClusterWrite, now: Date): Record<string, unknown> => ({ ...c, createdAt: now, updatedAt: now });
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
  { name: "clusterId" },
  { name: "signature" },
  { name: "shingleCount" },
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
  { name: "queueId" },
  { name: "routedBy" },
  { name: "routeNote" },
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
  { name: "batchId" },
  { name: "queueId" },
  { name: "newItem" },
];

// One multi-row INSERT per chunk: intake writes thousands of rows a second, and the ORM's
// createMany costs several times more than the statement itself (measured in bench/queue.ts).
function insertOnSqlite(conn: SqliteTx, table: Table, columns: Column[], rows: Record<string, unknown>[], or = "") {
  if (rows.length === 0) return;
  const tuple = `(${columns.map(() => "?").join(",")})`;
  const params = rows.flatMap((row) => columns.map((c) => sqliteValue(row[c.name] ?? (c.name === "state" ? INITIAL_STATE : null))));
  conn.prepare(`INSERT ${or} INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) VALUES ${rows.map(() => tuple).join(",")}`).run(...params);
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
