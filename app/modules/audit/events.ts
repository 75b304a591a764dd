import { z } from "zod";
import { ACTIONS } from "~/modules/decisions/actions.ts";

/*
 * Every action Docket writes to the audit log, with the schema of its payload: the one registry. The
 * writer accepts only these actions, each with its own payload type, and checks the payload against
 * the schema before it touches the chain; every reader goes through `parseAuditPayload`.
 *
 * Names are `<subject>.<past_tense_verb>`, the verb optionally led by what changed
 * (`user.role_changed`, `label_set.draft_edited`). Roles, flag sources and other vocabularies are
 * plain strings here on purpose: the log outlives them, and an event must stay readable after a
 * vocabulary changes.
 */

const text = z.string();
const id = z.string().min(1);
const count = z.number().int().nonnegative();
const versionNumber = z.number().int().positive();
/** Writers pass a Date; the chain stores its ISO text, which is what readers get back. */
const time = z.union([z.date(), z.string().datetime()]).transform((t) => (typeof t === "string" ? t : t.toISOString()));
const payload = <Shape extends z.ZodRawShape>(shape: Shape) => z.object(shape).strict();

const claimEnded = payload({ itemId: id, claimId: id, holderId: id.nullable(), reason: text, byLead: z.boolean() });
// unassignedItems, releasedAppeals: absent on events recorded before assignments (appeals) existed.
const userStatus = payload({ email: text, releasedItems: count, unassignedItems: count.optional(), releasedAppeals: count.optional() });
const draftChange = { versionId: id, number: versionNumber, labelKey: text };
const queueRef = { queueId: id, name: text };
const hours = z.record(z.number().positive());
const routingDraftChange = { versionId: id, number: versionNumber, ruleId: id, ruleName: text };

export const AUDIT_EVENTS = {
  // scopes: absent on keys made before scopes existed (they hold all of them).
  "api_key.created": payload({ name: text, platform: text, prefix: text, scopes: z.array(text).optional(), demo: z.literal(true).optional() }),
  "api_key.revoked": payload({ name: text, prefix: text }),
  "api_key.scopes_changed": payload({ name: text, prefix: text, scopes: z.array(text), previousScopes: z.array(text) }),

  // The appellant's statement stays on the appeal row (it is personal data the log could never erase); the chain holds its digest.
  "appeal.received": payload({
    appealId: id,
    externalId: text,
    platform: text,
    decisionId: id,
    itemId: id,
    appellantRole: text,
    statementDigest: z.string().regex(/^[0-9a-f]{64}$/),
    channel: text,
    receivedAt: time,
    dueAt: time,
    queueId: id.nullable(),
    routingVersion: versionNumber.nullable(),
    note: text,
  }),
  "appeal.claimed": payload({ appealId: id, claimId: id, leaseExpiresAt: time }),
  "appeal.released": payload({ appealId: id, claimId: id, reason: text }),
  "appeal.moved": payload({ appealId: id, fromQueueId: id.nullable(), toQueueId: id, reason: text, dueAt: time }),
  "appeal.decided": payload({
    appealId: id,
    itemId: id,
    decisionId: id,
    outcome: z.enum(["upheld", "overturned", "modified"]),
    rationale: text,
    answer: text,
    newDecisionId: id.nullable(),
  }),
  "appeal_template.updated": payload({ outcome: text, body: text }),

  "audit.exported": payload({
    kind: z.enum(["events", "decisions", "statements"]),
    format: z.enum(["csv", "jsonl", "ndjson"]),
    from: z.string().datetime(),
    to: z.string().datetime(),
    rows: count,
  }),
  "audit.verified": z.discriminatedUnion("ok", [
    payload({ ok: z.literal(true), checked: count, headSeq: count, headHash: z.string().length(64) }),
    payload({
      ok: z.literal(false),
      checked: count,
      headSeq: count,
      firstBadSeq: z.number().int().positive(),
      kind: z.enum(["edited", "deleted", "inserted", "reordered"]),
      reason: text,
    }),
  ]),

  "auth.logged_in": payload({ address: text }),
  "auth.logged_out": payload({}),
  "auth.login_blocked": payload({ address: text, failures: payload({ perAccount: count, perAddress: count }) }),
  "auth.login_failed": payload({ address: text, reason: z.enum(["unknown_account", "wrong_password"]) }),
  "auth.login_refused": payload({ address: text, reason: z.literal("account_disabled") }),

  "claim.transferred": payload({ itemId: id, claimId: id, fromUserId: id, toUserId: id, toEmail: text, queueId: id, reason: text }),
  "claim.released": claimEnded,
  "claim.skipped": claimEnded,

  "cluster.decision_started": payload({
    clusterDecisionId: id,
    clusterId: id,
    itemId: id,
    decisionId: id,
    action: z.enum(ACTIONS),
    labelKeys: z.array(text),
    versionId: id.nullable(),
    members: count,
  }),
  "cluster.decision_finished": payload({ clusterDecisionId: id, clusterId: id, decided: count, skipped: count }),
  "cluster.merged": payload({ fromClusterId: id, intoClusterId: id, members: count, reason: text }),
  "cluster.member_split": payload({ itemId: id, fromClusterId: id, toClusterId: id, reason: text }),

  "decision.made": payload({
    decisionId: id,
    itemId: id,
    externalId: text,
    action: z.enum(ACTIONS),
    labelKeys: z.array(text),
    versionId: id.nullable(),
    rationale: text,
    copyOf: id.nullable(),
    // Absent on decisions recorded before appeals existed.
    supersedes: id.nullish(),
    appealId: id.nullish(),
    // A lead's correction after a quality review's adjudication.
    qualityReviewId: id.nullish(),
    // A member's decision written by a cluster decision (the served item's own included).
    clusterDecisionId: id.nullish(),
  }),

  "flag.batch_received": payload({
    platform: text,
    // Names the batch's flags (Flag.batchId); absent on batches taken before migration 140.
    batchId: id.optional(),
    digest: z.string().regex(/^[0-9a-f]{64}$/),
    accepted: count,
    duplicates: count,
    refused: count,
    newItems: count,
    removalOrders: count,
  }),
  "flag.received": payload({
    flagId: id,
    itemId: id,
    platform: text,
    contentExternalId: text,
    flagExternalId: text.nullish(),
    source: text,
    reason: text,
    reference: text.nullish(),
    receivedAt: time,
    dueAt: time.nullish(),
    newItem: z.boolean(),
    // The item's near-duplicate cluster (absent on flags received before clusters existed).
    clusterId: id.nullish(),
    // Where intake routed the item (absent on events recorded before queues existed).
    queueId: id.nullish(),
    routingVersion: versionNumber.nullish(),
  }),

  "item.assigned": payload({ itemId: id, queueId: id, assigneeId: id, assigneeEmail: text, previousAssigneeId: id.nullable(), reason: text }),
  "item.claimed": payload({ itemId: id, claimId: id, queue: text, leaseExpiresAt: time }),
  "item.moved": payload({ itemId: id, fromQueueId: id.nullable(), toQueueId: id, reason: text, dueAt: time.nullable() }),
  // A removal order put a decided item back in review; the platform hears of it as the item.reopened webhook.
  "item.reopened": payload({ itemId: id, externalId: text, platform: text, flagId: id, source: text, dueAt: time.nullable(), queueId: id.nullable() }),
  // Routing outside intake: an escalation, or a lead running the live rules again over unrouted items.
  "item.routed": payload({
    itemId: id,
    trigger: z.enum(["escalated", "rerun"]),
    fromQueueId: id.nullable(),
    queueId: id.nullable(),
    ruleId: id.nullable(),
    routingVersion: versionNumber.nullable(),
    note: text,
    // The item's deadline in the queue it reached (absent on events recorded before migration 140).
    dueAt: time.nullish(),
  }),
  "item.unassigned": payload({ itemId: id, assigneeId: id, reason: text }),

  "label_set.draft_created": payload({
    setKey: text,
    versionId: id,
    number: versionNumber,
    fromVersionId: id.nullable(),
    fromNumber: versionNumber.nullable(),
  }),
  "label_set.draft_discarded": payload({ versionId: id, number: versionNumber }),
  "label_set.draft_edited": z.discriminatedUnion("change", [
    payload({ ...draftChange, change: z.literal("label_added"), group: text }),
    payload({ ...draftChange, change: z.literal("label_edited"), fields: z.array(text) }),
    payload({ ...draftChange, change: z.literal("label_moved"), direction: z.enum(["up", "down"]) }),
    payload({ ...draftChange, change: z.literal("label_removed") }),
    payload({ ...draftChange, change: z.literal("label_restored") }),
  ]),
  "label_set.exported": payload({ setKey: text, versionId: id, number: versionNumber }),
  "label_set.imported": z.union([
    // From a label-set file, as a draft.
    payload({
      setKey: text,
      versionId: id,
      number: versionNumber,
      labels: count,
      createdSet: z.boolean(),
      replacedDraft: z.boolean(),
      keptRetired: z.array(text),
    }),
    // A starter set, published as it is imported.
    payload({ setKey: text, versionId: id, number: versionNumber, labels: count, published: z.literal(true) }),
  ]),
  "label_set.label_retired": payload(draftChange),
  "label_set.published": payload({
    setKey: text,
    versionId: id,
    number: versionNumber,
    changeNote: text,
    labels: count,
    retiredVersionId: id.nullable(),
    retiredNumber: versionNumber.nullable(),
  }),

  // unroutedAppeals: absent on events recorded before appeals existed.
  "quality.sampled": payload({ qualityReviewId: id, decisionId: id, itemId: id, because: text, ruleId: id.nullable(), queueId: id.nullable() }),
  "quality.claimed": payload({ qualityReviewId: id, claimId: id, leaseExpiresAt: time }),
  "quality.released": payload({ qualityReviewId: id, claimId: id, reason: text }),
  "quality.reviewed": payload({
    qualityReviewId: id,
    decisionId: id,
    itemId: id,
    action: z.enum(ACTIONS),
    labelKeys: z.array(text),
    rationale: text,
    agreed: z.boolean(),
  }),
  "quality.adjudicated": payload({
    qualityReviewId: id,
    decisionId: id,
    itemId: id,
    ruling: z.enum(["first", "second", "neither"]),
    errorType: text.nullable(),
    note: text,
    correctionDecisionId: id.nullable(),
  }),
  "quality.settings_changed": payload({
    calibrationPercent: z.number(),
    showExplanation: z.boolean(),
    shiftHours: count,
    highSeverityCap: count.nullable(),
    highSeverityFrom: count,
  }),
  // Calibration content never leaves the console, so the log records what a lead expects, not the text.
  "calibration.saved": payload({
    calibrationItemId: id,
    versionId: id,
    reason: text,
    expectedAction: z.enum(ACTIONS),
    expectedLabelKeys: z.array(text),
    active: z.boolean(),
    created: z.boolean(),
  }),
  "sampling_rule.saved": payload({
    ruleId: id,
    name: text,
    queueId: id.nullable(),
    labelSetId: id.nullable(),
    moderatorId: id.nullable(),
    percent: z.number(),
    minPerWeek: count,
    actionQuotas: z.record(count),
    active: z.boolean(),
    created: z.boolean(),
  }),

  "queue.closed": payload({ ...queueRef, unroutedItems: count, unroutedAppeals: count.optional() }),
  "queue.created": payload({ ...queueRef, description: text, deadlineHours: hours, open: z.boolean() }),
  "queue.deleted": payload(queueRef),
  "queue.member_added": payload({ ...queueRef, userId: id, email: text }),
  "queue.member_removed": payload({ ...queueRef, userId: id, email: text, unassignedItems: count }),
  "queue.reopened": payload(queueRef),
  "queue.updated": payload({ ...queueRef, changed: z.array(text), description: text, deadlineHours: hours }),

  "routing.draft_created": payload({ versionId: id, number: versionNumber, fromNumber: versionNumber.nullable() }),
  "routing.draft_discarded": payload({ versionId: id, number: versionNumber }),
  "routing.draft_edited": z.discriminatedUnion("change", [
    payload({ ...routingDraftChange, change: z.literal("rule_added") }),
    payload({ ...routingDraftChange, change: z.literal("rule_edited"), fields: z.array(text) }),
    payload({ ...routingDraftChange, change: z.literal("rule_moved"), direction: z.enum(["up", "down"]) }),
    payload({ ...routingDraftChange, change: z.literal("rule_removed") }),
  ]),
  "routing.published": payload({
    versionId: id,
    number: versionNumber,
    changeNote: text,
    rules: count,
    warnings: z.array(text),
    retiredNumber: versionNumber.nullable(),
  }),

  "user.created": payload({ email: text, role: text, demo: z.literal(true).optional() }),
  "user.disabled": userStatus,
  "user.enabled": userStatus,
  "user.preference_changed": payload({ revealMedia: z.boolean() }),
  "user.role_changed": payload({
    email: text,
    from: text,
    to: text,
    releasedItems: count,
    unassignedItems: count.optional(),
    releasedAppeals: count.optional(),
  }),

  "webhook.endpoint_created": payload({ endpointId: id, platform: text, url: text, events: z.array(text), via: z.enum(["api", "console"]) }),
  "webhook.endpoint_deleted": payload({ endpointId: id, platform: text, url: text, via: z.enum(["api", "console"]) }),
  // By an admin, or by the dispatcher after a day of failed attempts.
  "webhook.endpoint_disabled": payload({ endpointId: id, platform: text, url: text, reason: text }),
  "webhook.endpoint_enabled": payload({ endpointId: id, platform: text, url: text }),
  // The previous secret keeps signing alongside the new one until previousValidUntil.
  "webhook.secret_rotated": payload({ endpointId: id, platform: text, previousValidUntil: time }),
  "webhook.deliveries_resent": payload({ endpointId: id, deliveryIds: z.array(id), count }),
} as const;

export type AuditAction = keyof typeof AUDIT_EVENTS;
/** What a writer passes for an action (times as Dates). */
export type AuditPayloadInput<A extends AuditAction> = z.input<(typeof AUDIT_EVENTS)[A]>;
/** What a reader gets back for an action (times as ISO text, as stored). */
export type AuditPayload<A extends AuditAction> = z.output<(typeof AUDIT_EVENTS)[A]>;
/** A read event, discriminated by its action. */
export type TypedAuditEvent = { [A in AuditAction]: { action: A; payload: AuditPayload<A> } }[AuditAction];

/**
 * Actions recorded under an earlier name. Those events are on the hash chain and cannot be renamed,
 * so they are read as the current action, and searching for the current name finds them too.
 */
export const EARLIER_NAMES = {
  "auth.login": "auth.logged_in",
  "auth.logout": "auth.logged_out",
  "flags.batch_received": "flag.batch_received",
  "label.retired": "label_set.label_retired",
} as const satisfies Record<string, AuditAction>;

function isRegistered(action: string): action is AuditAction {
  return Object.prototype.hasOwnProperty.call(AUDIT_EVENTS, action);
}

/** The current name of a recorded action: itself, or what it was renamed to. */
export function currentName(recorded: string): string {
  return Object.prototype.hasOwnProperty.call(EARLIER_NAMES, recorded) ? EARLIER_NAMES[recorded as keyof typeof EARLIER_NAMES] : recorded;
}

/** Every name an action's events may be stored under, for searching by action. */
export function recordedNames(action: string): string[] {
  const current = currentName(action);
  return [
    current,
    ...Object.entries(EARLIER_NAMES)
      .filter(([, now]) => now === current)
      .map(([earlier]) => earlier),
  ];
}

export class AuditPayloadError extends Error {
  constructor(
    readonly action: string,
    readonly issues: string[],
  ) {
    super(`refused to record ${action}: ${issues.join("; ")}`);
  }
}

const issuesOf = (error: z.ZodError) => error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`);

/**
 * The payload as it goes on the chain, checked against its action's schema. Throws for an
 * unregistered action or a payload that does not match, so neither is ever chained.
 */
export function checkedPayload(action: string, payload: unknown): unknown {
  if (!isRegistered(action)) throw new AuditPayloadError(action, ["the action is not registered"]);
  const parsed = AUDIT_EVENTS[action].safeParse(payload);
  if (!parsed.success) throw new AuditPayloadError(action, issuesOf(parsed.error));
  return parsed.data;
}

type ReadAs = {
  /** The action as stored on the chain (it may be an earlier name). */
  recordedAs: string;
  /** The payload exactly as stored: what exports carry, so their hashes can be recomputed. */
  stored: unknown;
};

export type ParsedAuditEvent =
  | (ReadAs & { status: "typed" } & TypedAuditEvent)
  | (ReadAs & { status: "unregistered"; action: string; payload: unknown })
  | (ReadAs & { status: "invalid"; action: string; payload: unknown; issues: string[] });

/** The one way an event's payload is read back. */
export function parseAuditPayload(recordedAs: string, payloadText: string): ParsedAuditEvent {
  const action = currentName(recordedAs);
  let stored: unknown;
  try {
    stored = JSON.parse(payloadText);
  } catch {
    return { status: "invalid", action, recordedAs, stored: payloadText, payload: payloadText, issues: ["the payload is not JSON"] };
  }
  if (!isRegistered(action)) return { status: "unregistered", action, recordedAs, stored, payload: stored };
  const parsed = AUDIT_EVENTS[action].safeParse(stored);
  if (!parsed.success) return { status: "invalid", action, recordedAs, stored, payload: stored, issues: issuesOf(parsed.error) };
  return { status: "typed", action, recordedAs, stored, payload: parsed.data } as ParsedAuditEvent;
}
