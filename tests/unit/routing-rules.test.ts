import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SOURCES } from "~/modules/items/sources.ts";
import { publishWarnings, routeItem, ruleMatches, type QueueTarget, type RoutingRule, type RoutingSubject } from "~/modules/routing/rules.ts";

const queues = new Map<string, QueueTarget>(
  [
    { id: "oncall", name: "Removal orders on call", open: true, deleted: false },
    { id: "ve-en", name: "Violent extremism EN", open: true, deleted: false },
    { id: "ve-other", name: "Violent extremism other languages", open: true, deleted: false },
    { id: "esc", name: "Escalations", open: true, deleted: false },
    { id: "copies", name: "Copy campaigns", open: true, deleted: false },
    { id: "closed", name: "Night shift", open: false, deleted: false },
    { id: "gone", name: "Old queue", open: true, deleted: true },
  ].map((q) => [q.id, q]),
);

const rule = (id: string, queueId: string, when: RoutingRule["when"] = {}, stage: RoutingRule["stage"] = "review"): RoutingRule => ({
  id,
  name: id,
  stage,
  when,
  queueId,
});

/** Three rule sets a team might publish: by source and language, with a catch-all; one with mis-targets; one by platform and type. */
const RULE_SETS: Record<string, RoutingRule[]> = {
  team: [
    rule("esc", "esc", {}, "escalation"),
    rule("orders", "oncall", { sources: ["removal_order"] }),
    rule("copies", "copies", { copies: "grouped", sources: ["authority_referral"] }),
    rule("ve-en", "ve-en", { reasons: ["violent_extremism"], languages: ["en"] }),
    rule("ve-other", "ve-other", { labelSets: ["violent-extremism"] }),
  ],
  misTargeted: [
    rule("orders-night", "closed", { sources: ["removal_order"] }),
    rule("orders", "oncall", { sources: ["removal_order"] }),
    rule("old", "gone", { languages: ["de"] }),
    rule("ve", "ve-en", { reasons: ["violent_extremism"] }),
  ],
  byPlatform: [
    rule("esc-video", "esc", { contentTypes: ["video"] }, "escalation"),
    rule("forum-text", "ve-other", { platforms: ["forum"], contentTypes: ["text", "link"] }),
    rule("video", "ve-en", { contentTypes: ["video", "image"] }),
    rule("trusted", "oncall", { sources: ["trusted_flagger", "removal_order"] }),
  ],
};

const subject = (s: Partial<RoutingSubject>): RoutingSubject => ({
  stage: "review",
  source: "user_report",
  reasons: ["violent_extremism"],
  language: "en",
  platform: "social",
  contentType: "text",
  labelSets: ["violent-extremism"],
  inCopyGroup: false,
  ...s,
});

// [rule set, flag (the item as it stands), expected queue id or null for unrouted, expected rule id or null]
type Case = [string, Partial<RoutingSubject>, string | null, string | null];
const CASES: Case[] = [
  ["team", {}, "ve-en", "ve-en"],
  ["team", { source: "removal_order" }, "oncall", "orders"],
  ["team", { source: "removal_order", language: "de" }, "oncall", "orders"],
  ["team", { language: "de" }, "ve-other", "ve-other"],
  ["team", { language: "pt-BR" }, "ve-other", "ve-other"],
  ["team", { language: "en-GB" }, "ve-en", "ve-en"],
  ["team", { language: null }, "ve-other", "ve-other"],
  ["team", { reasons: ["spam"], labelSets: [] }, null, null],
  ["team", { reasons: ["spam", "violent_extremism"] }, "ve-en", "ve-en"],
  ["team", { source: "authority_referral", inCopyGroup: true }, "copies", "copies"],
  ["team", { source: "authority_referral", inCopyGroup: false }, "ve-en", "ve-en"],
  ["team", { source: "user_report", inCopyGroup: true }, "ve-en", "ve-en"],
  ["team", { stage: "escalation" }, "esc", "esc"],
  ["team", { stage: "escalation", source: "removal_order" }, "esc", "esc"],
  ["team", { reasons: ["hate"], labelSets: [], language: "de" }, null, null],
  ["misTargeted", { source: "removal_order" }, null, "orders-night"],
  ["misTargeted", { language: "de" }, null, "old"],
  ["misTargeted", { language: "de", source: "removal_order" }, null, "orders-night"],
  ["misTargeted", {}, "ve-en", "ve"],
  ["misTargeted", { reasons: ["spam"] }, null, null],
  ["misTargeted", { stage: "escalation" }, null, null],
  ["misTargeted", { language: "fr" }, "ve-en", "ve"],
  ["byPlatform", {}, null, null],
  ["byPlatform", { platform: "forum" }, "ve-other", "forum-text"],
  ["byPlatform", { platform: "forum", contentType: "link" }, "ve-other", "forum-text"],
  ["byPlatform", { platform: "forum", contentType: "video" }, "ve-en", "video"],
  ["byPlatform", { contentType: "image" }, "ve-en", "video"],
  ["byPlatform", { source: "trusted_flagger" }, "oncall", "trusted"],
  ["byPlatform", { source: "trusted_flagger", contentType: "video" }, "ve-en", "video"],
  ["byPlatform", { stage: "escalation", contentType: "video" }, "esc", "esc-video"],
  ["byPlatform", { stage: "escalation", contentType: "text" }, null, null],
  ["byPlatform", { source: "automated", contentType: "audio" }, null, null],
];

describe("routing: first match wins", () => {
  it.each(CASES)("%s: %j → %s (rule %s)", (set, s, queueId, ruleId) => {
    const result = routeItem({ number: 7, rules: RULE_SETS[set] }, queues, subject(s));
    expect(result.queueId).toBe(queueId);
    expect(result.rule?.id ?? null).toBe(ruleId);
    if (queueId === null) {
      expect(result.routed).toBe(false);
      expect(result.note).toMatch(ruleId ? /closed|deleted/ : /No rule of routing version 7 matches/);
    } else {
      expect(result.routedBy).toBe(`rule:${ruleId}@7`);
    }
  });

  it("with no published version, nothing is routed", () => {
    expect(routeItem(null, queues, subject({}))).toMatchObject({ routed: false, queueId: null, note: "No routing rules are published." });
  });

  const arbitrarySubject = fc.record({
    stage: fc.constantFrom("review" as const, "escalation" as const),
    source: fc.constantFrom(...SOURCES),
    reasons: fc.subarray(["violent_extremism", "spam", "hate"], { minLength: 1 }),
    language: fc.constantFrom("en", "de", "pt-BR", null),
    platform: fc.constantFrom("social", "forum"),
    contentType: fc.constantFrom("text", "link", "video", "image", "audio"),
    labelSets: fc.subarray(["violent-extremism"]),
    inCopyGroup: fc.boolean(),
  });

  it("routes to the first matching rule's queue or leaves the item unrouted; never to a later rule or any other queue", () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(RULE_SETS)), arbitrarySubject, (set, s) => {
        const rules = RULE_SETS[set];
        const result = routeItem({ number: 1, rules }, queues, s);
        const first = rules.find((r) => ruleMatches(r, s)) ?? null;
        expect(result.rule).toBe(first);
        const target = first ? queues.get(first.queueId) : undefined;
        expect(result.queueId).toBe(target && target.open && !target.deleted ? target.id : null);
      }),
    );
  });
});

describe("publish warnings", () => {
  it("name the sources no review rule can route, a missing escalation rule, and closed or deleted targets", () => {
    const warnings = publishWarnings(RULE_SETS.misTargeted, queues);
    for (const source of ["trusted_flagger", "authority_referral", "user_report", "automated"]) {
      expect(warnings.some((w) => w.includes(source))).toBe(false);
    }
    expect(warnings).toContain("No rule routes escalated items: every escalation will wait on the unrouted list.");
    expect(warnings.some((w) => w.includes('closed queue "Night shift"'))).toBe(true);
    expect(warnings.some((w) => w.includes('"old" points at a deleted queue'))).toBe(true);
    const bySource = publishWarnings([rule("orders", "oncall", { sources: ["removal_order"] })], queues);
    expect(bySource.filter((w) => w.startsWith("No rule routes") && w.includes("flags"))).toHaveLength(4);
  });
});
