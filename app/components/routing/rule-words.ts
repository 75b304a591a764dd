// Routing rules said in words, the same way on every routing page: the live table, a version, the
// draft and the diff.
import { RULE_FIELD_TITLES, ruleFieldValue, type RuleField } from "~/modules/routing/diff.ts";
import { STAGE_NAMES, type QueueTarget, type RoutingRule, type Stage } from "~/modules/routing/rules.ts";
import { SOURCE_NAMES, type Source } from "~/modules/items/sources.ts";

export type QueueNames = Record<string, Pick<QueueTarget, "name" | "open" | "deleted">>;

const either = (values: readonly string[]) => (values.length <= 1 ? (values[0] ?? "") : `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`);

const CONDITION_WORDS: Record<Exclude<RuleField, "name" | "stage" | "queueId">, (values: readonly string[]) => string> = {
  sources: (v) => `the strongest flag is from ${either(v.map((s) => SOURCE_NAMES[s as Source] ?? s))}`,
  reasons: (v) => `a flag gives the reason ${either(v)}`,
  languages: (v) => `the language is ${either(v)}`,
  platforms: (v) => `the platform is ${either(v)}`,
  contentTypes: (v) => `the content is ${either(v)}`,
  labelSets: (v) => `a reason falls under the label set ${either(v)}`,
  copies: (v) => (v[0] === "grouped" ? "the item has copies" : "the item has no copies"),
};

/** Each condition of a rule as a phrase; a rule without conditions matches every item of its stage. */
export function conditionsInWords(rule: RoutingRule): string[] {
  const phrases: string[] = [];
  for (const [field, words] of Object.entries(CONDITION_WORDS) as [keyof typeof CONDITION_WORDS, (v: readonly string[]) => string][]) {
    const value = rule.when[field];
    if (value === undefined) continue;
    phrases.push(words(typeof value === "string" ? [value] : value));
  }
  return phrases;
}

export function conditionsSentence(rule: RoutingRule): string {
  const phrases = conditionsInWords(rule);
  return phrases.length ? `When ${phrases.join(", and ")}.` : "Every item.";
}

/** A queue's name with what stops it taking items, if anything. */
export function queueInWords(queueId: string, queues: QueueNames): string {
  const queue = queues[queueId];
  if (!queue) return `unknown queue (${queueId})`;
  return queue.deleted ? `${queue.name} (deleted)` : queue.open ? queue.name : `${queue.name} (closed)`;
}

export const stageInWords = (stage: Stage) => STAGE_NAMES[stage];

/** One field of a rule as text, for the diff's before and after. */
export function fieldInWords(rule: RoutingRule, field: RuleField, queues: QueueNames): string {
  if (field === "name") return rule.name;
  if (field === "stage") return stageInWords(rule.stage);
  if (field === "queueId") return queueInWords(rule.queueId, queues);
  const value = ruleFieldValue(rule, field);
  if (value === undefined) return "any (condition left out)";
  return CONDITION_WORDS[field](typeof value === "string" ? [value] : value);
}

export { RULE_FIELD_TITLES };
