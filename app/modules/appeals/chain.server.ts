import { db } from "~/db.server.ts";

/**
 * Where a decision stands in its chain: the decision it replaced, the appeals against it with their
 * outcomes, and the decision that replaced it. What the auditor's decision page and the item's
 * history show, so an appeal can be followed from receipt to the decision it produced.
 */
export async function decisionChain(decisionId: string) {
  const d = await db.decision.findUnique({
    where: { id: decisionId },
    select: {
      supersedesId: true,
      appealId: true,
      appeals: {
        orderBy: { receivedAt: "asc" },
        select: {
          id: true,
          appellantRole: true,
          channel: true,
          state: true,
          outcome: true,
          receivedAt: true,
          dueAt: true,
          decidedAt: true,
          newDecisionId: true,
        },
      },
    },
  });
  if (!d) return null;
  const link = { id: true, action: true, createdAt: true, labelKeys: true, appealId: true } as const;
  const [supersedes, supersededBy] = await Promise.all([
    d.supersedesId ? db.decision.findUnique({ where: { id: d.supersedesId }, select: link }) : null,
    db.decision.findUnique({ where: { supersedesId: decisionId }, select: link }),
  ]);
  const shape = (x: typeof supersedes) => (x ? { ...x, labelKeys: JSON.parse(x.labelKeys) as string[] } : null);
  return { supersedes: shape(supersedes), madeOnAppealId: d.appealId, appeals: d.appeals, supersededBy: shape(supersededBy) };
}

export type DecisionChain = NonNullable<Awaited<ReturnType<typeof decisionChain>>>;

/** Every appeal about an item, oldest first, for its history. */
export function itemAppeals(itemId: string) {
  return db.appeal.findMany({
    where: { itemId },
    orderBy: { receivedAt: "asc" },
    select: { id: true, decisionId: true, appellantRole: true, state: true, outcome: true, receivedAt: true, decidedAt: true, newDecisionId: true },
  });
}
