// The review screen's forms, shared by the server (which decides) and the browser (which checks a
// form before sending it). One schema per intent; the action reads the union.
import { z } from "zod";
import { checkedValues } from "~/modules/http/form-values.ts";
import { SplitForm } from "~/modules/clusters/forms.ts";
import { ACTIONS } from "~/modules/decisions/actions.ts";

const claimId = z.string().min(1, "This form has no lease; claim the item first.");

/** Checkboxes sharing a name arrive as one value, several, or none. */

export const DecideForm = z.object({
  intent: z.literal("decide"),
  claimId,
  action: z.enum(ACTIONS, { errorMap: () => ({ message: "Choose an action: keep, remove, restrict or escalate." }) }),
  labelIds: checkedValues(z.array(z.string().max(100)).max(50)),
  rationale: z.string().max(5000, "Keep the rationale under 5,000 characters.").default(""),
  // What the decision covers: this item, its whole cluster (the open members in its state), or the checked members.
  scope: z
    .enum(["item", "cluster", "selected"], { errorMap: () => ({ message: "Choose what to decide: this item, the cluster or the selected members." }) })
    .default("item"),
  memberIds: checkedValues(z.array(z.string().min(1).max(100)).max(10_000, "Select at most 10,000 members; decide the whole cluster instead.")),
});

export const SkipForm = z.object({
  intent: z.literal("skip"),
  claimId,
  reason: z.string().min(1, "Choose why you skip.").max(500),
});

export const ReleaseForm = z.object({
  intent: z.literal("release"),
  claimId,
  reason: z.string().trim().min(1, "Say why you release it.").max(500),
});

export const ReviewIntent = z.discriminatedUnion("intent", [
  DecideForm,
  SkipForm,
  ReleaseForm,
  SplitForm,
  z.object({ intent: z.literal("renew"), claimId }),
  z.object({ intent: z.literal("claim") }),
]);
export type ReviewIntent = z.infer<typeof ReviewIntent>;

export const SKIP_REASONS = ["Needs a reviewer who reads this language", "Conflict of interest", "Needs more context than I have", "Taking a break"] as const;
