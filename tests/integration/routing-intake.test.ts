import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { routeUnroutedAgain } from "~/modules/queue/assignment.server.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { closeQueue } from "~/modules/queue/queues.server.ts";
import { defaultDeadlineHours } from "~/modules/routing/live.server.ts";
import { makeUser } from "../support/fixtures.ts";
import { flagRequest, starterLabels, testSender } from "../support/queue-fixtures.ts";
import { lead, publishRules, queueNamed, type RuleSpec } from "../support/routing.ts";

const HOUR = 3_600_000;

const TEAM: RuleSpec[] = [
  { name: "Escalations", stage: "escalation", when: {}, queue: "Escalations desk" },
  { name: "Orders", when: { sources: ["removal_order"] }, queue: "On call" },
  { name: "Referred copies", when: { sources: ["authority_referral"], copies: "grouped" }, queue: "Referral actions" },
  { name: "Forum video", when: { platforms: ["forum"], contentTypes: ["video"] }, queue: "Video" },
  { name: "VE English", when: { labelSets: ["violent_extremism"], languages: ["en"] }, queue: "VE EN" },
  { name: "VE other", when: { reasons: ["violent_extremism", "terrorist_content"] }, queue: "VE other" },
];

type Flag = { source?: string; reason?: string; language?: string | null; type?: string; body?: string; platform?: string; expect: string | null };

// Thirty-two flags through the real intake (single calls and one batch): where each item lands.
const FLAGS: Flag[] = [
  { expect: "VE EN" },
  { language: "en-GB", expect: "VE EN" },
  { language: "de", expect: "VE other" },
  { language: "pt-BR", expect: "VE other" },
  { language: null, expect: "VE other" },
  { source: "removal_order", expect: "On call" },
  { source: "removal_order", language: "de", expect: "On call" },
  { source: "removal_order", reason: "spam", expect: "On call" },
  { source: "trusted_flagger", expect: "VE EN" },
  { source: "trusted_flagger", language: "fr", expect: "VE other" },
  { source: "authority_referral", expect: "VE EN" },
  // The first copy is alone when it arrives; the second joins it as a copy group.
  { source: "authority_referral", body: "A poster copied by many accounts (synthetic placeholder).", expect: "VE EN" },
  { source: "authority_referral", body: "A poster copied by many accounts (synthetic placeholder).", expect: "Referral actions" },
  { source: "user_report", body: "A poster copied by many accounts (synthetic placeholder).", expect: "VE EN" },
  { source: "automated", expect: "VE EN" },
  { source: "automated", language: "it", expect: "VE other" },
  { reason: "terrorist_content", expect: "VE EN" },
  { reason: "terrorist_content", language: "nl", expect: "VE other" },
  { reason: "spam", expect: null },
  { reason: "hate_speech", expect: null },
  { reason: "spam", language: "de", expect: null },
  { reason: "hate_speech", source: "trusted_flagger", expect: null },
  { reason: "spam", source: "automated", expect: null },
  { type: "video", expect: "VE EN" },
  { type: "video", platform: "forum", expect: "Video" },
  { type: "video", platform: "forum", reason: "spam", expect: "Video" },
  { type: "text", platform: "forum", expect: "VE EN" },
  { type: "image", platform: "forum", language: "es", expect: "VE other" },
  { platform: "forum", reason: "spam", expect: null },
  { source: "removal_order", platform: "forum", type: "video", expect: "On call" },
  { source: "authority_referral", reason: "spam", expect: null },
  { source: "user_report", reason: "terrorist_content", language: "sv", expect: "VE other" },
];

function request(f: Flag, i: number) {
  return flagRequest({
    content: {
      externalId: `route-${i}-${Math.random().toString(36).slice(2, 8)}`,
      type: f.type ?? "text",
      language: f.language === undefined ? "en" : (f.language ?? undefined),
      ...(f.body ? { title: "Poster", body: f.body } : {}),
    },
    flag: { source: f.source ?? "user_report", reason: f.reason ?? "violent_extremism" },
  });
}

async function queueOfItem(itemId: string) {
  const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
  const queue = item.queueId ? await db.queue.findUniqueOrThrow({ where: { id: item.queueId } }) : null;
  return { item, name: queue?.name ?? null };
}

beforeAll(async () => {
  await starterLabels();
  await queueNamed("On call", { deadlineHours: { removal_order: 0.5, authority_referral: 4 } });
  await queueNamed("VE EN", { deadlineHours: { user_report: 6 } });
  await publishRules(TEAM);
});

describe("routing at intake", () => {
  it("sends each of 32 flags to the first matching rule's queue, and leaves the unmatched unrouted with the reason, never in a default queue", async () => {
    const byPlatform = (p: string | undefined) => ({ ...testSender, platform: p ?? testSender.platform });
    const results: { itemId: string; flag: Flag }[] = [];
    // Half one at a time, half as one batch per platform: both paths route alike.
    for (const [i, f] of FLAGS.slice(0, 16).entries()) {
      const [r] = await ingestFlags(byPlatform(f.platform), [request(f, i)], "single");
      results.push({ itemId: r.itemId, flag: f });
    }
    for (const platform of [undefined, "forum"]) {
      const batch = FLAGS.slice(16).filter((f) => f.platform === platform);
      const answered = await ingestFlags(
        byPlatform(platform),
        batch.map((f, i) => request(f, 100 + i)),
        "batch",
      );
      answered.forEach((r, i) => results.push({ itemId: r.itemId, flag: batch[i] }));
    }
    expect(results).toHaveLength(32);
    const starter = await db.queue.findUniqueOrThrow({ where: { id: "queue-general-review" } });
    for (const { itemId, flag } of results) {
      const { item, name } = await queueOfItem(itemId);
      expect(name, JSON.stringify(flag)).toBe(flag.expect);
      expect(item.queueId).not.toBe(starter.id);
      if (flag.expect === null) expect(item.routeNote).toMatch(/No rule of routing version \d+ matches this item/);
      else expect(item.routedBy).toMatch(/^rule:.+@\d+$/);
    }
  });

  it("sets deadlines with the queue's hours: a removal order's hour can only be shortened, other sources follow the queue", async () => {
    const receivedAt = new Date(Date.now() - 60_000);
    const at = (source: string, language = "en") =>
      flagRequest({ content: { language }, flag: { source, reason: "violent_extremism", receivedAt: receivedAt.toISOString() } });
    const [order] = await ingestFlags(testSender, [at("removal_order")], "single");
    const [referral] = await ingestFlags(testSender, [at("authority_referral")], "single");
    const [report] = await ingestFlags(testSender, [at("user_report")], "single");
    const [reportElsewhere] = await ingestFlags(testSender, [at("user_report", "de")], "single");
    const due = async (id: string) => (await db.item.findUniqueOrThrow({ where: { id } })).dueAt!.getTime() - receivedAt.getTime();
    expect(await due(order.itemId)).toBe(0.5 * HOUR);
    expect(await due(report.itemId)).toBe(6 * HOUR);
    // No override in those queues: the global defaults apply.
    const defaults = defaultDeadlineHours();
    expect(await due(referral.itemId)).toBe(defaults.authority_referral! * HOUR);
    expect(await due(reportElsewhere.itemId)).toBe(defaults.user_report! * HOUR);
  });

  it("re-routes a pending item when a stronger notice arrives, a reopened item, and an escalated one; mis-targeted rules leave items unrouted", async () => {
    const moderator = await makeUser("moderator");
    const base = flagRequest({ content: { language: "en" }, flag: { source: "user_report" } });
    const [first] = await ingestFlags(testSender, [base], "single");
    expect((await queueOfItem(first.itemId)).name).toBe("VE EN");
    // A removal order about the same content: it now belongs with the on-call team, on the order's clock.
    await ingestFlags(testSender, [{ ...base, flag: { ...base.flag, source: "removal_order", externalId: undefined } }], "single");
    const moved = await queueOfItem(first.itemId);
    expect(moved.name).toBe("On call");
    expect(moved.item.dueAt!.getTime() - Date.now()).toBeLessThanOrEqual(0.5 * HOUR);

    // Decided, then reopened by another removal order: routed again.
    const labels = await db.label.findMany({ where: { version: { status: "published" } } });
    const label = (key: string) => labels.find((l) => l.key === key)!.id;
    let claim = (await claimItem(moderator, first.itemId))!;
    await decide(moderator, { itemId: first.itemId, claimId: claim.claimId, action: "keep", labelIds: [label("ve_news_reporting")], rationale: "" });
    expect((await queueOfItem(first.itemId)).item.state).toBe("decided");
    await ingestFlags(testSender, [{ ...base, flag: { ...base.flag, source: "removal_order", externalId: undefined } }], "single");
    const reopened = await queueOfItem(first.itemId);
    expect([reopened.item.state, reopened.name]).toEqual(["pending", "On call"]);

    // Escalated: the escalation rules route it, and the audit log records where it went.
    claim = (await claimItem(moderator, first.itemId))!;
    await decide(moderator, {
      itemId: first.itemId,
      claimId: claim.claimId,
      action: "escalate",
      labelIds: [label("ve_needs_specialist")],
      rationale: "Needs a lead.",
    });
    const escalated = await queueOfItem(first.itemId);
    expect([escalated.item.state, escalated.name]).toEqual(["escalated", "Escalations desk"]);
    const routedEvent = await db.auditEvent.findFirstOrThrow({ where: { action: "item.routed", subjectId: first.itemId }, orderBy: { seq: "desc" } });
    expect(JSON.parse(routedEvent.payload)).toMatchObject({ trigger: "escalated", queueId: escalated.item.queueId });

    // Rules that point at a closed queue, and no escalation rule: items wait unrouted with the reason.
    await publishRules([
      { name: "Orders at night", when: { sources: ["removal_order"] }, queue: "Night shift" },
      { name: "VE English", when: { languages: ["en"] }, queue: "VE EN" },
    ]);
    await closeQueue(lead, (await queueNamed("Night shift")).id);
    const [night] = await ingestFlags(testSender, [flagRequest({ flag: { source: "removal_order" } })], "single");
    const stranded = await queueOfItem(night.itemId);
    expect(stranded.name).toBeNull();
    expect(stranded.item.routeNote).toMatch(/points at queue "Night shift", which is closed/);
    const [other] = await ingestFlags(testSender, [flagRequest({ content: { language: "en" } })], "single");
    const [spam] = await ingestFlags(testSender, [flagRequest({ content: { language: "de" }, flag: { reason: "spam" } })], "single");
    claim = (await claimItem(moderator, other.itemId))!;
    await decide(moderator, {
      itemId: other.itemId,
      claimId: claim.claimId,
      action: "escalate",
      labelIds: [label("ve_needs_specialist")],
      rationale: "Needs a lead.",
    });
    expect((await queueOfItem(other.itemId)).name).toBeNull();

    // The lead fixes the rules and routes the waiting items again; each gets an audit event.
    await publishRules([...TEAM]);
    const before = await db.auditEvent.count({ where: { action: "item.routed" } });
    const again = await routeUnroutedAgain({ id: (await makeUser("policy_lead")).id, email: "lead@example.test", role: "policy_lead" });
    expect(again.routed).toBeGreaterThanOrEqual(2);
    expect((await queueOfItem(night.itemId)).name).toBe("On call");
    expect((await queueOfItem(other.itemId)).name).toBe("Escalations desk");
    expect(await db.auditEvent.count({ where: { action: "item.routed" } })).toBe(before + again.routed);
    // Items no rule matches stay unrouted, with the note of this run.
    const still = await queueOfItem(spam.itemId);
    expect(still.name).toBeNull();
    expect(still.item.routeNote).toMatch(/No rule of routing version \d+ matches/);
  });
});
