import { dialect, type Tx } from "~/db.server.ts";
import { OPEN_STATES } from "~/modules/items/lifecycle.ts";
import { strongestOf, type Source } from "~/modules/items/sources.ts";
import { CLUSTER_LOCK_SQL } from "./assign.server.ts";

/**
 * On PostgreSQL, splits and merges take the lock intake takes to place new items, so a newcomer is
 * never joined to a cluster while its members move. (SQLite's one writer serialises them already.)
 */
export async function holdClusterLock(tx: Tx) {
  if (dialect === "postgresql") await tx.$executeRawUnsafe(CLUSTER_LOCK_SQL);
}

/**
 * A cluster's figures after members left it: its size, a representative that is still a member
 * (the earliest flagged), its strongest source and its members' earliest open deadline. Counted in
 * the database: a cluster may hold tens of thousands of members, and this runs under the cluster lock.
 */
export async function refreshCluster(tx: Tx, clusterId: string) {
  const [cluster, size, sources, due] = await Promise.all([
    tx.cluster.findUniqueOrThrow({ where: { id: clusterId }, select: { representativeItemId: true } }),
    tx.item.count({ where: { clusterId } }),
    tx.item.groupBy({ by: ["strongestSource"], where: { clusterId } }),
    tx.item.aggregate({ where: { clusterId, state: { in: [...OPEN_STATES] } }, _min: { dueAt: true } }),
  ]);
  const representativeStays = size > 0 && (await tx.item.count({ where: { id: cluster.representativeItemId, clusterId } })) === 1;
  const earliest =
    size > 0 && !representativeStays
      ? await tx.item.findFirst({ where: { clusterId }, select: { id: true }, orderBy: [{ firstFlaggedAt: "asc" }, { id: "asc" }] })
      : null;
  await tx.cluster.update({
    where: { id: clusterId },
    data: {
      size,
      ...(earliest ? { representativeItemId: earliest.id } : {}),
      ...(sources.length > 0 ? { strongestSource: strongestOf(sources.map((s) => s.strongestSource as Source))! } : {}),
      firstDueAt: due._min.dueAt,
    },
  });
}
