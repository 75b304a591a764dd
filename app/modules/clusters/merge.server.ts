import { dialect, transaction } from "~/db.server.ts";
import { appendAuditEvent } from "~/modules/audit/writer.server.ts";
import { can } from "~/modules/auth/capabilities.ts";
import type { Decider } from "~/modules/decisions/decide.server.ts";
import { clusterConflict, clusterForbidden, clusterInvalid, clusterNotFound } from "./errors.ts";
import { holdClusterLock, refreshCluster } from "./membership.server.ts";

export type MergeResult = { fromClusterId: string; intoClusterId: string; members: number };

// The band keys of the merged cluster join the other's; a key both already have keeps the other's row.
const MOVE_BANDS =
  dialect === "sqlite"
    ? `INSERT OR IGNORE INTO "ClusterBand" ("bandKey", "clusterId", "itemId") SELECT "bandKey", ?, "itemId" FROM "ClusterBand" WHERE "clusterId" = ?`
    : `INSERT INTO "ClusterBand" ("bandKey", "clusterId", "itemId") SELECT "bandKey", $1, "itemId" FROM "ClusterBand" WHERE "clusterId" = $2 ON CONFLICT DO NOTHING`;

/**
 * A lead merges two clusters intake kept apart: every member of `from` moves to `into`, with its
 * band keys, so later near-duplicates of either join the one cluster. The merged cluster's row stays,
 * empty, naming the cluster it went into.
 */
export async function mergeClusters(user: Decider, input: { fromClusterId: string; intoClusterId: string; reason: string }): Promise<MergeResult> {
  if (!can(user.role, "clusters:merge")) throw clusterForbidden("Only a policy lead can merge clusters.");
  if (input.fromClusterId === input.intoClusterId)
    throw clusterInvalid("Choose another cluster to merge into: a cluster cannot merge into itself.", "intoClusterId");
  return transaction(async (tx) => {
    await holdClusterLock(tx);
    const clusters = await tx.cluster.findMany({ where: { id: { in: [input.fromClusterId, input.intoClusterId] } }, select: { id: true, mergedIntoId: true } });
    const from = clusters.find((c) => c.id === input.fromClusterId);
    const into = clusters.find((c) => c.id === input.intoClusterId);
    if (!from) throw clusterNotFound("The cluster to merge does not exist.");
    if (!into) throw clusterNotFound("The cluster to merge into does not exist.");
    if (from.mergedIntoId || into.mergedIntoId) throw clusterConflict("One of these clusters was already merged into another; open that one instead.");
    const { count: members } = await tx.item.updateMany({ where: { clusterId: from.id }, data: { clusterId: into.id } });
    await tx.$executeRawUnsafe(MOVE_BANDS, into.id, from.id);
    await tx.clusterBand.deleteMany({ where: { clusterId: from.id } });
    await refreshCluster(tx, into.id);
    await tx.cluster.update({ where: { id: from.id }, data: { size: 0, mergedIntoId: into.id } });
    await appendAuditEvent(tx, {
      actor: { kind: "user", id: user.id, email: user.email, role: user.role },
      action: "cluster.merged",
      subjectType: "cluster",
      subjectId: into.id,
      payload: { fromClusterId: from.id, intoClusterId: into.id, members, reason: input.reason },
    });
    return { fromClusterId: from.id, intoClusterId: into.id, members };
  });
}
