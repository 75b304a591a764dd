import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { changedRuleFields, diffRules, ruleDiffSummary } from "~/modules/routing/diff.ts";
import type { RoutingRule } from "~/modules/routing/rules.ts";
import { conditionsSentence, fieldInWords, queueInWords } from "~/components/routing/rule-words.ts";

const rule = (id: string, over: Partial<RoutingRule> = {}): RoutingRule => ({ id, name: `Rule ${id}`, stage: "review", when: {}, queueId: "queue-a", ...over });
const ids = (rules: RoutingRule[]) => rules.map((r) => r.id);

describe("the difference between two rule lists", () => {
  it("matches rules by id: added, removed, and changed fields with before and after", () => {
    const before = [rule("a"), rule("b", { when: { sources: ["removal_order"] } }), rule("c")];
    const after = [rule("a"), rule("b", { name: "Removal orders", when: { sources: ["removal_order", "trusted_flagger"] }, queueId: "queue-b" }), rule("d")];
    const diff = diffRules(before, after);
    expect(diff.map((d) => d.kind)).toEqual(["unchanged", "changed", "added", "removed"]);
    const changed = diff[1];
    expect(changed.kind === "changed" && changed.fields).toEqual(["name", "queueId", "sources"]);
    expect(changed.kind === "changed" && changed.moved).toBe(false);
    expect(diff[2]).toMatchObject({ kind: "added", position: 3, rule: { id: "d" } });
    expect(diff[3]).toMatchObject({ kind: "removed", position: 3, rule: { id: "c" } });
    expect(ruleDiffSummary(diff)).toEqual({ added: 1, removed: 1, changed: 1, moved: 0, unchanged: 1 });
  });

  it("inserting a rule at the top shifts the others without calling them moved", () => {
    const before = [rule("a"), rule("b"), rule("c")];
    const diff = diffRules(before, [rule("new"), ...before]);
    expect(ruleDiffSummary(diff)).toEqual({ added: 1, removed: 0, changed: 0, moved: 0, unchanged: 3 });
  });

  it("swapping two neighbours moves exactly one of them, with its old and new place", () => {
    const diff = diffRules([rule("a"), rule("b"), rule("c")], [rule("b"), rule("a"), rule("c")]);
    const moved = diff.filter((d) => d.kind === "changed" && d.moved);
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ fields: [] });
    expect(ruleDiffSummary(diff).moved).toBe(1);
  });

  it("a condition added, removed or emptied counts as a changed field; equal lists do not", () => {
    const base = rule("a", { when: { languages: ["en"] } });
    expect(changedRuleFields(base, rule("a", { when: { languages: ["en"] } }))).toEqual([]);
    expect(changedRuleFields(base, rule("a", { when: {} }))).toEqual(["languages"]);
    expect(changedRuleFields(base, rule("a", { when: { languages: ["en"], copies: "grouped" } }))).toEqual(["copies"]);
    expect(changedRuleFields(base, rule("a", { stage: "escalation", when: { languages: ["en"] } }))).toEqual(["stage"]);
  });

  it("for any two orders of the same rules, every kept rule is unchanged or moved, and the unmoved ones keep their relative order", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 12 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 12 }),
        (xs, ys) => {
          const before = xs.map((x) => rule(`r${x}`));
          const after = ys.map((y) => rule(`r${y}`));
          const diff = diffRules(before, after);
          const summary = ruleDiffSummary(diff);
          const kept = xs.filter((x) => ys.includes(x)).length;
          expect(summary.added).toBe(ys.length - kept);
          expect(summary.removed).toBe(xs.length - kept);
          expect(summary.changed).toBe(0);
          expect(summary.moved + summary.unchanged).toBe(kept);
          const still = diff.filter((d) => d.kind === "unchanged").map((d) => (d.kind === "unchanged" ? d.after.id : ""));
          const order = ids(before).filter((id) => still.includes(id));
          expect(still).toEqual(order);
          if (kept > 0 && xs.filter((x) => ys.includes(x)).join() === ys.filter((y) => xs.includes(y)).join()) expect(summary.moved).toBe(0);
        },
      ),
    );
  });
});

describe("rules in words", () => {
  const queues = {
    "queue-a": { name: "General review", open: true, deleted: false },
    "queue-c": { name: "Old", open: false, deleted: true },
    "queue-x": { name: "Night", open: false, deleted: false },
  };

  it("says each condition, and marks closed and deleted queues", () => {
    const r = rule("a", { when: { sources: ["removal_order", "trusted_flagger"], languages: ["en", "de", "fr"], copies: "alone" } });
    expect(conditionsSentence(r)).toBe(
      "When the strongest flag is from Removal order or Trusted flagger, and the language is en, de or fr, and the item has no copies.",
    );
    expect(conditionsSentence(rule("b"))).toBe("Every item.");
    expect(queueInWords("queue-c", queues)).toBe("Old (deleted)");
    expect(queueInWords("queue-x", queues)).toBe("Night (closed)");
    expect(fieldInWords(rule("b"), "platforms", queues)).toBe("any (condition left out)");
    expect(fieldInWords(rule("b"), "stage", queues)).toBe("New and reopened items");
  });
});
