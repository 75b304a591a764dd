// The calibration item form, shared by the server (which saves) and the browser (which checks it first).
import { z } from "zod";
import { checkedValues } from "~/modules/http/form-values.ts";
import { ACTIONS } from "~/modules/decisions/actions.ts";
import { CONTENT_TYPES } from "~/modules/intake/schema.ts";
import { SOURCES } from "~/modules/items/sources.ts";

const optionalText = (max: number, message: string) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v), z.string().max(max, message).optional());

/** Checkboxes sharing a name arrive as one value, several, or none. */

/** What a lead expects and why: the same for an item made from a real one and for a written one. */
const expectation = {
  action: z.enum(ACTIONS, { errorMap: () => ({ message: "Choose the expected action: keep, remove, restrict or escalate." }) }),
  labelIds: checkedValues(z.array(z.string().max(100)).max(50)),
  explanation: z
    .string()
    .trim()
    .min(3, "Explain the expected answer: moderators read it after answering.")
    .max(5000, "Keep the explanation under 5,000 characters."),
};

/** The content of a written calibration item, and the notice it arrives with. */
const content = {
  title: optionalText(300, "Keep the title under 300 characters."),
  body: optionalText(20_000, "Keep the text under 20,000 characters."),
  type: z.enum(CONTENT_TYPES, { errorMap: () => ({ message: `Choose a content type: ${CONTENT_TYPES.join(", ")}.` }) }).default("text"),
  language: optionalText(35, "A language tag such as en or de."),
  source: z.enum(SOURCES, { errorMap: () => ({ message: "Choose where the notice comes from." }) }).default("user_report"),
  reason: optionalText(100, "Keep the reason under 100 characters."),
};

export const CalibrationItemForm = z
  .object({
    from: z.enum(["item", "text"], { errorMap: () => ({ message: "Choose whether it copies an item or is written here." }) }),
    itemExternalId: optionalText(200, "Keep the external id under 200 characters."),
    platform: optionalText(100, "Keep the platform under 100 characters."),
    ...content,
    ...expectation,
  })
  .superRefine((v, ctx) => {
    if (v.from === "item" && !v.itemExternalId)
      ctx.addIssue({ code: "custom", path: ["itemExternalId"], message: "Give the external id of the item to copy." });
    if (v.from === "text" && !v.body) ctx.addIssue({ code: "custom", path: ["body"], message: "Write the text moderators will review." });
    if (v.from === "text" && !v.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "Choose the reason it is reported for." });
  });
export type CalibrationItemForm = z.infer<typeof CalibrationItemForm>;

/** Editing keeps where the item came from; its text, notice and expected answer may change. */
export const CalibrationEditForm = z.object({ intent: z.literal("save"), ...content, ...expectation }).superRefine((v, ctx) => {
  if (!v.body) ctx.addIssue({ code: "custom", path: ["body"], message: "Write the text moderators will review." });
  if (!v.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "Choose the reason it is reported for." });
});
export type CalibrationEditForm = z.infer<typeof CalibrationEditForm>;

export const CalibrationRetireForm = z.object({ intent: z.enum(["retire", "restore"]) });
export type CalibrationRetireForm = z.infer<typeof CalibrationRetireForm>;
