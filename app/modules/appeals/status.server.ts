import { db } from "~/db.server.ts";

/**
 * An appeal as its platform sees it: its state and, once decided, the outcome and the answer for the
 * appellant. Null for another platform's appeal, as for a missing one. Nothing about who reviewed it.
 */
export async function appealStatus(platform: string, appealId: string) {
  const a = await db.appeal.findUnique({
    where: { id: appealId },
    select: {
      id: true,
      platform: true,
      externalId: true,
      decisionId: true,
      state: true,
      outcome: true,
      answer: true,
      decidedAt: true,
      receivedAt: true,
      dueAt: true,
      newDecisionId: true,
      appellantRole: true,
      item: { select: { externalId: true } },
    },
  });
  if (!a || a.platform !== platform) return null;
  return {
    appealId: a.id,
    externalId: a.externalId,
    state: a.state,
    outcome: a.outcome,
    answer: a.answer,
    decidedAt: a.decidedAt?.toISOString() ?? null,
    decisionId: a.decisionId,
    itemExternalId: a.item.externalId,
    appellantRole: a.appellantRole,
    receivedAt: a.receivedAt.toISOString(),
    dueAt: a.dueAt.toISOString(),
    // The decision that replaced the contested one (overturned or modified), as the decisions feed carries it.
    newDecisionId: a.newDecisionId,
  };
}
