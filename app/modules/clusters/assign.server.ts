import type { SqliteTx } from "~/db-direct.server.ts";
import { newId } from "~/modules/ids.ts";
import { strongerSource, type Source } from "~/modules/items/sources.ts";
import { assignClusters, MemoryBandIndex, type NewItem } from "./assign.ts";
import { decodeSignature, type Fingerprint } from "./minhash.ts";

/**
 * Cluster assignment runs under one transaction-scoped advisory lock on PostgreSQL: two processes
 * taking members of one family at once would otherwise each miss the other's uncommitted band rows
 * and start two clusters. Split and merge take it too, before any item row. On SQLite the write
 * transaction is already exclusive.
 */
export const CLUSTER_LOCK_SQL = `SELECT pg_advisory_xact_lock(7240013)`;

/** A band index row as probed, with what is needed to verify the candidate it names. */
export type BandRow = { bandKey: number; clusterId: string; itemId: string; signature: string | null; shingleCount: number | null };
export type ClusterRow = { id: string; size: number; strongestSource: Source; firstDueAt: Date | null };

/** What the probe read: the band rows of this call's keys and the clusters they name. */
export type ClusterReads = { bands: BandRow[]; clusters: Map<string, ClusterRow> };

/**
 * Puts each newcomer, in arrival order, in the cluster of the most similar member its band keys find
 * (stored, or placed earlier in the same call), or in a cluster of its own (assign.ts holds the rule).
 */
export function chooseClusters(newcomers: NewItem[], reads: ClusterReads, threshold: number) {
  const index = new MemoryBandIndex();
  const decoded = new Map<string, Fingerprint | null>();
  for (const b of reads.bands) {
    if (!decoded.has(b.itemId)) {
      decoded.set(b.itemId, b.signature && b.shingleCount ? { signature: decodeSignature(b.signature), shingles: b.shingleCount } : null);
    }
    index.load(Number(b.bandKey), { clusterId: b.clusterId, itemId: b.itemId, fingerprint: decoded.get(b.itemId)! });
  }
  const assigned = new Map(assignClusters(newcomers, index, () => newId(), threshold).map((a) => [a.itemId, a.clusterId]));
  return { assigned, bandRows: index.added };
}

const BAND_COLUMNS = `b."bandKey", b."clusterId", b."itemId", i."signature", i."shingleCount"`;
const CLUSTER_COLUMNS = `"id", "size", "strongestSource", "firstDueAt"`;

// Keys and ids go in as one JSON array, so each read is one statement compiled once, whatever the
// call's size; the members' signatures are read once per member, not once per band row naming it.
export const BANDS_BY_KEY = `SELECT b."bandKey", b."clusterId", b."itemId" FROM json_each(?) j JOIN "ClusterBand" b ON b."bandKey" = j."value"`;
const SIGNATURES_BY_ID = `SELECT "id", "signature", "shingleCount" FROM "Item" WHERE "id" IN (SELECT "value" FROM json_each(?))`;
const CLUSTERS_BY_ID = `SELECT ${CLUSTER_COLUMNS} FROM "Cluster" WHERE "id" IN (SELECT "value" FROM json_each(?))`;

export function readClustersOnSqlite(conn: SqliteTx, keys: number[]): ClusterReads {
  if (keys.length === 0) return { bands: [], clusters: new Map() };
  const rows = conn.prepare(BANDS_BY_KEY).all(JSON.stringify(keys)) as { bandKey: number; clusterId: string; itemId: string }[];
  const members = new Map(
    (
      conn.prepare(SIGNATURES_BY_ID).all(JSON.stringify([...new Set(rows.map((r) => r.itemId))])) as {
        id: string;
        signature: string | null;
        shingleCount: number | null;
      }[]
    ).map((m) => [m.id, m]),
  );
  const bands: BandRow[] = rows.map((r) => ({
    ...r,
    signature: members.get(r.itemId)?.signature ?? null,
    shingleCount: members.get(r.itemId)?.shingleCount ?? null,
  }));
  const clusters = new Map<string, ClusterRow>();
  const found = conn.prepare(CLUSTERS_BY_ID).all(JSON.stringify([...new Set(rows.map((r) => r.clusterId))])) as Record<string, unknown>[];
  for (const r of found) clusters.set(r.id as string, { ...(r as ClusterRow), firstDueAt: r.firstDueAt === null ? null : new Date(Number(r.firstDueAt)) });
  return { bands, clusters };
}

/**
 * The probe as statements for the transaction's first round trip on PostgreSQL (after CLUSTER_LOCK_SQL):
 * the band rows of the keys, and the clusters they name together with those of `knownItemsSql`'s items
 * (one IN over a UNION, so the clusters are read by primary key, never scanned).
 */
export function clusterProbeSql(keys: number[], knownItemsSql: string): string[] {
  const list = `ARRAY[${keys.map((k) => String(k)).join(",")}]::bigint[]`;
  return [
    `SELECT ${BAND_COLUMNS} FROM "ClusterBand" b JOIN "Item" i ON i."id" = b."itemId" WHERE b."bandKey" = ANY(${list})`,
    `SELECT ${CLUSTER_COLUMNS} FROM "Cluster" WHERE "id" IN (SELECT "clusterId" FROM "ClusterBand" WHERE "bandKey" = ANY(${list}) UNION SELECT "clusterId" FROM (${knownItemsSql}) AS known)`,
  ];
}

export function clusterReadsFromPostgres(bands: BandRow[], clusters: ClusterRow[]): ClusterReads {
  return {
    bands: bands.map((b) => ({ ...b, bandKey: Number(b.bandKey) })),
    clusters: new Map(clusters.map((c) => [c.id, c])),
  };
}

/** A cluster's row after this call: its members counted, its strongest source and earliest deadline. */
export type ClusterWrite = { id: string; isNew: boolean; representativeItemId: string; size: number; strongestSource: Source; firstDueAt: Date | null };

export function clusterWrites(
  members: { itemId: string; clusterId: string; source: Source; dueAt: Date | null }[],
  existing: Map<string, ClusterRow>,
): Map<string, ClusterWrite> {
  const out = new Map<string, ClusterWrite>();
  for (const m of members) {
    let w = out.get(m.clusterId);
    if (!w) {
      const row = existing.get(m.clusterId);
      w = row
        ? { id: row.id, isNew: false, representativeItemId: "", size: row.size, strongestSource: row.strongestSource, firstDueAt: row.firstDueAt }
        : { id: m.clusterId, isNew: true, representativeItemId: m.itemId, size: 0, strongestSource: m.source, firstDueAt: null };
      out.set(m.clusterId, w);
    }
    w.size++;
    w.strongestSource = strongerSource(w.strongestSource, m.source);
    if (m.dueAt && (!w.firstDueAt || m.dueAt < w.firstDueAt)) w.firstDueAt = m.dueAt;
  }
  return out;
}
