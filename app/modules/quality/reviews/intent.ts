// The blind review page's forms, shared by the server and the browser.
import { z } from "zod";
import { checkedValues } from "~/modules/http/form-values.ts";

const claimId = z.string().min(1, "This form has no lease; claim the review first.");

/** A second review decides the content: an escalation is not an answer to compare. */
export const REVIEW_ACTIONS = ["keep", "remove", "restrict"] as const;

export const SubmitReviewForm = z.object({
  intent: z.literal("review"),
  claimId,
  action: z.enum(REVIEW_ACTIONS, { errorMap: () => ({ message: "Choose keep, remove or restrict." }) }),
  labelIds: checkedValues(z.array(z.string().max(100)).max(50)),
  rationale: z.string().trim().max(5000, "Keep the rationale under 5,000 characters."),
});

export const BlindReviewIntent = z.discriminatedUnion("intent", [
  SubmitReviewForm,
  z.object({ intent: z.literal("release"), claimId, reason: z.string().trim().min(1, "Say why you release it.").max(500) }),
  z.object({ intent: z.literal("renew"), claimId }),
  z.object({ intent: z.literal("claim") }),
]);
export type BlindReviewIntent = z.infer<typeof BlindReviewIntent>;
