import { randomUUID } from "node:crypto";
import { db } from "~/db.server.ts";

/**
 * Puts items (ingested through the real intake) into one cluster, as intake places near-duplicates:
 * one Cluster row naming the first as representative, every item's clusterId. Returns the cluster id.
 */
export async function clusterOf(itemIds: string[]): Promise<string> {
  const first = await db.item.findUniqueOrThrow({ where: { id: itemIds[0] }, select: { strongestSource: true, dueAt: true } });
  const id = `cl-${randomUUID()}`;
  await db.cluster.create({
    data: { id, representativeItemId: itemIds[0], size: itemIds.length, strongestSource: first.strongestSource, firstDueAt: first.dueAt },
  });
  for (let i = 0; i < itemIds.length; i += 500) {
    await db.item.updateMany({ where: { id: { in: itemIds.slice(i, i + 500) } }, data: { clusterId: id } });
  }
  return id;
}
