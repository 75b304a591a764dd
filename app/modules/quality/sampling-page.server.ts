import { db } from "~/db.server.ts";
import { samplingRules } from "./sampling-rules.server.ts";

/** The sampling page: the rules with their scope named, the choices for the form, and this week's sampling. */
export async function samplingPage() {
  const [rules, queues, sets, people, sampled] = await Promise.all([
    samplingRules(),
    db.queue.findMany({ where: { deletedAt: null }, select: { id: true, name: true }, orderBy: { name: "asc" } }),
    db.labelSet.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } }),
    db.user.findMany({
      where: { role: { in: ["moderator", "policy_lead"] }, disabled: false },
      select: { id: true, name: true, email: true },
      orderBy: { name: "asc" },
    }),
    db.qualityReview.groupBy({ by: ["ruleId"], _count: { _all: true } }),
  ]);
  const name = <T extends { id: string; name: string }>(list: T[], id: string | null) => (id ? (list.find((x) => x.id === id)?.name ?? "(removed)") : null);
  const counts = new Map(sampled.map((s) => [s.ruleId, s._count._all]));
  return {
    rules: rules.map((r) => ({
      ...r,
      queueName: name(queues, r.queueId),
      labelSetName: name(sets, r.labelSetId),
      moderatorName: name(people, r.moderatorId),
      sampled: counts.get(r.id) ?? 0,
    })),
    choices: { queues, sets, people },
  };
}
