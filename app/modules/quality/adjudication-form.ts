import { z } from "zod";
import { checkedValues } from "~/modules/http/form-values.ts";

export const RULINGS = [
  { ruling: "first", name: "The first decision was right" },
  { ruling: "second", name: "The second review was right" },
  { ruling: "neither", name: "Neither was right" },
] as const;

export const ERROR_TYPES = [
  { type: "false_positive", name: "False positive", hint: "acted against content that does not violate the policy" },
  { type: "false_negative", name: "False negative", hint: "kept content that violates the policy" },
  { type: "wrong_label", name: "Wrong label or policy", hint: "the right direction under the wrong label or policy" },
  { type: "technical", name: "Technical error", hint: "a tool, display or input problem rather than a judgement" },
] as const;

const CORRECTION_ACTIONS = ["keep", "remove", "restrict"] as const;

/** A lead's ruling on a disagreement; with `correct`, a new decision that supersedes the first. */
export const AdjudicationForm = z
  .object({
    ruling: z.enum(["first", "second", "neither"], { errorMap: () => ({ message: "Rule which review was right, or neither." }) }),
    errorType: z.enum(["false_positive", "false_negative", "wrong_label", "technical"], { errorMap: () => ({ message: "Record the type of error." }) }),
    note: z.string().trim().min(3, "Write a note for the record.").max(5000),
    correct: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
    action: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.enum(CORRECTION_ACTIONS, { errorMap: () => ({ message: "Choose keep, remove or restrict." }) }).optional(),
    ),
    labelIds: checkedValues(z.array(z.string().max(100)).max(50)),
    rationale: z.string().trim().max(5000).default(""),
  })
  .superRefine((v, ctx) => {
    if (!v.correct) return;
    if (v.ruling === "first") ctx.addIssue({ code: "custom", path: ["correct"], message: "The first decision was right: there is nothing to correct." });
    if (!v.action) ctx.addIssue({ code: "custom", path: ["action"], message: "Choose the corrected action." });
    if (v.rationale.length < 3) ctx.addIssue({ code: "custom", path: ["rationale"], message: "Give the rationale for the corrected decision." });
  });
export type AdjudicationInput = z.infer<typeof AdjudicationForm>;
