import { dialect, type Tx } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import { appealHours, isRestricting } from "./standing.ts";

/**
 * Locks the appealed item's row for the rest of the transaction (PostgreSQL; SQLite's transaction
 * already holds the write lock): appeals on one item, and a decision of it, take turns.
 */
export async function lockItem(tx: Tx, itemId: string) {
  if (dialect === "postgresql") await tx.$queryRaw`SELECT "id" FROM "Item" WHERE "id" = ${itemId} FOR NO KEY UPDATE`;
}

/** The item's latest decision: the one that stands, and the only one an appeal may contest. */
export function latestDecision(tx: Tx, itemId: string) {
  return tx.decision.findFirst({ where: { itemId }, orderBy: { seq: "desc" }, select: { id: true, action: true, labelKeys: true } });
}

/**
 * When an appeal received at `receivedAt` must be answered: the queue's appeal hours, or the
 * configured default; within two weeks when it contests a removal under a removal order (TCO Art. 10).
 */
export async function appealDueAt(
  tx: Tx,
  appeal: { receivedAt: Date; itemId: string; contestedAction: string },
  queueHours: number | undefined,
): Promise<Date> {
  const underOrder = isRestricting(appeal.contestedAction) && (await tx.flag.count({ where: { itemId: appeal.itemId, source: "removal_order" } })) > 0;
  return new Date(appeal.receivedAt.getTime() + appealHours(queueHours, env.DOCKET_APPEAL_DEADLINE_HOURS, underOrder) * 3_600_000);
}
