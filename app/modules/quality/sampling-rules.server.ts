import { db, transaction } from "~/db.server.ts";
import { newId } from "~/modules/ids.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { QualityError } from "./errors.ts";
import { quotasOf, type SampledAction, type SamplingRuleInput, type SamplingRuleView } from "./sampling.ts";

export type SamplingRuleRow = SamplingRuleView & { name: string; active: boolean; createdAt: Date; updatedAt: Date };

const toView = (r: {
  id: string;
  name: string;
  queueId: string | null;
  labelSetId: string | null;
  moderatorId: string | null;
  percent: number;
  minPerWeek: number;
  actionQuotas: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}): SamplingRuleRow => ({ ...r, actionQuotas: JSON.parse(r.actionQuotas) as Partial<Record<SampledAction, number>> });

export async function samplingRules(): Promise<SamplingRuleRow[]> {
  return (await db.samplingRule.findMany({ orderBy: [{ active: "desc" }, { createdAt: "asc" }] })).map(toView);
}

// Rules change rarely and every decision asks for them; a read a few seconds old only delays a new rule.
const RULES_TTL_MS = 3_000;
let activeCache: { rules: Promise<SamplingRuleView[]>; until: number } | null = null;

export async function activeSamplingRules(): Promise<SamplingRuleView[]> {
  if (!activeCache || activeCache.until <= Date.now()) {
    const rules = db.samplingRule.findMany({ where: { active: true }, orderBy: { createdAt: "asc" } }).then((rows) => rows.map(toView));
    activeCache = { rules, until: Date.now() + RULES_TTL_MS };
    rules.catch(() => (activeCache = null));
  }
  return activeCache.rules;
}

/** Creates a rule (no id) or changes one; what it covers must exist. Recorded in the audit log. */
export async function saveSamplingRule(actor: Extract<Actor, { kind: "user" }>, input: SamplingRuleInput, ruleId?: string): Promise<string> {
  const id = ruleId ?? newId();
  const actionQuotas = quotasOf(input);
  await transaction(async (tx) => {
    if (ruleId && !(await tx.samplingRule.findUnique({ where: { id: ruleId } })))
      throw new QualityError(404, "not_found", "That sampling rule does not exist.");
    if (input.queueId && !(await tx.queue.findFirst({ where: { id: input.queueId, deletedAt: null } })))
      throw new QualityError(400, "invalid_form", "That queue does not exist.", "queueId");
    if (input.labelSetId && !(await tx.labelSet.findUnique({ where: { id: input.labelSetId } })))
      throw new QualityError(400, "invalid_form", "That label set does not exist.", "labelSetId");
    if (input.moderatorId && !(await tx.user.findFirst({ where: { id: input.moderatorId, role: { in: ["moderator", "policy_lead"] } } })))
      throw new QualityError(400, "invalid_form", "Choose a moderator or policy lead.", "moderatorId");
    const data = {
      name: input.name,
      queueId: input.queueId,
      labelSetId: input.labelSetId,
      moderatorId: input.moderatorId,
      percent: input.percent,
      minPerWeek: input.minPerWeek,
      actionQuotas: JSON.stringify(actionQuotas),
      active: input.active,
    };
    if (ruleId) await tx.samplingRule.update({ where: { id: ruleId }, data });
    else await tx.samplingRule.create({ data: { id, ...data, createdById: actor.id } });
    await appendAuditEvent(tx, {
      actor,
      action: "sampling_rule.saved",
      subjectType: "sampling_rule",
      subjectId: id,
      payload: { ruleId: id, ...data, actionQuotas, created: !ruleId },
    });
  });
  activeCache = null;
  return id;
}
