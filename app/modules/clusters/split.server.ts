import { currentTime } from "~/modules/clock/clock.ts";
import { transaction } from "~/db.server.ts";
import { appendAuditEvent } from "~/modules/audit/writer.server.ts";
import { can } from "~/modules/auth/capabilities.ts";
import type { Decider } from "~/modules/decisions/decide.server.ts";
import { newId } from "~/modules/ids.ts";
import { clusterConflict, clusterForbidden, clusterNotFound } from "./errors.ts";
import { fingerprintOf } from "./fingerprint.ts";
import { holdClusterLock, refreshCluster } from "./membership.server.ts";

export type SplitResult = { itemId: string; fromClusterId: string; toClusterId: string };

/**
 * Splits a member that does not belong (a news report quoting the propaganda) out of its cluster
 * into a new cluster of its own, with every band key of its text, so later near-duplicates of it join
 * it there; the band rows it brought to the old cluster are handed to the oldest remaining member, so
 * the old cluster keeps being found by the family's next copies. Intake places only new items, so the
 * member is never joined back automatically. `clusterId` (the cluster page) or `besideItemId` (the
 * item on the review screen) names the cluster the person saw the member in: a member that is not
 * in it (any more) is refused.
 */
export async function splitMember(user: Decider, input: { itemId: string; reason: string; clusterId?: string; besideItemId?: string }): Promise<SplitResult> {
  if (!can(user.role, "clusters:decide")) throw clusterForbidden("Only moderators and policy leads can split a member out of its cluster.");
  return transaction(async (tx) => {
    await holdClusterLock(tx);
    const item = await tx.item.findUnique({
      where: { id: input.itemId },
      select: { id: true, clusterId: true, strongestSource: true, dueAt: true, title: true, body: true },
    });
    if (!item) throw clusterNotFound("That item does not exist.");
    const seenIn = input.besideItemId
      ? ((await tx.item.findUnique({ where: { id: input.besideItemId }, select: { clusterId: true } }))?.clusterId ?? null)
      : input.clusterId;
    if (seenIn !== undefined && item.clusterId !== seenIn) throw clusterConflict("That item is not in this cluster (any more): reload the page.");
    const fromClusterId = item.clusterId;
    const others = fromClusterId ? await tx.item.count({ where: { clusterId: fromClusterId, id: { not: item.id } } }) : 0;
    if (!fromClusterId || others === 0) throw clusterConflict("This item is already alone in its cluster: there is nothing to split it from.");
    const toClusterId = newId();
    const now = currentTime();
    await tx.cluster.create({
      data: { id: toClusterId, representativeItemId: item.id, size: 1, strongestSource: item.strongestSource, firstDueAt: item.dueAt, createdAt: now },
    });
    await tx.item.update({ where: { id: item.id }, data: { clusterId: toClusterId } });
    const heir = await tx.item.findFirstOrThrow({
      where: { clusterId: fromClusterId },
      orderBy: [{ firstFlaggedAt: "asc" }, { id: "asc" }],
      select: { id: true },
    });
    await tx.clusterBand.updateMany({ where: { clusterId: fromClusterId, itemId: item.id }, data: { itemId: heir.id } });
    const { keys } = fingerprintOf([item.title, item.body]);
    if (keys.length > 0) await tx.clusterBand.createMany({ data: keys.map((k) => ({ bandKey: BigInt(k), clusterId: toClusterId, itemId: item.id })) });
    await refreshCluster(tx, fromClusterId);
    await appendAuditEvent(tx, {
      actor: { kind: "user", id: user.id, email: user.email, role: user.role },
      action: "cluster.member_split",
      subjectType: "cluster",
      subjectId: fromClusterId,
      payload: { itemId: item.id, fromClusterId, toClusterId, reason: input.reason },
    });
    return { itemId: item.id, fromClusterId, toClusterId };
  });
}
