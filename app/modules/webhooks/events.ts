// The event types a platform can subscribe to, and the audit actions each is derived from. An
// event reaches only the endpoints of the platform that owns its item.
export const WEBHOOK_EVENT_TYPES = ["decision.made", "item.reopened", "appeal.received", "appeal.decided"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  "decision.made": "A decision on one of the platform's items; data is the decisions-feed object, with supersedes when it replaces an earlier decision.",
  "item.reopened": "A removal order put a decided item back in review.",
  "appeal.received": "An appeal against a decision was received.",
  "appeal.decided": "An appeal was answered: upheld, overturned or modified.",
};

/** The audit action each event type is derived from (the fan-out reads the log in sequence order). */
export const SOURCE_ACTION: Record<WebhookEventType, string> = {
  "decision.made": "decision.made",
  "item.reopened": "item.reopened",
  "appeal.received": "appeal.received",
  "appeal.decided": "appeal.decided",
};

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}
