// The appeal pages' forms, shared by the server (which acts) and the browser (which checks a form
// before sending it). One schema per intent; the review screen's action reads the union.
import { z } from "zod";
import { SUMMARY_MAX, TEMPLATE_MAX } from "./answer.ts";
import { APPEAL_OUTCOMES } from "./standing.ts";

const claimId = z.string().min(1, "This form has no lease; claim the appeal first.");

/** Checkboxes sharing a name arrive as one value, several, or none. */
const checkedValues = <T extends z.ZodTypeAny>(list: T) => z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), list);

/** What an overturn or a modification may do to the content: an appeal never escalates. */
export const APPEAL_ACTIONS = ["keep", "remove", "restrict"] as const;

export const OUTCOME_CHOICES = [
  { outcome: "upheld", name: "Uphold", hint: "the contested decision stands" },
  { outcome: "overturned", name: "Overturn", hint: "reverse it: new labels and action under the live label set" },
  { outcome: "modified", name: "Modify", hint: "keep its direction, change the action or the labels" },
] as const;

export const DecideAppealForm = z.object({
  intent: z.literal("decide"),
  claimId,
  outcome: z.enum(APPEAL_OUTCOMES, { errorMap: () => ({ message: "Choose the outcome: uphold, overturn or modify." }) }),
  action: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(APPEAL_ACTIONS, { errorMap: () => ({ message: "Choose keep, remove or restrict." }) }).optional(),
  ),
  labelIds: checkedValues(z.array(z.string().max(100)).max(50)),
  rationale: z.string().trim().min(1, "Give the reasons for this outcome: a rationale is required.").max(5000, "Keep the rationale under 5,000 characters."),
  summary: z
    .string()
    .trim()
    .min(1, "Summarise the reasons for the appellant: the answer must give them.")
    .max(SUMMARY_MAX, `Keep the summary under ${SUMMARY_MAX.toLocaleString("en")} characters.`),
});

export const ReleaseAppealForm = z.object({
  intent: z.literal("release"),
  claimId,
  reason: z.string().trim().min(1, "Say why you release it.").max(500),
});

export const MoveAppealForm = z.object({
  intent: z.literal("move"),
  queueId: z.string().trim().min(1, "Choose a queue.").max(64),
  reason: z.string().trim().min(3, "Say why the appeal moves.").max(500),
});

export const AppealIntent = z.discriminatedUnion("intent", [
  DecideAppealForm,
  ReleaseAppealForm,
  MoveAppealForm,
  z.object({ intent: z.literal("renew"), claimId }),
  z.object({ intent: z.literal("claim") }),
]);
export type AppealIntent = z.infer<typeof AppealIntent>;

/** "Next appeal": from every appeal queue of the reviewer's, or from one. */
export const NextAppealForm = z.object({ intent: z.literal("next").optional(), queueId: z.string().trim().max(64).optional() });

/** A lead's new wording for one outcome's answer. */
export const TemplateForm = z.object({
  outcome: z.enum(APPEAL_OUTCOMES, { errorMap: () => ({ message: "Choose which answer to change." }) }),
  body: z.string().max(TEMPLATE_MAX, `A template is at most ${TEMPLATE_MAX.toLocaleString("en")} characters.`),
});
