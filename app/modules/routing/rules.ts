// Routing rules: their shape, their validation, and the pure first-match routing of one item. The
// database side (versions, the live rules, queues) lives in the *.server.ts modules beside this one;
// this file is shared with the console so the rule editor and the router can never disagree.
import { z } from "zod";
import { CONTENT_TYPES } from "~/modules/intake/schema.ts";
import { SOURCES, type Source } from "~/modules/items/sources.ts";

/**
 * When a rule applies: "review" routes new and reopened items, "escalation" routes an item a
 * moderator escalated, "appeal" routes a complaint against a decision (matched on the item it
 * contests). They never mix, so an escalated removal order does not fall back into the removal-order
 * queue it came from, and an appeal never lands among first reviews.
 */
export const STAGES = ["review", "escalation", "appeal"] as const;
export type Stage = (typeof STAGES)[number];
export const STAGE_NAMES: Record<Stage, string> = { review: "New and reopened items", escalation: "Escalated items", appeal: "Appeals" };

/** Whether the item has copies: "grouped" when its near-duplicate cluster holds another item (an exact or lightly edited copy). */
export const COPY_CONDITIONS = ["grouped", "alone"] as const;
export type CopyCondition = (typeof COPY_CONDITIONS)[number];

const REASON = /^[a-z][a-z0-9_]{0,63}$/;
const LANGUAGE = /^([A-Za-z]{2,3}|und)$/;
const PLATFORM = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const LABEL_SET_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const list = <T extends z.ZodTypeAny>(item: T, field: string) =>
  z
    .array(item, { invalid_type_error: `${field} must be a list.` })
    .min(1, `${field}: choose at least one value, or leave the condition out.`)
    .max(100, `${field}: at most 100 values.`)
    .optional();

/** The conditions of a rule; every condition given must hold, and a rule with none matches every item of its stage. */
export const RuleConditions = z
  .object({
    sources: list(z.enum(SOURCES, { errorMap: () => ({ message: `sources: each must be one of ${SOURCES.join(", ")}.` }) }), "sources"),
    reasons: list(z.string().regex(REASON, "reasons: each must be a category key (lower-case letters, digits, underscores)."), "reasons"),
    languages: list(
      z
        .string()
        .regex(LANGUAGE, "languages: each must be a two- or three-letter language code such as en or deu, or und for items without one.")
        .transform((l) => l.toLowerCase()),
      "languages",
    ),
    platforms: list(z.string().regex(PLATFORM, "platforms: each must be a platform name as API keys carry it."), "platforms"),
    contentTypes: list(
      z.enum(CONTENT_TYPES, { errorMap: () => ({ message: `contentTypes: each must be one of ${CONTENT_TYPES.join(", ")}.` }) }),
      "contentTypes",
    ),
    labelSets: list(z.string().regex(LABEL_SET_KEY, "labelSets: each must be a label set key."), "labelSets"),
    copies: z.enum(COPY_CONDITIONS, { errorMap: () => ({ message: `copies must be one of ${COPY_CONDITIONS.join(", ")}.` }) }).optional(),
  })
  .strict();
export type RuleConditions = z.infer<typeof RuleConditions>;
export const CONDITION_FIELDS = [
  "sources",
  "reasons",
  "languages",
  "platforms",
  "contentTypes",
  "labelSets",
  "copies",
] as const satisfies readonly (keyof RuleConditions)[];

export const RoutingRule = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().trim().min(1, "Give the rule a name.").max(120, "A rule name is at most 120 characters."),
    stage: z.enum(STAGES, { errorMap: () => ({ message: `stage must be one of ${STAGES.join(", ")}.` }) }),
    when: RuleConditions,
    queueId: z.string().min(1, "Choose the queue this rule sends items to."),
  })
  .strict();
export type RoutingRule = z.infer<typeof RoutingRule>;

export const RoutingRules = z.array(RoutingRule).max(500, "At most 500 rules.");

/** What routing looks at: the item as it stands after the change that routes it. */
export type RoutingSubject = {
  stage: Stage;
  /** The item's strongest source: the notice that sets its deadline. */
  source: Source;
  /** Every reason any flag on the item gives. */
  reasons: string[];
  language: string | null;
  platform: string;
  contentType: string;
  /** The keys of the live label sets that cover any of the item's reasons. */
  labelSets: string[];
  inCopyGroup: boolean;
};

/** A queue as routing sees it. */
export type QueueTarget = { id: string; name: string; open: boolean; deleted: boolean };

export type RouteResult =
  | { routed: true; queueId: string; rule: RoutingRule; routedBy: string; note: string }
  | { routed: false; queueId: null; rule: RoutingRule | null; routedBy: null; note: string };

/** The primary language subtag, lower-cased ("pt-BR" → "pt"); "und" when the item has none. */
export function primaryLanguage(language: string | null | undefined): string {
  return language ? language.split("-")[0].toLowerCase() : "und";
}

/** Whether every condition the rule sets holds for the item. */
export function ruleMatches(rule: RoutingRule, subject: RoutingSubject): boolean {
  if (rule.stage !== subject.stage) return false;
  const w = rule.when;
  if (w.sources && !w.sources.includes(subject.source)) return false;
  if (w.reasons && !subject.reasons.some((r) => w.reasons!.includes(r))) return false;
  if (w.languages && !w.languages.includes(primaryLanguage(subject.language))) return false;
  if (w.platforms && !w.platforms.includes(subject.platform)) return false;
  if (w.contentTypes && !(w.contentTypes as readonly string[]).includes(subject.contentType)) return false;
  if (w.labelSets && !subject.labelSets.some((k) => w.labelSets!.includes(k))) return false;
  if (w.copies && (w.copies === "grouped") !== subject.inCopyGroup) return false;
  return true;
}

/**
 * First match wins. An item no rule matches, or whose first matching rule points at a queue that is
 * closed or deleted, is unrouted, with a note that says which: never sent on to a later rule or a
 * default queue, so a wrong rule shows up on the unrouted list instead of hiding work.
 */
export function routeItem(
  version: { number: number; rules: RoutingRule[] } | null,
  queues: ReadonlyMap<string, QueueTarget>,
  subject: RoutingSubject,
): RouteResult {
  if (!version) return { routed: false, queueId: null, rule: null, routedBy: null, note: "No routing rules are published." };
  const rule = version.rules.find((r) => ruleMatches(r, subject));
  if (!rule) {
    return { routed: false, queueId: null, rule: null, routedBy: null, note: `No rule of routing version ${version.number} matches this item.` };
  }
  const queue = queues.get(rule.queueId);
  if (!queue || queue.deleted || !queue.open) {
    const why = !queue || queue.deleted ? "was deleted" : "is closed";
    return {
      routed: false,
      queueId: null,
      rule,
      routedBy: null,
      note: `Rule "${rule.name}" (routing version ${version.number}) points at queue "${queue?.name ?? rule.queueId}", which ${why}.`,
    };
  }
  return {
    routed: true,
    queueId: queue.id,
    rule,
    routedBy: `rule:${rule.id}@${version.number}`,
    note: `Rule "${rule.name}" (routing version ${version.number}).`,
  };
}

/**
 * Warnings shown before publishing (never refusals): flag sources that no review rule can route
 * whatever the rest of the item, and rules pointing at queues that cannot take items.
 */
export function publishWarnings(rules: RoutingRule[], queues: ReadonlyMap<string, QueueTarget>): string[] {
  const warnings: string[] = [];
  for (const source of SOURCES) {
    const covered = rules.some((r) => r.stage === "review" && (!r.when.sources || r.when.sources.includes(source)));
    if (!covered) warnings.push(`No rule routes ${source} flags: every such item will wait on the unrouted list.`);
  }
  if (!rules.some((r) => r.stage === "escalation")) warnings.push("No rule routes escalated items: every escalation will wait on the unrouted list.");
  if (!rules.some((r) => r.stage === "appeal")) warnings.push("No rule routes appeals: every appeal will wait unrouted on the appeals page.");
  for (const rule of rules) {
    const queue = queues.get(rule.queueId);
    if (!queue || queue.deleted) warnings.push(`Rule "${rule.name}" points at a deleted queue: what it matches will be unrouted.`);
    else if (!queue.open) warnings.push(`Rule "${rule.name}" points at the closed queue "${queue.name}": what it matches will be unrouted until it opens.`);
  }
  return warnings;
}

/** What a queue may set hours for: each flag source, and appeals. */
export const DEADLINE_KEYS = [...SOURCES, "appeal"] as const;
export type DeadlineKey = (typeof DEADLINE_KEYS)[number];

/** Per-source deadline hours a queue sets; a removal order's hour can be shortened, never lengthened. */
export const QueueDeadlineHours = z
  .object(
    Object.fromEntries(
      SOURCES.map((s) => [
        s,
        z
          .number({ invalid_type_error: `${s}: hours must be a number.` })
          .positive(`${s}: hours must be more than zero.`)
          .max(
            s === "removal_order" ? 1 : 24 * 365,
            s === "removal_order"
              ? "removal_order: a removal order must be acted on within one hour (TCO Art. 3(3)); a queue may only shorten it."
              : `${s}: at most a year (8760 hours).`,
          )
          .optional(),
      ]),
    ) as Record<Source, z.ZodOptional<z.ZodNumber>>,
  )
  .extend({
    // Hours to answer an appeal in this queue; a removal under a removal order is answered within two weeks whatever this says (TCO Art. 10).
    appeal: z
      .number({ invalid_type_error: "appeal: hours must be a number." })
      .positive("appeal: hours must be more than zero.")
      .max(24 * 365, "appeal: at most a year (8760 hours).")
      .optional(),
  })
  .strict();
export type QueueDeadlineHours = z.infer<typeof QueueDeadlineHours>;

/** A queue's stored hours, read leniently: a row is never unreadable because of its JSON. */
export function parseDeadlineHours(stored: string): QueueDeadlineHours {
  try {
    return QueueDeadlineHours.catch({}).parse(JSON.parse(stored));
  } catch {
    return {};
  }
}

/** A queue's hours laid over the global defaults; sources with neither have no deadline. */
export function effectiveDeadlineHours(
  defaults: Partial<Record<Source, number | undefined>>,
  queue: QueueDeadlineHours | null,
): Partial<Record<Source, number>> {
  const out: Partial<Record<Source, number>> = {};
  for (const s of SOURCES) {
    const h = queue?.[s] ?? defaults[s];
    if (h !== undefined) out[s] = h;
  }
  return out;
}
