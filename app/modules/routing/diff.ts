// The difference between two lists of routing rules, matched by rule id (a rule keeps its id across
// versions): which rules came, went, changed which fields, and which moved in the order. Pure, so
// the draft editor, the diff page and the audit record of an edit all read changes the same way.
import { CONDITION_FIELDS, type RoutingRule } from "./rules.ts";

/** The fields of a rule a lead edits, in the order pages show them; the names are the form's. */
export const RULE_FIELDS = ["name", "stage", "queueId", ...CONDITION_FIELDS] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

export const RULE_FIELD_TITLES: Record<RuleField, string> = {
  name: "Name",
  stage: "Applies to",
  queueId: "Queue",
  sources: "Sources",
  reasons: "Reasons",
  languages: "Languages",
  platforms: "Platforms",
  contentTypes: "Content types",
  labelSets: "Label sets",
  copies: "Copies",
};

/** A field's value: a text, a list, or undefined for a condition left out. */
export function ruleFieldValue(rule: RoutingRule, field: RuleField): string | readonly string[] | undefined {
  if (field === "name" || field === "stage" || field === "queueId") return rule[field];
  return rule.when[field];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields that differ between two versions of one rule. */
export function changedRuleFields(before: RoutingRule, after: RoutingRule): RuleField[] {
  return RULE_FIELDS.filter((f) => !same(ruleFieldValue(before, f), ruleFieldValue(after, f)));
}

/** A rule both lists have. */
type KeptRule = {
  before: RoutingRule;
  after: RoutingRule;
  fields: RuleField[];
  /** 1-based positions in the older and the newer list. */
  from: number;
  to: number;
  /** Whether the rule changed place relative to the rules both lists keep. */
  moved: boolean;
};

export type RuleDiff =
  | { kind: "added"; rule: RoutingRule; position: number }
  | { kind: "removed"; rule: RoutingRule; position: number }
  | ({ kind: "changed" } & KeptRule)
  | ({ kind: "unchanged" } & KeptRule);

/**
 * The ids of the kept rules that stay in the same relative order: the longest common subsequence
 * of the two orders. Every other kept rule moved. Inserting or removing a rule shifts positions
 * without moving anything; swapping two rules moves one of them.
 */
function keptInOrder(before: string[], after: string[]): Set<string> {
  const n = before.length;
  const m = after.length;
  const table = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = before[i] === after[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < n && j < m;) {
    if (before[i] === after[j]) {
      kept.add(before[i]);
      i++;
      j++;
    } else if (table[i + 1][j] >= table[i][j + 1]) i++;
    else j++;
  }
  return kept;
}

/** Rule by rule in the newer order, then the rules only the older list has. */
export function diffRules(before: RoutingRule[], after: RoutingRule[]): RuleDiff[] {
  const beforeAt = new Map(before.map((r, i) => [r.id, i]));
  const afterIds = new Set(after.map((r) => r.id));
  const inOrder = keptInOrder(
    before.filter((r) => afterIds.has(r.id)).map((r) => r.id),
    after.filter((r) => beforeAt.has(r.id)).map((r) => r.id),
  );
  const out: RuleDiff[] = [];
  after.forEach((rule, i) => {
    const at = beforeAt.get(rule.id);
    if (at === undefined) {
      out.push({ kind: "added", rule, position: i + 1 });
      return;
    }
    const fields = changedRuleFields(before[at], rule);
    const moved = !inOrder.has(rule.id);
    const kept: KeptRule = { before: before[at], after: rule, fields, from: at + 1, to: i + 1, moved };
    out.push(fields.length || moved ? { kind: "changed", ...kept } : { kind: "unchanged", ...kept });
  });
  before.forEach((rule, i) => {
    if (!afterIds.has(rule.id)) out.push({ kind: "removed", rule, position: i + 1 });
  });
  return out;
}

export function ruleDiffSummary(diff: RuleDiff[]) {
  const changed = diff.filter((d) => d.kind === "changed");
  return {
    added: diff.filter((d) => d.kind === "added").length,
    removed: diff.filter((d) => d.kind === "removed").length,
    changed: changed.filter((d) => d.kind === "changed" && d.fields.length > 0).length,
    moved: changed.filter((d) => d.kind === "changed" && d.moved).length,
    unchanged: diff.filter((d) => d.kind === "unchanged").length,
  };
}
