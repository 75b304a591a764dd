import { z } from "zod";

/*
 * The payload schema of each audit event type that has one, keyed by action. Audit writes its own
 * events through these schemas, and every event is read back through `parseAuditPayload`, so the
 * auditor's screens meet either a typed payload or an explicit "unregistered" or "invalid" marker,
 * never an unchecked one. Other modules' actions are added here as their payloads settle.
 */
export const AUDIT_EVENT_SCHEMAS = {
  "audit.verified": z.discriminatedUnion("ok", [
    z.object({ ok: z.literal(true), checked: z.number().int(), headSeq: z.number().int(), headHash: z.string().length(64) }).strict(),
    z
      .object({
        ok: z.literal(false),
        checked: z.number().int(),
        headSeq: z.number().int(),
        firstBadSeq: z.number().int(),
        kind: z.enum(["edited", "deleted", "inserted", "reordered"]),
        reason: z.string(),
      })
      .strict(),
  ]),
  "audit.exported": z
    .object({
      kind: z.enum(["events", "decisions", "statements"]),
      format: z.enum(["csv", "jsonl", "ndjson"]),
      from: z.string().datetime(),
      to: z.string().datetime(),
      rows: z.number().int().nonnegative(),
    })
    .strict(),
  "decision.made": z
    .object({
      decisionId: z.string(),
      itemId: z.string(),
      externalId: z.string(),
      action: z.enum(["keep", "remove", "restrict", "escalate"]),
      labelKeys: z.array(z.string()),
      versionId: z.string().nullable(),
      rationale: z.string(),
      copyOf: z.string().nullable(),
    })
    .passthrough(),
} as const;

export type AuditEventType = keyof typeof AUDIT_EVENT_SCHEMAS;
export type AuditPayload<T extends AuditEventType> = z.infer<(typeof AUDIT_EVENT_SCHEMAS)[T]>;

export type ParsedPayload =
  | { status: "typed"; action: AuditEventType; payload: unknown }
  | { status: "unregistered"; payload: unknown }
  | { status: "invalid"; payload: unknown; issues: string[] };

export function isRegistered(action: string): action is AuditEventType {
  return Object.prototype.hasOwnProperty.call(AUDIT_EVENT_SCHEMAS, action);
}

/** The one way an event's payload is read back. */
export function parseAuditPayload(action: string, payloadText: string): ParsedPayload {
  let raw: unknown;
  try {
    raw = JSON.parse(payloadText);
  } catch {
    return { status: "invalid", payload: payloadText, issues: ["the payload is not JSON"] };
  }
  if (!isRegistered(action)) return { status: "unregistered", payload: raw };
  const parsed = AUDIT_EVENT_SCHEMAS[action].safeParse(raw);
  if (!parsed.success) {
    return { status: "invalid", payload: raw, issues: parsed.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`) };
  }
  return { status: "typed", action, payload: parsed.data };
}
