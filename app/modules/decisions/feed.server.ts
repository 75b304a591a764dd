import { z } from "zod";
import { db, type Prisma } from "~/db.server.ts";
import { MAX_SEQ } from "~/modules/audit/limits.ts";
import { ACTIONS } from "./actions.ts";

export const FeedQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,10}$/, "after must be a cursor from an earlier nextCursor (a whole number).")
    .optional()
    .transform((v) => (v === undefined ? 0 : Number(v)))
    .refine((v) => v <= MAX_SEQ, "after is beyond any cursor Docket hands out.")
    .describe("The nextCursor of the previous page; omit it to read from the first decision."),
  limit: z.coerce
    .number({ invalid_type_error: "limit must be a number." })
    .int("limit must be a whole number.")
    .min(1, "limit must be at least 1.")
    .max(1000, "limit may be at most 1000.")
    .default(100)
    .describe("How many decisions to answer at most."),
});

/** What a platform reads of each decision: the feed and the item status select and shape it alike. */
export const feedDecisionSelect = {
  id: true,
  seq: true,
  action: true,
  labelKeys: true,
  createdAt: true,
  copyOfDecisionId: true,
  byLead: true,
  supersedesId: true,
  appealId: true,
  item: { select: { id: true, externalId: true } },
  version: { select: { id: true, number: true, labelSet: { select: { key: true } } } },
} satisfies Prisma.DecisionSelect;

type FeedDecisionRow = Prisma.DecisionGetPayload<{ select: typeof feedDecisionSelect }>;

/** One decision as a platform reads it: in the feed, in an item's status, and as the data of a decision.made webhook event. */
export const FeedDecision = z.object({
  id: z.string().describe("The decision's id; an appeal names the contested decision by it."),
  cursor: z.string().describe("This decision's position in the feed: pass it as `after` to read what came after it."),
  itemId: z.string(),
  externalId: z.string().describe("The item's externalId as the platform sent it."),
  action: z.string().describe(`What was decided: one of ${ACTIONS.join(", ")}.`),
  labelKeys: z.array(z.string()).describe("The keys of the labels applied."),
  labelSet: z
    .object({ key: z.string(), versionId: z.string(), version: z.number().int() })
    .nullable()
    .describe("The label set and the version the decision was made under."),
  versionId: z.string().nullable(),
  byLead: z.boolean().describe("Whether a policy lead made the decision (an escalation's answer)."),
  copyOf: z.string().nullable().describe("The decision this one copies (a cluster decision applied to a member), or null."),
  supersedes: z.string().nullable().describe("Null, or the id of the decision this one replaced (appeal overturn, quality correction)."),
  appealId: z.string().nullable().describe("The appeal this decision answered, or null."),
  decidedAt: z.string().datetime(),
});

export function feedDecision(d: FeedDecisionRow) {
  return {
    id: d.id,
    cursor: String(d.seq),
    itemId: d.item.id,
    externalId: d.item.externalId,
    action: d.action,
    labelKeys: JSON.parse(d.labelKeys) as string[],
    labelSet: d.version ? { key: d.version.labelSet.key, versionId: d.version.id, version: d.version.number } : null,
    versionId: d.version?.id ?? null,
    byLead: d.byLead,
    copyOf: d.copyOfDecisionId,
    // The decision this one replaced (an appeal's overturn or modification): the platform undoes or changes what it did.
    supersedes: d.supersedesId,
    appealId: d.appealId,
    decidedAt: d.createdAt.toISOString(),
  } satisfies z.input<typeof FeedDecision>;
}

export type FeedDecision = ReturnType<typeof feedDecision>;

export const DecisionFeedPage = z.object({
  decisions: z.array(FeedDecision).describe("Decisions in commit order, at most `limit`."),
  nextCursor: z.string().describe("Pass as `after` next time; the same cursor when nothing new was decided."),
});

/**
 * Decisions on one platform's items in commit order. The cursor is the audit sequence number of
 * each decision's event, so a reader who resumes after the last cursor it saw misses nothing.
 */
export async function decisionFeed(platform: string, after: number, limit: number) {
  const rows = await db.decision.findMany({
    where: { seq: { gt: after }, item: { platform } },
    orderBy: { seq: "asc" },
    take: limit,
    select: feedDecisionSelect,
  });
  const decisions = rows.map(feedDecision);
  const nextCursor = rows.length > 0 ? String(rows[rows.length - 1].seq) : String(after);
  return { decisions, nextCursor } satisfies z.input<typeof DecisionFeedPage>;
}

/** Earlier decisions on an item and on its author, for the review screen. */
export async function decisionHistory(item: { id: string; authorExternalId: string | null; platform: string }) {
  const select = {
    id: true,
    action: true,
    labelKeys: true,
    rationale: true,
    createdAt: true,
    byLead: true,
    itemId: true,
    supersedesId: true,
    appealId: true,
    copyOfDecisionId: true,
    user: { select: { email: true, name: true } },
    item: { select: { externalId: true, title: true } },
  } as const;
  const [onItem, onAuthor] = await Promise.all([
    db.decision.findMany({ where: { itemId: item.id }, orderBy: { seq: "desc" }, take: 20, select }),
    item.authorExternalId
      ? db.decision.findMany({
          where: { item: { authorExternalId: item.authorExternalId, platform: item.platform }, itemId: { not: item.id } },
          orderBy: { seq: "desc" },
          take: 10,
          select,
        })
      : Promise.resolve([]),
  ]);
  // A decision replaced on appeal is marked by the one that replaced it (a replacement is made later, so it is among the newer ones shown).
  const replacedBy = new Map(onItem.filter((d) => d.supersedesId).map((d) => [d.supersedesId!, d.id]));
  const shape = (d: (typeof onItem)[number]) => ({ ...d, labelKeys: JSON.parse(d.labelKeys) as string[], replacedById: replacedBy.get(d.id) ?? null });
  return { onItem: onItem.map(shape), onAuthor: onAuthor.map(shape) };
}
