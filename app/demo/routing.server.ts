import { db } from "~/db.server.ts";
import type { Actor } from "~/modules/audit/writer.server.ts";
import { addMember, closeQueue, createQueue, deleteQueue } from "~/modules/queue/queues.server.ts";
import { publishRuleSet } from "~/modules/routing/editor.server.ts";
import type { QueueDeadlineHours, RoutingRule } from "~/modules/routing/rules.ts";

const demo: Actor = { kind: "system", name: "demo" };

/** Queues the migrations create, by the name the rules below use. */
const FIXED_QUEUES: Record<string, string> = { Escalations: "queue-escalations", Appeals: "queue-appeals" };

const QUEUES: { name: string; description: string; deadlineHours: QueueDeadlineHours; members: string[]; closed?: boolean }[] = [
  {
    name: "Removal orders on call",
    description: "Removal orders (one hour, TCO Art. 3(3)) and urgent authority referrals, for the on-call team.",
    deadlineHours: { authority_referral: 4 },
    members: ["mod1@docket.test", "lead@docket.test"],
  },
  {
    name: "Violent extremism EN",
    description: "Violent-extremism notices about English-language content.",
    deadlineHours: { trusted_flagger: 12, user_report: 24 },
    members: ["mod1@docket.test", "mod2@docket.test"],
  },
  {
    name: "Violent extremism other languages",
    description: "Violent-extremism notices about content in other languages, for the team's multilingual readers.",
    deadlineHours: { user_report: 48 },
    members: ["mod2@docket.test", "lead@docket.test"],
  },
  {
    name: "Referral actions",
    description: "Copies of one item referred together by an authority: decide one and apply it to the copies.",
    deadlineHours: {},
    members: ["mod1@docket.test"],
  },
  {
    name: "Media triage",
    description: "Images from automated detection. Closed while the media team is being trained.",
    deadlineHours: { automated: 72 },
    members: ["mod2@docket.test"],
    closed: true,
  },
];

/**
 * The demo team's queues, members and routing rules (replacing the starter routing): four
 * working queues beside the starter Escalations queue, a closed one that a rule still points at, and
 * no rule for reasons outside violent extremism, so a few demo items wait unrouted from the start.
 */
export async function loadDemoRouting(): Promise<string> {
  // Migration 100 publishes a version of its own (the starter rules with the appeal rule), so that
  // one does not count as a team's routing.
  if ((await db.routingVersion.count({ where: { id: { not: "routing-appeals" } } })) > 1) return "routing already set up";
  const ids = new Map<string, string>();
  for (const q of QUEUES) {
    const existing = await db.queue.findFirst({ where: { name: q.name, deletedAt: null } });
    const queue = existing ?? (await createQueue(demo, { name: q.name, description: q.description, deadlineHours: q.deadlineHours }));
    ids.set(q.name, queue.id);
    for (const email of q.members) {
      const user = await db.user.findUnique({ where: { email } });
      if (user) await addMember(demo, queue.id, user.id);
    }
    if (q.closed) await closeQueue(demo, queue.id);
  }
  const escalations = await db.queue.findFirst({ where: { id: "queue-escalations", deletedAt: null } });
  const lead = await db.user.findUnique({ where: { email: "lead@docket.test" } });
  if (escalations && lead) await addMember(demo, escalations.id, lead.id);
  const rule = (name: string, queue: string, when: RoutingRule["when"], stage: RoutingRule["stage"] = "review") => ({
    name,
    stage,
    when,
    queueId: FIXED_QUEUES[queue] ?? ids.get(queue)!,
  });
  const { number } = await publishRuleSet(
    demo,
    [
      rule("Escalations to the policy leads", "Escalations", {}, "escalation"),
      rule("Removal orders to on call", "Removal orders on call", { sources: ["removal_order"] }),
      rule("Referred copies together", "Referral actions", { sources: ["authority_referral"], copies: "grouped" }),
      rule("Automated image hits to media triage", "Media triage", { sources: ["automated"], contentTypes: ["image"] }),
      rule("English violent extremism", "Violent extremism EN", { labelSets: ["violent_extremism"], languages: ["en"] }),
      rule("Other languages", "Violent extremism other languages", { labelSets: ["violent_extremism"] }),
      rule("Appeals to the Appeals queue", "Appeals", {}, "appeal"),
    ],
    "Demo team routing: on call for removal orders, violent extremism split by language, referred copies together, appeals to the Appeals queue.",
  );
  // The starter queue has no rule left pointing at it and holds nothing yet.
  const general = await db.queue.findFirst({ where: { id: "queue-general-review", deletedAt: null } });
  if (general) await deleteQueue(demo, general.id);
  return `${QUEUES.length} queues and routing version ${number}`;
}
