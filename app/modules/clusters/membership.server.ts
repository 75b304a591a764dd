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
 * (the earliest flagged), its strongest source and its members' earliest open deadline.
 */
export async function refreshCluster(tx: Tx, clusterId: string) {
  const members = await tx.item.findMany({
    where: { clusterId },
    select: { id: true, state: true, strongestSource: true, dueAt: true },
    orderBy: [{ firstFlaggedAt: "asc" }, { id: "asc" }],
  });
  const cluster = await tx.cluster.findUniqueOrThrow({ where: { id: clusterId }, select: { representativeItemId: true } });
  const open = members.filter((m) => (OPEN_STATES as readonly string[]).includes(m.state));
  const due = open.map((m) => m.dueAt).filter((d): d is Date => d !== null);
  await tx.cluster.update({
    where: { id: clusterId },
    data: {
      size: members.length,
      ...(members.length > 0 && !members.some((m) => m.id === cluster.representativeItemId) ? { representativeItemId: members[0].id } : {}),
      ...(members.length > 0 ? { strongestSource: strongestOf(members.map((m) => m.strongestSource as Source))! } : {}),
      firstDueAt: due.length > 0 ? new Date(Math.min(...due.map((d) => d.getTime()))) : null,
    },
  });
}
