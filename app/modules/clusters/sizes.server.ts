import type { db, Tx } from "~/db.server.ts";

/**
 * How many members each of these clusters has: what routing's "copies" condition reads (a cluster of
 * two or more is a copy group), in one read for a batch.
 */
export async function clusterSizes(tx: Tx | typeof db, clusterIds: (string | null)[]): Promise<Map<string, number>> {
  const ids = [...new Set(clusterIds.filter((c): c is string => !!c))];
  if (ids.length === 0) return new Map();
  const rows = await tx.cluster.findMany({ where: { id: { in: ids } }, select: { id: true, size: true } });
  return new Map(rows.map((r) => [r.id, r.size]));
}
