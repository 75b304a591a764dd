// The forms a lead uses to place an item: move it, assign it, take the assignment back, hand it over.
import { z } from "zod";

const reason = z
  .string({ required_error: "Say why: the reason goes on the record." })
  .trim()
  .min(3, "Say why: the reason goes on the record.")
  .max(500, "Keep the reason under 500 characters.");
const id = (message: string) => z.string({ required_error: message }).min(1, message).max(64, message);

export const PlacementIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("move"), queueId: id("Choose the queue to move the item to."), reason }),
  z.object({ intent: z.literal("assign"), assigneeId: id("Choose the member to assign the item to."), reason }),
  z.object({ intent: z.literal("unassign"), reason }),
  z.object({ intent: z.literal("hand_over"), assigneeId: id("Choose the member to hand the item to."), reason }),
]);
export type PlacementIntent = z.infer<typeof PlacementIntent>;
