import { z } from "zod";
import { freeText, identifier, isoTime } from "~/modules/intake/schema.ts";
import { APPELLANT_ROLES, RECORDED_CHANNELS } from "./standing.ts";

export const STATEMENT_MAX = 10_000;
/** The externalId prefix of appeals a lead records in the console. */
export const RECORDED_PREFIX = "recorded:";

const statement = freeText("statement", STATEMENT_MAX).refine((s) => s.trim().length > 0, "statement must not be empty: say what the appellant contests.");

const appellant = z
  .object(
    {
      role: z.enum(APPELLANT_ROLES, { errorMap: () => ({ message: `appellant.role must be one of ${APPELLANT_ROLES.join(", ")}.` }) }),
      externalId: identifier("appellant.externalId"),
    },
    { invalid_type_error: "appellant must be an object with role and externalId.", required_error: "appellant is required: { role, externalId }." },
  )
  .strict();

/** POST /api/v1/appeals: the contested decision by its feed id, or the item whose latest decision is contested. */
export const AppealRequest = z
  .object({
    // "recorded:" names appeals a lead entered from a letter or an email; a platform's ids never take it.
    externalId: identifier("externalId").refine(
      (id) => !id.startsWith(RECORDED_PREFIX),
      `externalId may not start with "${RECORDED_PREFIX}": that prefix is kept for appeals recorded in the console.`,
    ),
    decisionId: identifier("decisionId").optional(),
    itemExternalId: identifier("itemExternalId").optional(),
    appellant,
    statement,
    receivedAt: isoTime("receivedAt").optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.decisionId === !v.itemExternalId) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["decisionId"],
        message: "Name the contested decision with exactly one of decisionId (from the decisions feed) or itemExternalId (its latest decision).",
      });
    }
  });
export type AppealRequest = z.infer<typeof AppealRequest>;

/** A lead recording an appeal that came by email, letter or phone: the same facts, the platform named. */
export const RecordAppealForm = z.object({
  platform: z.string().trim().min(1, "Choose the platform."),
  decisionId: z.string().trim().optional(),
  itemExternalId: z.string().trim().optional(),
  role: z.enum(APPELLANT_ROLES, { errorMap: () => ({ message: "Choose who is appealing." }) }),
  appellantId: z.preprocess((v) => (typeof v === "string" ? v.trim() : v), identifier("The appellant's id")),
  statement: z.string().trim().min(1, "Write down what the appellant contests.").max(STATEMENT_MAX),
  channel: z.enum(RECORDED_CHANNELS, { errorMap: () => ({ message: "Choose how the appeal arrived." }) }),
  receivedAt: z.string().trim().min(1, "When did it arrive?"),
  reference: z.string().trim().max(200).optional(),
});
export type RecordAppealForm = z.infer<typeof RecordAppealForm>;
