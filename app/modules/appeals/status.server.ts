import { z } from "zod";
import { db } from "~/db.server.ts";
import { APPEAL_OUTCOMES, APPELLANT_ROLES } from "./standing.ts";

/** An appeal's id as it stands in a request path. */
export const AppealId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "appealId is an id from the answer to POST /api/v1/appeals.");

/** What GET /api/v1/appeals/{appealId} answers. */
export const AppealStatusView = z.object({
  appealId: z.string(),
  externalId: z.string().describe("The appeal's id as the platform sent it."),
  state: z.string().describe("open, or decided."),
  outcome: z
    .string()
    .nullable()
    .describe(`Once decided, one of ${APPEAL_OUTCOMES.join(", ")}; null while open.`),
  answer: z.string().nullable().describe("The answer for the appellant once decided; it always names out-of-court dispute settlement (DSA Art. 21)."),
  decidedAt: z.string().datetime().nullable(),
  decisionId: z.string().describe("The contested decision."),
  itemExternalId: z.string(),
  appellantRole: z.string().describe(`One of ${APPELLANT_ROLES.join(", ")}.`),
  receivedAt: z.string().datetime(),
  dueAt: z.string().datetime(),
  newDecisionId: z.string().nullable().describe("The decision that replaced the contested one (overturned or modified), as the decisions feed carries it."),
});

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
  } satisfies z.input<typeof AppealStatusView>;
}
