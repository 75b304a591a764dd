// What the console's webhook pages accept: the endpoint page's actions and its delivery filter.
import { z } from "zod";

/** Where a delivery stands: waiting for its next attempt, received by the endpoint, or given up on. */
export const DELIVERY_STATES = ["pending", "delivered", "failed"] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const EndpointAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("disable"), reason: z.string().trim().max(200, "A reason may be at most 200 characters.").optional() }),
  z.object({ intent: z.literal("enable") }),
  z.object({ intent: z.literal("delete") }),
  z.object({ intent: z.literal("resend"), deliveryId: z.string().min(1, "Choose a delivery.").max(64) }),
  z.object({ intent: z.literal("resend_failed") }),
]);

export const DeliveryFilter = z.object({
  state: z.enum(DELIVERY_STATES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
