// The body of each webhook event as a platform receives it. The OpenAPI document describes the
// events from these schemas; whatever builds a message's data should type it against them.
import { z } from "zod";
import { FeedDecision } from "~/modules/decisions/feed.server.ts";
import { SOURCES } from "~/modules/items/sources.ts";
import { APPEAL_OUTCOMES, APPELLANT_ROLES } from "~/modules/appeals/standing.ts";
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./events.ts";

const time = z.string().datetime();

export const EVENT_DATA = {
  "decision.made": FeedDecision,
  "item.reopened": z.object({
    itemId: z.string(),
    externalId: z.string(),
    dueAt: time.nullable().describe("The new deadline the removal order set."),
    queueId: z.string().nullable(),
    flagId: z.string().describe("The removal order's flag."),
    source: z.string().describe(`The flag's source: one of ${SOURCES.join(", ")}.`),
  }),
  "appeal.received": z.object({
    appealId: z.string(),
    externalId: z.string().describe("The appeal's id as the platform sent it."),
    itemId: z.string(),
    itemExternalId: z.string(),
    decisionId: z.string().describe("The contested decision."),
    appellantRole: z.string().describe(`One of ${APPELLANT_ROLES.join(", ")}.`),
    receivedAt: time,
    dueAt: time,
  }),
  "appeal.decided": z.object({
    appealId: z.string(),
    itemId: z.string(),
    itemExternalId: z.string(),
    decisionId: z.string().describe("The contested decision."),
    outcome: z.string().describe(`One of ${APPEAL_OUTCOMES.join(", ")}.`),
    answer: z.string().describe("The answer sent to the appellant."),
    newDecisionId: z.string().nullable().describe("The decision that replaced the contested one (overturned or modified); it also arrives as decision.made."),
    decidedAt: time,
  }),
} satisfies Record<WebhookEventType, z.ZodTypeAny>;

/** `{ type, timestamp, data }`: the envelope every event shares. */
export function eventBody<T extends WebhookEventType>(type: T) {
  return z
    .object({
      type: z.literal(type),
      timestamp: time.describe("When the event happened (not when it was sent: that is the webhook-timestamp header)."),
      data: EVENT_DATA[type] as (typeof EVENT_DATA)[T],
    })
    .describe(WEBHOOK_EVENT_DESCRIPTIONS[type]);
}

export const WEBHOOK_EVENT_BODIES = Object.fromEntries(WEBHOOK_EVENT_TYPES.map((t) => [t, eventBody(t)])) as {
  [T in WebhookEventType]: ReturnType<typeof eventBody<T>>;
};
