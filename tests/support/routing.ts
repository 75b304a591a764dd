import { db } from "~/db.server.ts";
import type { Actor } from "~/modules/audit/writer.server.ts";
import { createQueue } from "~/modules/queue/queues.server.ts";
import { publishRuleSet } from "~/modules/routing/editor.server.ts";
import type { QueueDeadlineHours, RoutingRule } from "~/modules/routing/rules.ts";

export const lead: Actor = { kind: "system", name: "routing test" };

/** A live queue by name (created when missing), with optional per-source deadline hours and members. */
export async function queueNamed(name: string, options: { deadlineHours?: QueueDeadlineHours; members?: string[] } = {}) {
  const existing = await db.queue.findFirst({ where: { name, deletedAt: null } });
  const queue = existing ?? (await createQueue(lead, { name, description: `${name} (test)`, deadlineHours: options.deadlineHours ?? {} }));
  for (const userId of options.members ?? []) {
    await db.queueMember.upsert({ where: { queueId_userId: { queueId: queue.id, userId } }, create: { queueId: queue.id, userId }, update: {} });
  }
  return queue;
}

export type RuleSpec = Omit<RoutingRule, "id" | "queueId" | "stage"> & { stage?: RoutingRule["stage"]; queue: string };

/** Publishes exactly these rules (queues by name, created when missing) as the next live routing version. */
export async function publishRules(rules: RuleSpec[]) {
  const resolved = [];
  for (const { queue, ...rule } of rules) resolved.push({ stage: "review" as const, ...rule, queueId: (await queueNamed(queue)).id });
  return publishRuleSet(lead, resolved, "Test routing.");
}
