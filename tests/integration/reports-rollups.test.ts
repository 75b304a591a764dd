// The report rollups are folded from the audit log as events happen. Whatever sequence of intake,
// decisions, escalations, moves, appeals and reversals happened, and wherever the incremental folds
// fell in it, the rollups equal a rebuild from the whole log; and the figures that can be counted
// from the rows themselves (open items per queue, notices per source, decisions, appeals) equal
// that count. The seed is fixed so a failure is reproducible; DOCKET_PROPERTY_SEED explores others.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { claimAppealOrWhy } from "~/modules/appeals/claims.server.ts";
import { decideAppeal } from "~/modules/appeals/review.server.ts";
import { atTime } from "~/modules/clock/clock.server.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import type { FlagRequest } from "~/modules/intake/schema.ts";
import { SOURCES, type Source } from "~/modules/items/sources.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { moveItem } from "~/modules/queue/assignment.server.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { closeQueue, createQueue, reopenQueue, updateQueue } from "~/modules/queue/queues.server.ts";
import { weekStart } from "~/modules/reporting/days.ts";
import { totalCounts } from "~/modules/reporting/read.server.ts";
import { foldOnce, foldPending, rebuildRollups } from "~/modules/reporting/rollups.server.ts";
import { appealAgainst, liveLabelIds } from "../support/appeals.ts";
import { makeUser } from "../support/fixtures.ts";

const SEED = Number(process.env.DOCKET_PROPERTY_SEED ?? 20_261_202);
const TIMEOUT_MS = 300_000;

type User = Awaited<ReturnType<typeof makeUser>>;
const LABEL_FOR: Record<DecisionAction, string> = {
  keep: "ve_news_reporting",
  remove: "ve_glorification",
  restrict: "ve_representation",
  escalate: "ve_needs_specialist",
};
const intake = { platform: "test", apiKeyId: null, actor: { kind: "system", name: "test intake" } } as const;
const otherPlatform = { platform: "other", apiKeyId: null, actor: { kind: "system", name: "test intake" } } as const;

let labels: Map<string, string>;
let moderator: User;
let reviewer: User;
let lead: User;
let spareQueueId: string;

beforeAll(async () => {
  await ensureStarterLabelSet({ kind: "system", name: "test setup" });
  labels = await liveLabelIds();
  lead = await makeUser("policy_lead");
  const spare = await createQueue(
    { kind: "user", id: lead.id, email: lead.email, role: "policy_lead" },
    { name: "Spare review", description: "", deadlineHours: { user_report: 6, trusted_flagger: 2 } },
  );
  spareQueueId = spare.id;
  // Escalations run on their own clock, so an escalation moves the item's deadline.
  const escalations = await db.queue.findUniqueOrThrow({ where: { id: "queue-escalations" } });
  await updateQueue({ kind: "user", id: lead.id, email: lead.email, role: "policy_lead" }, escalations.id, {
    name: escalations.name,
    description: escalations.description,
    deadlineHours: { user_report: 5, trusted_flagger: 3, automated: 8 },
  });
  moderator = await makeUser("moderator");
  reviewer = await makeUser("moderator");
});

const Step = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("flag" as const), source: fc.constantFrom(...SOURCES), known: fc.boolean(), other: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("batch" as const), sources: fc.array(fc.constantFrom(...SOURCES), { minLength: 2, maxLength: 6 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("decide" as const), action: fc.constantFrom<DecisionAction>("keep", "remove", "restrict", "escalate") }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("lead_decides" as const), action: fc.constantFrom<DecisionAction>("keep", "remove") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("move" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("close_spare" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("appeal" as const),
      outcome: fc.constantFrom("upheld", "overturned", "modified") as fc.Arbitrary<"upheld" | "overturned" | "modified">,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("fold" as const), batch: fc.integer({ min: 1, max: 7 }) }) },
);
type Step = typeof Step extends fc.Arbitrary<infer T> ? T : never;

const content = (externalId: string, source: Source, n: number): FlagRequest => ({
  content: {
    externalId,
    type: "text",
    title: `Report ${n} about the Grey Lantern Circle`,
    body: `Fictional test text ${n}: a made-up news item about the Grey Lantern Circle and the town of Easthaven, written for a test. ${randomUUID()}`,
    author: { externalId: `author-${externalId}`, handle: `handle_${n}` },
  },
  flag: {
    externalId: `flag-${randomUUID()}`,
    source,
    reason: n % 3 === 0 ? "hate_speech" : "violent_extremism",
    reporterId: `reporter-${n}`,
    ...(source === "removal_order" || source === "authority_referral" ? { reference: `REF-TEST-${n}` } : {}),
  },
});

/** Claims the item as the review screen does and decides it; false when someone else holds it. */
async function claimAndDecide(user: User, itemId: string, action: DecisionAction): Promise<boolean> {
  const claim = await claimItem(user, itemId);
  if (!claim) return false;
  await decide(user, { itemId, claimId: claim.claimId, action, labelIds: [labels.get(LABEL_FOR[action])!], rationale: "Fictional test rationale." });
  return true;
}

let counter = 0;
async function run(step: Step): Promise<void> {
  const n = ++counter;
  switch (step.kind) {
    case "flag": {
      const known = step.known ? await db.item.findFirst({ where: { platform: step.other ? "other" : "test" }, orderBy: { id: "desc" }, skip: n % 5 }) : null;
      await ingestFlags(step.other ? otherPlatform : intake, [content(known?.externalId ?? `post-${n}`, step.source, n)], "single");
      return;
    }
    case "batch":
      await ingestFlags(
        intake,
        step.sources.map((source, i) => content(`post-${n}-${i % 3}`, source, n * 10 + i)),
        "batch",
      );
      return;
    case "decide": {
      const item = await db.item.findFirst({ where: { state: "pending", queueId: { not: null } }, orderBy: { priority: "desc" } });
      if (!item) return;
      await claimAndDecide(moderator, item.id, step.action);
      return;
    }
    case "lead_decides": {
      const item = await db.item.findFirst({ where: { state: "escalated" } });
      if (!item) return;
      await claimAndDecide(lead, item.id, step.action);
      return;
    }
    case "move": {
      const item = await db.item.findFirst({ where: { state: "pending", queueId: { not: null, notIn: [spareQueueId] }, claimedById: null } });
      if (!item) return;
      await moveItem(lead, { itemId: item.id, queueId: spareQueueId, reason: "Test move." });
      return;
    }
    case "appeal": {
      const decision = await db.decision.findFirst({
        where: { action: { not: "escalate" }, userId: moderator.id, item: { state: "decided", platform: "test" }, supersedesId: null, appeals: { none: {} } },
        orderBy: { seq: "desc" },
        include: { item: true },
      });
      if (!decision) return;
      const notifier = await db.flag.findFirst({ where: { itemId: decision.itemId, reporterId: { not: null } }, orderBy: { receivedAt: "asc" } });
      const { appealId } = await appealAgainst(
        { decision, externalId: decision.item.externalId },
        decision.action === "keep" ? { role: "notifier", appellantId: notifier?.reporterId ?? "nobody" } : {},
      );
      const claim = await claimAppealOrWhy(reviewer, appealId);
      if ("refused" in claim) return;
      // Modifying changes a restriction's kind; lifting it, or restricting what was kept, overturns.
      const outcome = step.outcome === "modified" && decision.action === "keep" ? "overturned" : step.outcome;
      const action = outcome === "modified" ? (decision.action === "remove" ? "restrict" : "remove") : decision.action === "keep" ? "remove" : "keep";
      await decideAppeal(reviewer, {
        appealId,
        claimId: claim.claimId,
        outcome,
        ...(outcome === "upheld" ? {} : { action, labelIds: [labels.get(LABEL_FOR[action])!] }),
        rationale: "Fictional test rationale.",
        summary: "Fictional test answer.",
      });
      return;
    }
    case "close_spare": {
      // Its open items wait unrouted; the queue opens again so later moves have somewhere to go.
      const actor = { kind: "user", id: lead.id, email: lead.email, role: "policy_lead" } as const;
      await closeQueue(actor, spareQueueId);
      await reopenQueue(actor, spareQueueId);
      return;
    }
    case "fold":
      await foldOnce(step.batch);
      return;
  }
}

const snapshot = async () => ({
  counts: (
    await db.reportCount.findMany({ orderBy: [{ metric: "asc" }, { day: "asc" }, { platform: "asc" }, { queueId: "asc" }, { k1: "asc" }, { k2: "asc" }] })
  )
    .filter((c) => c.n !== 0)
    .map((c) => `${c.metric}|${c.day}|${c.platform}|${c.queueId}|${c.k1}|${c.k2}=${c.n}`),
  items: (await db.reportItem.findMany({ orderBy: { itemId: "asc" } })).map((i) => JSON.stringify(i)),
  appeals: (await db.reportAppeal.findMany({ orderBy: { appealId: "asc" } })).map((a) => JSON.stringify(a)),
  misses: (await db.reportMiss.findMany({ orderBy: { seq: "asc" } })).map((m) => JSON.stringify(m)),
});

// Per queue, the rows of every platform ("*") and one queue; otherwise the rows of everything.
const sum = async (metric: string, by: "k1" | "k2" | "queueId") =>
  Object.fromEntries(
    (
      await db.reportCount.groupBy({
        by: [by],
        where: { metric, platform: "*", queueId: by === "queueId" ? { not: "*" } : "*" },
        _sum: { n: true },
      })
    )
      .filter((r) => (r._sum.n ?? 0) !== 0)
      .map((r) => [r[by], r._sum.n]),
  );

describe("report rollups", () => {
  it(
    "incremental folds equal a rebuild from the whole log, and the row counts, after random histories",
    async () => {
      // Each history starts where the last ended, on a later day: the clock moves through three weeks.
      let at = Date.now() - 21 * 86_400_000;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(Step, fc.integer({ min: 1, max: 600 })), { minLength: 10, maxLength: 40 }), async (steps) => {
          for (const [step, minutes] of steps) {
            at += minutes * 60_000;
            await atTime(new Date(at), () => run(step));
          }
          await foldPending(Number.MAX_SAFE_INTEGER);
          const incremental = await snapshot();
          await rebuildRollups();
          expect(await snapshot()).toEqual(incremental);

          const open = await db.item.groupBy({ by: ["queueId"], where: { state: { in: ["pending", "escalated"] } }, _count: { _all: true } });
          expect(await sum("depth.delta", "queueId")).toEqual(Object.fromEntries(open.map((r) => [r.queueId ?? "", r._count._all])));
          const flags = await db.flag.groupBy({ by: ["source"], _count: { _all: true } });
          expect(await sum("notices.received", "k1")).toEqual(Object.fromEntries(flags.map((r) => [r.source, r._count._all])));
          const decisions = await db.decision.groupBy({ by: ["action"], _count: { _all: true } });
          expect(await sum("decisions.made", "k1")).toEqual(Object.fromEntries(decisions.map((r) => [r.action, r._count._all])));
          const appeals = await db.appeal.count();
          expect(Object.values(await sum("appeals.received", "k1")).reduce((a, b) => Number(a) + Number(b), 0)).toBe(appeals);
          const outcomes = await db.appeal.groupBy({ by: ["outcome"], where: { state: "decided" }, _count: { _all: true } });
          expect(await sum("appeals.decided", "k1")).toEqual(Object.fromEntries(outcomes.map((r) => [r.outcome, r._count._all])));
          // Every open item waits, in the fold's account, in its own queue under its own deadline.
          const openItems = await db.item.findMany({ where: { state: { in: ["pending", "escalated"] } }, select: { id: true, queueId: true, dueAt: true } });
          const folded = new Map((await db.reportItem.findMany({ where: { open: 1 } })).map((r) => [r.itemId, r]));
          expect(folded.size).toBe(openItems.length);
          for (const item of openItems) {
            expect({ queueId: folded.get(item.id)?.queueId, dueAt: folded.get(item.id)?.dueAt?.getTime() ?? null }, item.id).toEqual({
              queueId: item.queueId ?? "",
              dueAt: item.dueAt?.getTime() ?? null,
            });
          }
          expect((await sum("deadline.result", "k2")).missed ?? 0).toBe(await db.reportMiss.count());
          // The weekly rows are the daily rows summed by week, and a long read through them gives the days' totals.
          const rows = await db.reportCount.findMany();
          const weeks = new Map<string, number>();
          const fromDays = new Map<string, number>();
          for (const r of rows) {
            if (r.metric.endsWith("@week")) weeks.set(`${r.metric}|${r.day}|${r.platform}|${r.queueId}|${r.k1}|${r.k2}`, r.n);
            else if (r.metric !== "depth.delta") {
              const key = `${r.metric}@week|${weekStart(r.day)}|${r.platform}|${r.queueId}|${r.k1}|${r.k2}`;
              fromDays.set(key, (fromDays.get(key) ?? 0) + r.n);
            }
          }
          const nonZero = (m: Map<string, number>) => [...m].filter(([, n]) => n !== 0).sort(([a], [b]) => a.localeCompare(b));
          expect(nonZero(weeks)).toEqual(nonZero(fromDays));
          const days = rows.filter((r) => !r.metric.includes("@")).map((r) => r.day);
          const all = { from: days.reduce((a, b) => (a < b ? a : b)), to: days.reduce((a, b) => (a > b ? a : b)) };
          const viaDays = await sum("decisions.made", "k1");
          const viaWeeks: Record<string, number> = {};
          for (const c of await totalCounts("decisions.made", all)) viaWeeks[c.k1] = (viaWeeks[c.k1] ?? 0) + c.n;
          expect(viaWeeks).toEqual(viaDays);
          const replaced = await db.decision.count({ where: { supersedesId: { not: null } } });
          expect(Object.values(await sum("decisions.reversed", "k1")).reduce((a, b) => Number(a) + Number(b), 0)).toBe(replaced);
        }),
        { seed: SEED, numRuns: 12 },
      );
      // The histories reached every path the fold follows.
      const happened = Object.fromEntries((await db.auditEvent.groupBy({ by: ["action"], _count: { _all: true } })).map((r) => [r.action, r._count._all]));
      for (const action of [
        "flag.received",
        "flag.batch_received",
        "item.reopened",
        "item.moved",
        "item.routed",
        "item.claimed",
        "decision.made",
        "appeal.decided",
      ]) {
        expect(happened[action] ?? 0, action).toBeGreaterThan(0);
      }
      expect(await db.decision.count({ where: { supersedesId: { not: null } } })).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );

  it("an item the log never introduced one by one (a batch taken before batches were named) nets out when it is decided", async () => {
    const before = await db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    const [a, b] = await ingestFlags(
      intake,
      [content(`unnamed-${randomUUID()}`, "user_report", 1), content(`unnamed-${randomUUID()}`, "user_report", 2)],
      "batch",
    );
    await db.flag.updateMany({ where: { itemId: { in: [a.itemId, b.itemId] } }, data: { batchId: null } });
    if (!(await claimAndDecide(moderator, a.itemId, "remove"))) throw new Error("could not claim the unnamed item");
    expect((await db.auditHead.findUniqueOrThrow({ where: { id: 1 } })).seq).toBeGreaterThan(before.seq);
    await rebuildRollups();
    // The decided item was counted open from its first flag and closed by its decision; the other, never
    // named by any event, is not in the rollups at all (record 046).
    const open = await db.item.count({ where: { state: { in: ["pending", "escalated"] }, id: { not: b.itemId } } });
    expect(Object.values(await sum("depth.delta", "queueId")).reduce((x, y) => Number(x) + Number(y), 0)).toBe(open);
    expect(await db.reportItem.findUnique({ where: { itemId: a.itemId } })).toMatchObject({ open: 0 });
    expect(await db.reportItem.findUnique({ where: { itemId: b.itemId } })).toBeNull();
  });
});
