// What the webhook endpoints of the platform API take and answer. The routes validate with these and
// the OpenAPI document is generated from them.
import { z } from "zod";
import { WEBHOOK_EVENT_TYPES } from "./events.ts";

/** An endpoint id in a path, as POST /api/v1/webhooks answers it. */
export const WebhookId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "webhookId is an id from the answer to POST /api/v1/webhooks.");

export const WebhookRegistration = z
  .object({
    url: z.string().trim().min(1, "url is required.").max(2048, "url may be at most 2048 characters."),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES, { errorMap: () => ({ message: `Each event must be one of ${WEBHOOK_EVENT_TYPES.join(", ")}.` }) }))
      .min(1, "Name at least one event type.")
      .max(WEBHOOK_EVENT_TYPES.length)
      .refine((events) => new Set(events).size === events.length, "Name each event type once."),
    description: z.string().trim().max(200, "description may be at most 200 characters.").default(""),
  })
  .strict();

/** An endpoint as the API shows it: never its secret. */
export const WebhookEndpointView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  description: z.string(),
  state: z.enum(["enabled", "disabled"]),
  disabledReason: z.string().nullable(),
  createdAt: z.string().datetime(),
  secretRotation: z.object({ previousValidUntil: z.string().datetime() }).nullable(),
});

export const WebhookCreated = z.object({ id: z.string(), secret: z.string().startsWith("whsec_") });

export const WebhookList = z.object({ endpoints: z.array(WebhookEndpointView) });

export const SecretRotation = z
  .object({
    // How long the previous secret keeps signing alongside the new one; a day unless asked otherwise.
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(24 * 3600),
  })
  .strict();

export const SecretRotated = z.object({ id: z.string(), secret: z.string().startsWith("whsec_"), previousValidUntil: z.string().datetime() });
