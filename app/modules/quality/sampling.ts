// Which decisions go to blind second review. Pure: the rules, the decision and this week's counts in,
// a verdict out. The share is drawn from a hash of the rule and the decision, so the verdict for a
// decision is the same however often it is asked for and can be recomputed by anyone checking it.
import { createHash } from "node:crypto";
import { z } from "zod";

export const SAMPLED_ACTIONS = ["keep", "remove", "restrict"] as const;
export type SampledAction = (typeof SAMPLED_ACTIONS)[number];

export type SamplingRuleView = {
  id: string;
  queueId: string | null;
  labelSetId: string | null;
  moderatorId: string | null;
  percent: number;
  minPerWeek: number;
  actionQuotas: Partial<Record<SampledAction, number>>;
};

export type SampledDecision = { id: string; userId: string; action: string; queueId: string | null; labelSetId: string | null };

/** What this week's sampling of one moderator under one rule already holds. */
export type WeekCounts = { total: number; byAction: Partial<Record<string, number>> };

export type Verdict = { ruleId: string; because: "share" | "minimum" | `quota:${SampledAction}` };

/** A number in [0, 100) fixed by the rule and the decision. */
export function draw(ruleId: string, decisionId: string): number {
  const digest = createHash("sha256").update(`${ruleId}:${decisionId}`).digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
}

export function covers(rule: SamplingRuleView, d: SampledDecision): boolean {
  return (
    (rule.queueId === null || rule.queueId === d.queueId) &&
    (rule.labelSetId === null || rule.labelSetId === d.labelSetId) &&
    (rule.moderatorId === null || rule.moderatorId === d.userId)
  );
}

/**
 * The first covering rule that samples the decision, and why: its weekly quota for the decision's
 * action not yet met, its weekly minimum for the moderator not yet met, or the share's draw. A
 * minimum is met by the week's first decisions; the share then samples the rest at random.
 */
export function samplingVerdict(rules: SamplingRuleView[], d: SampledDecision, counts: (ruleId: string) => WeekCounts): Verdict | null {
  if (!(SAMPLED_ACTIONS as readonly string[]).includes(d.action)) return null;
  for (const rule of rules.filter((r) => covers(r, d))) {
    const week = counts(rule.id);
    const quota = rule.actionQuotas[d.action as SampledAction] ?? 0;
    if (quota > 0 && (week.byAction[d.action] ?? 0) < quota) return { ruleId: rule.id, because: `quota:${d.action as SampledAction}` };
    if (rule.minPerWeek > 0 && week.total < rule.minPerWeek) return { ruleId: rule.id, because: "minimum" };
    if (draw(rule.id, d.id) < rule.percent) return { ruleId: rule.id, because: "share" };
  }
  return null;
}

/** Monday 00:00 UTC of the week `at` falls in: weekly minimums and quotas count from there. */
export function weekStart(at: Date): Date {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * 86_400_000);
}

const optionalId = z.preprocess((v) => (v === "" ? null : v), z.string().min(1).max(64).nullable().default(null));
const quota = z.preprocess((v) => (v === "" || v === undefined ? 0 : v), z.coerce.number().int("A whole number.").min(0).max(1000));

/** The sampling rule form. */
export const SamplingRuleForm = z.object({
  name: z.string().trim().min(1, "Name the rule.").max(120),
  queueId: optionalId,
  labelSetId: optionalId,
  moderatorId: optionalId,
  percent: z.coerce.number({ invalid_type_error: "A percentage." }).min(0, "At least 0%.").max(100, "At most 100%."),
  minPerWeek: quota,
  quotaKeep: quota,
  quotaRemove: quota,
  quotaRestrict: quota,
  active: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
});
export type SamplingRuleInput = z.infer<typeof SamplingRuleForm>;

export function quotasOf(input: Pick<SamplingRuleInput, "quotaKeep" | "quotaRemove" | "quotaRestrict">): Partial<Record<SampledAction, number>> {
  const out: Partial<Record<SampledAction, number>> = {};
  if (input.quotaKeep > 0) out.keep = input.quotaKeep;
  if (input.quotaRemove > 0) out.remove = input.quotaRemove;
  if (input.quotaRestrict > 0) out.restrict = input.quotaRestrict;
  return out;
}
