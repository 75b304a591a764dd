import { z } from "zod";
import { db, Prisma } from "~/db.server.ts";
import { FlagReference } from "~/modules/intake/schema.ts";
import { MAX_SEQ } from "./limits.ts";
import type { ChainedFields } from "./chain.ts";
import { currentName, parseAuditPayload, recordedNames } from "./events.ts";
import { SOURCES as FLAG_SOURCES } from "~/modules/items/sources.ts";
import { OUTCOMES } from "./snapshot.ts";
import { GROUNDS } from "~/modules/reporting/metrics.ts";

export const DECISION_STANDINGS = ["closing", "review", "copy", "appeal", "quality"] as const;

const PAYLOAD_WORD = /^[A-Za-z][A-Za-z0-9]{0,39}:[A-Za-z0-9_.-]{1,100}$/;
const PayloadFields = z
  .string()
  .trim()
  .max(400)
  .transform((v, ctx) => {
    if (!v) return undefined;
    const pairs = v.split(",").map((p) => p.trim());
    if (pairs.length > 5 || !pairs.every((p) => PAYLOAD_WORD.test(p))) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "Payload fields are key:value pairs separated by commas, such as source:user_report,reason:spam." });
      return z.NEVER;
    }
    return pairs.map((p) => {
      const at = p.indexOf(":");
      return { key: p.slice(0, at), value: p.slice(at + 1) };
    });
  });

/** A LIKE pattern matching `"key":"value"` in canonical JSON, its wildcards escaped. */
const payloadPattern = (key: string, value: string) => `%${JSON.stringify(key)}:${JSON.stringify(value)}%`.replace(/_/g, "\\_");

const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((v) => (v ? v : undefined));

const optionalDate = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    // <input type="datetime-local"> sends local time without a zone; Docket treats it as UTC.
    const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "Enter a date and time, e.g. 2025-11-03T10:00." });
      return z.NEVER;
    }
    return d;
  });

/** The auditor's search form, read from the query string. */
export const AuditSearch = z.object({
  from: optionalDate,
  to: optionalDate,
  actor: optionalText,
  action: optionalText,
  item: optionalText,
  label: optionalText,
  // A referral campaign: decisions on items flagged under this authority or removal-order reference
  // (on `platform` when given), so a campaign's figures re-count from the log.
  reference: FlagReference.optional().transform((v: string | undefined) => (v ? v : undefined)),
  platform: optionalText,
  source: z
    .enum(FLAG_SOURCES)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  outcome: z
    .enum(OUTCOMES)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // How a decision stands in its item's review, as the report rollups count it (so a transparency
  // figure re-counts here): closing = the decision that closed an open review (not an escalation, not
  // a replacement); review and copy split those by whether a person decided the item itself or a
  // person's decision was applied to a near-duplicate; appeal and quality are replacements.
  kind: z
    .enum(DECISION_STANDINGS)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // The legal ground: a removal order (the item had one before the decision, or before the appeal on
  // appeal events) or the platform's terms.
  ground: z
    .enum(GROUNDS)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // Fields of the event's payload, "key:value" pairs separated by commas (flag.received by source and
  // reason, appeal.received by role, appeal.decided by outcome).
  field: PayloadFields.optional(),
  before: z.coerce
    .number()
    .int()
    .positive()
    .max(MAX_SEQ)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  after: z.coerce
    .number()
    .int()
    .nonnegative()
    .max(MAX_SEQ)
    .optional()
    .or(z.literal("").transform(() => undefined)),
});
export type AuditSearch = z.infer<typeof AuditSearch>;

export function parseSearch(params: URLSearchParams) {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) raw[k] = v;
  return AuditSearch.safeParse(raw);
}

export type EventListRow = Omit<ChainedFields, "payload"> & {
  /** The action as stored, when it was recorded under an earlier name; `action` is the current one. */
  recordedAs: string;
  decisionId: string | null;
  decisionAction: string | null;
};

export const PAGE_SIZE = 50;

function standingSql(kind: (typeof DECISION_STANDINGS)[number]): Prisma.Sql {
  const closing = Prisma.sql`d."supersedesId" IS NULL AND CAST(d."action" AS TEXT) <> 'escalate'`;
  switch (kind) {
    case "closing":
      return Prisma.sql`(${closing})`;
    case "review":
      return Prisma.sql`(${closing} AND d."copyOfDecisionId" IS NULL)`;
    case "copy":
      return Prisma.sql`(${closing} AND d."copyOfDecisionId" IS NOT NULL)`;
    case "appeal":
      return Prisma.sql`(d."supersedesId" IS NOT NULL AND d."appealId" IS NOT NULL)`;
    case "quality":
      return Prisma.sql`(d."supersedesId" IS NOT NULL AND d."appealId" IS NULL)`;
  }
}

/**
 * One page of events, newest first, by keyset on seq (`before` for older pages, `after` for newer),
 * so any page costs the same at millions of events. Decision filters (item, label, flag source,
 * outcome) join the decision whose seq is the event's seq: a decision and its event share it.
 */
export async function searchEvents(q: AuditSearch, pageSize = PAGE_SIZE) {
  const where: Prisma.Sql[] = [];
  const empty = { rows: [] as EventListRow[], newer: null, older: null };
  // Events are timestamped inside the head's lock, so time order is sequence order: a time range is
  // turned into a seq range (two probes of the (at, seq) index) and the page walks the primary key.
  if (q.from) {
    const first = await db.$queryRaw<{ seq: number | bigint }[]>`
      SELECT "seq" FROM "AuditEvent" WHERE "at" >= ${q.from} ORDER BY "at", "seq" LIMIT 1`;
    if (first.length === 0) return empty;
    where.push(Prisma.sql`e."seq" >= ${Number(first[0].seq)}`, Prisma.sql`e."at" >= ${q.from}`);
  }
  if (q.to) {
    const last = await db.$queryRaw<{ seq: number | bigint }[]>`
      SELECT "seq" FROM "AuditEvent" WHERE "at" < ${q.to} ORDER BY "at" DESC, "seq" DESC LIMIT 1`;
    if (last.length === 0) return empty;
    where.push(Prisma.sql`e."seq" <= ${Number(last[0].seq)}`, Prisma.sql`e."at" < ${q.to}`);
  }
  if (q.actor) {
    const user = await db.user.findFirst({ where: { OR: [{ email: q.actor.toLowerCase() }, { id: q.actor }] }, select: { id: true } });
    where.push(user ? Prisma.sql`e."actorId" = ${user.id}` : Prisma.sql`(e."actorId" = ${q.actor} OR e."actorLabel" = ${q.actor})`);
  }
  // A renamed action's earlier events keep their stored name; searching the current name finds both.
  if (q.action) where.push(Prisma.sql`e."action" IN (${Prisma.join(recordedNames(q.action))})`);
  // On appeal events, platform and ground go through the appeal the event is about (its primary
  // key), so a complaint figure re-counts; on every other event they narrow the log to decisions.
  const onAppeals = q.action !== undefined && q.action.startsWith("appeal.");
  const decisionFilter = Boolean(q.item || q.label || q.source || q.outcome || q.reference || q.kind || (!onAppeals && (q.platform || q.ground)));
  // The canonical payload is one line of JSON with no spaces, so a field is a fixed substring; the
  // action and time filters bound the rows it is tested on.
  for (const f of q.field ?? []) where.push(Prisma.sql`e."payload" LIKE ${payloadPattern(f.key, f.value)} ESCAPE '\\'`);
  if (q.kind) where.push(standingSql(q.kind));
  if (q.ground && onAppeals) {
    const order = Prisma.sql`EXISTS (SELECT 1 FROM "Appeal" a JOIN "Flag" f ON f."itemId" = a."itemId"
      WHERE e."subjectType" = 'appeal' AND a."id" = e."subjectId" AND CAST(f."source" AS TEXT) = 'removal_order' AND f."receivedAt" <= a."receivedAt")`;
    where.push(q.ground === "order" ? order : Prisma.sql`NOT ${order}`);
  } else if (q.ground) {
    const order = Prisma.sql`EXISTS (SELECT 1 FROM "Flag" f WHERE f."itemId" = d."itemId"
      AND CAST(f."source" AS TEXT) = 'removal_order' AND f."receivedAt" <= d."createdAt")`;
    where.push(q.ground === "order" ? order : Prisma.sql`NOT ${order}`);
  }
  if (q.item) {
    const items = await db.item.findMany({ where: { externalId: q.item }, select: { id: true }, take: 100 });
    const ids = items.map((i) => i.id);
    if (ids.length === 0) return empty;
    where.push(Prisma.sql`d."itemId" IN (${Prisma.join(ids)})`);
  }
  if (q.outcome) where.push(Prisma.sql`CAST(d."action" AS TEXT) = ${q.outcome}`);
  if (q.label) {
    // Label rows are per version: the key names one row in each version that has it.
    const labels = await db.label.findMany({ where: { key: q.label }, select: { id: true } });
    if (labels.length === 0) return empty;
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM "DecisionLabel" dl
      WHERE dl."decisionId" = d."id" AND dl."labelId" IN (${Prisma.join(labels.map((l) => l.id))}))`);
  }
  if (q.source) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM "Flag" f WHERE f."itemId" = d."itemId"
      AND CAST(f."source" AS TEXT) = ${q.source} AND f."receivedAt" <= d."createdAt")`);
  }
  if (q.reference) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM "Flag" f WHERE f."itemId" = d."itemId" AND f."reference" = ${q.reference}
      AND CAST(f."source" AS TEXT) IN ('authority_referral', 'removal_order'))`);
  }
  if (q.platform && onAppeals) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM "Appeal" pa WHERE e."subjectType" = 'appeal' AND pa."id" = e."subjectId" AND pa."platform" = ${q.platform})`);
  } else if (q.platform) where.push(Prisma.sql`EXISTS (SELECT 1 FROM "Item" pi WHERE pi."id" = d."itemId" AND pi."platform" = ${q.platform})`);
  const forward = q.after !== undefined && q.before === undefined;
  if (q.before !== undefined) where.push(Prisma.sql`e."seq" < ${q.before}`);
  if (forward) where.push(Prisma.sql`e."seq" > ${q.after}`);
  const join = decisionFilter ? Prisma.sql`JOIN "Decision" d ON d."seq" = e."seq"` : Prisma.sql`LEFT JOIN "Decision" d ON d."seq" = e."seq"`;
  const whereSql = where.length > 0 ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty;
  const order = forward ? Prisma.sql`ORDER BY e."seq" ASC` : Prisma.sql`ORDER BY e."seq" DESC`;
  const rows = await db.$queryRaw<(Omit<EventListRow, "seq" | "recordedAs"> & { seq: number | bigint })[]>`
    SELECT e."seq", e."at", e."actorId", e."actorLabel", e."action", e."subjectType", e."subjectId",
           d."id" AS "decisionId", CAST(d."action" AS TEXT) AS "decisionAction"
    FROM "AuditEvent" e ${join} ${whereSql} ${order} LIMIT ${pageSize + 1}`;
  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize).map((r) => ({ ...r, seq: Number(r.seq), action: currentName(r.action), recordedAs: r.action }));
  if (forward) page.reverse();
  const first = page[0]?.seq ?? null;
  const last = page[page.length - 1]?.seq ?? null;
  // Newest first: "older" continues below the last row, "newer" above the first.
  const hasOlder = forward ? last !== null : more;
  const hasNewer = forward ? more : q.before !== undefined;
  return { rows: page, older: hasOlder && last !== null ? last : null, newer: hasNewer && first !== null ? first : null };
}

/**
 * The distinct actions recorded so far, by their current names, for the action filter: a skip scan
 * of the action index (one probe per distinct action), so it stays instant at millions of events.
 */
export async function knownActions(): Promise<string[]> {
  const rows = await db.$queryRaw<{ action: string | null }[]>`
    WITH RECURSIVE a("action") AS (
      SELECT MIN("action") FROM "AuditEvent"
      UNION ALL
      SELECT (SELECT MIN(x."action") FROM "AuditEvent" x WHERE x."action" > a."action") FROM a WHERE a."action" IS NOT NULL
    )
    SELECT "action" FROM a WHERE "action" IS NOT NULL`;
  return [...new Set(rows.map((r) => currentName(r.action as string)))].sort();
}

export async function knownLabelKeys(): Promise<string[]> {
  const rows = await db.$queryRaw<{ key: string }[]>`SELECT DISTINCT "key" FROM "Label" ORDER BY "key"`;
  return rows.map((r) => r.key);
}

export async function getEvent(seq: number) {
  const e = await db.auditEvent.findUnique({ where: { seq } });
  if (!e) return null;
  const decision = await db.decision.findUnique({ where: { seq }, select: { id: true } });
  const parsed = parseAuditPayload(e.action, e.payload);
  return {
    seq: e.seq,
    at: e.at,
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: parsed.action,
    recordedAs: parsed.recordedAs,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    prevHash: e.prevHash,
    hash: e.hash,
    payload: parsed.payload,
    payloadStatus: parsed.status,
    payloadIssues: parsed.status === "invalid" ? parsed.issues : [],
    decisionId: decision?.id ?? null,
  };
}
