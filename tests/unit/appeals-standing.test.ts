import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admissibility, appealHours, outcomeIssue, windowEnd, type AppellantRole, type ContestedDecision } from "~/modules/appeals/standing.ts";

const DECIDED = new Date("2025-03-10T12:00:00Z");
const NOW = new Date("2025-04-01T09:00:00Z");

function decision(overrides: Partial<ContestedDecision> = {}): ContestedDecision {
  return {
    id: "dec-1",
    action: "remove",
    createdAt: DECIDED,
    latestDecisionId: "dec-1",
    itemState: "decided",
    authorExternalId: "author-1",
    reporterIds: new Set(["reporter-1"]),
    ...overrides,
  };
}

const author = { role: "content_author" as const, externalId: "author-1" };
const notifier = { role: "notifier" as const, externalId: "reporter-1" };

type Row = {
  name: string;
  contested: Partial<ContestedDecision>;
  appellant: { role: AppellantRole; externalId: string };
  receivedAt?: Date;
  expect: { status: number; code: string; path: string } | null;
};

const TABLE: Row[] = [
  { name: "author against a removal", contested: {}, appellant: author, expect: null },
  { name: "author against a restriction", contested: { action: "restrict" }, appellant: author, expect: null },
  {
    name: "author of an item with no known author",
    contested: { authorExternalId: null },
    appellant: { role: "content_author", externalId: "anyone" },
    expect: null,
  },
  { name: "author against a keep", contested: { action: "keep" }, appellant: author, expect: { status: 422, code: "no_standing", path: "appellant.role" } },
  {
    name: "someone else as author",
    contested: {},
    appellant: { role: "content_author", externalId: "author-2" },
    expect: { status: 422, code: "no_standing", path: "appellant.externalId" },
  },
  { name: "notifier against a keep", contested: { action: "keep" }, appellant: notifier, expect: null },
  {
    name: "notifier against a removal",
    contested: { action: "remove" },
    appellant: notifier,
    expect: { status: 422, code: "no_standing", path: "appellant.role" },
  },
  {
    name: "notifier against a restriction",
    contested: { action: "restrict" },
    appellant: notifier,
    expect: { status: 422, code: "no_standing", path: "appellant.role" },
  },
  {
    name: "notifier who sent no flag",
    contested: { action: "keep" },
    appellant: { role: "notifier", externalId: "reporter-2" },
    expect: { status: 422, code: "no_standing", path: "appellant.externalId" },
  },
  { name: "an escalation", contested: { action: "escalate" }, appellant: author, expect: { status: 409, code: "not_final", path: "decisionId" } },
  {
    name: "a replaced decision",
    contested: { latestDecisionId: "dec-2" },
    appellant: author,
    expect: { status: 409, code: "decision_replaced", path: "decisionId" },
  },
  {
    name: "an item reopened (pending)",
    contested: { itemState: "pending" },
    appellant: author,
    expect: { status: 409, code: "under_review", path: "decisionId" },
  },
  {
    name: "an item reopened (escalated)",
    contested: { itemState: "escalated" },
    appellant: author,
    expect: { status: 409, code: "under_review", path: "decisionId" },
  },
  { name: "an item already appealed", contested: { itemState: "appealed" }, appellant: author, expect: null },
  {
    name: "receivedAt in the future",
    contested: {},
    appellant: author,
    receivedAt: new Date(NOW.getTime() + 3_600_000),
    expect: { status: 400, code: "invalid_request", path: "receivedAt" },
  },
  { name: "receivedAt within the clock skew", contested: {}, appellant: author, receivedAt: new Date(NOW.getTime() + 60_000), expect: null },
  {
    name: "receivedAt before the decision",
    contested: {},
    appellant: author,
    receivedAt: new Date(DECIDED.getTime() - 1),
    expect: { status: 400, code: "invalid_request", path: "receivedAt" },
  },
  {
    name: "seven months later",
    contested: { createdAt: new Date("2024-08-01T00:00:00Z") },
    appellant: author,
    expect: { status: 422, code: "out_of_window", path: "receivedAt" },
  },
  // An escalation is refused as not final even when it is also out of the window and by a stranger.
  {
    name: "an old escalation by a stranger",
    contested: { action: "escalate", createdAt: new Date("2020-01-01T00:00:00Z") },
    appellant: { role: "notifier", externalId: "x" },
    expect: { status: 409, code: "not_final", path: "decisionId" },
  },
];

describe("admissibility", () => {
  it.each(TABLE)("$name", (row) => {
    const refusal = admissibility(decision(row.contested), row.appellant, row.receivedAt ?? NOW, NOW, 6);
    if (row.expect === null) {
      expect(refusal).toBeNull();
    } else {
      expect(refusal).toMatchObject(row.expect);
      expect(refusal!.message.length).toBeGreaterThan(20);
    }
  });

  it("the out-of-window message names the window and the day it closed", () => {
    const refusal = admissibility(decision({ createdAt: new Date("2024-08-01T00:00:00Z") }), author, NOW, NOW, 6);
    expect(refusal?.message).toContain("6 months");
    expect(refusal?.message).toContain("2025-02-01");
  });

  const instant = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2090-01-01T00:00:00Z"), noInvalidDate: true });
  const months = fc.integer({ min: 6, max: 120 });

  it("the window is open up to its last moment and closed one millisecond after", () => {
    fc.assert(
      fc.property(instant, months, (decidedAt, m) => {
        const end = windowEnd(decidedAt, m);
        const far = new Date(end.getTime() + 86_400_000);
        const contested = decision({ createdAt: decidedAt });
        expect(admissibility(contested, author, end, far, m)).toBeNull();
        expect(admissibility(contested, author, new Date(end.getTime() + 1), far, m)).toMatchObject({ code: "out_of_window", status: 422 });
      }),
    );
  });

  it("the window is never shorter than the months it is set to (at least 28 days a month)", () => {
    fc.assert(
      fc.property(instant, months, (decidedAt, m) => {
        const end = windowEnd(decidedAt, m);
        expect(end.getTime() - decidedAt.getTime()).toBeGreaterThanOrEqual(m * 28 * 86_400_000);
        // A longer setting never closes the window earlier.
        expect(windowEnd(decidedAt, m + 1).getTime()).toBeGreaterThan(end.getTime());
      }),
    );
  });

  it("every refusal has a status, a code, a field and a sentence; an admitted appeal has none", () => {
    const contested = fc.record({
      id: fc.constantFrom("dec-1", "dec-2"),
      action: fc.constantFrom("keep", "remove", "restrict", "escalate"),
      createdAt: instant,
      latestDecisionId: fc.constantFrom("dec-1", "dec-2"),
      itemState: fc.constantFrom("pending", "escalated", "decided", "appealed"),
      authorExternalId: fc.option(fc.constantFrom("author-1", "author-2"), { nil: null }),
      reporterIds: fc.subarray(["reporter-1", "reporter-2"]).map((ids) => new Set(ids)),
    });
    const appellant = fc.record({
      role: fc.constantFrom<AppellantRole>("content_author", "notifier"),
      externalId: fc.constantFrom("author-1", "author-2", "reporter-1", "reporter-2"),
    });
    fc.assert(
      fc.property(contested, appellant, instant, instant, months, (c, a, receivedAt, now, m) => {
        const refusal = admissibility(c, a, receivedAt, now, m);
        if (refusal === null) {
          // Admitted only when every rule holds.
          expect(c.action).not.toBe("escalate");
          expect(c.latestDecisionId).toBe(c.id);
          expect(["decided", "appealed"]).toContain(c.itemState);
          expect(receivedAt.getTime()).toBeGreaterThanOrEqual(c.createdAt.getTime());
          expect(receivedAt.getTime()).toBeLessThanOrEqual(windowEnd(c.createdAt, m).getTime());
          if (a.role === "content_author") expect(["remove", "restrict"]).toContain(c.action);
          else {
            expect(c.action).toBe("keep");
            expect(c.reporterIds.has(a.externalId)).toBe(true);
          }
          return;
        }
        expect([400, 404, 409, 422]).toContain(refusal.status);
        expect(refusal.code).toMatch(/^[a-z_]+$/);
        expect(refusal.path).toBeTruthy();
        expect(refusal.message.trim().length).toBeGreaterThan(20);
        expect(refusal.message.trim()).toMatch(/[.)]$/);
      }),
    );
  });
});

describe("appealHours", () => {
  it("takes the queue's hours, else the default, and caps a removal under a removal order at two weeks", () => {
    expect(appealHours(100, 336, false)).toBe(100);
    expect(appealHours(undefined, 500, false)).toBe(500);
    expect(appealHours(undefined, 500, true)).toBe(336);
    expect(appealHours(24, 500, true)).toBe(24);
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 1, max: 8760 }), { nil: undefined }), fc.integer({ min: 1, max: 8760 }), (q, d) => {
        expect(appealHours(q, d, true)).toBeLessThanOrEqual(336);
        expect(appealHours(q, d, true)).toBeLessThanOrEqual(appealHours(q, d, false));
      }),
    );
  });
});

describe("outcomeIssue", () => {
  const removal = { action: "remove", labelKeys: ["ve_glorification"] };
  const keep = { action: "keep", labelKeys: ["ve_news_reporting"] };

  it.each([
    { name: "uphold needs nothing", choice: { outcome: "upheld" as const }, contested: removal, path: null },
    {
      name: "overturn of a removal to keep",
      choice: { outcome: "overturned" as const, action: "keep", labelKeys: ["ve_news_reporting"] },
      contested: removal,
      path: null,
    },
    {
      name: "overturn of a keep to restrict",
      choice: { outcome: "overturned" as const, action: "restrict", labelKeys: ["ve_representation"] },
      contested: keep,
      path: null,
    },
    { name: "overturn without an action", choice: { outcome: "overturned" as const }, contested: removal, path: "action" },
    { name: "overturn to an escalation", choice: { outcome: "overturned" as const, action: "escalate" }, contested: removal, path: "action" },
    { name: "overturn of a removal to a restriction", choice: { outcome: "overturned" as const, action: "restrict" }, contested: removal, path: "action" },
    { name: "overturn of a keep to keep", choice: { outcome: "overturned" as const, action: "keep" }, contested: keep, path: "action" },
    {
      name: "modify a removal to a restriction",
      choice: { outcome: "modified" as const, action: "restrict", labelKeys: ["ve_representation"] },
      contested: removal,
      path: null,
    },
    {
      name: "modify the labels only",
      choice: { outcome: "modified" as const, action: "remove", labelKeys: ["ve_representation"] },
      contested: removal,
      path: null,
    },
    { name: "modify into a reversal", choice: { outcome: "modified" as const, action: "keep", labelKeys: [] }, contested: removal, path: "action" },
    { name: "modify without an action", choice: { outcome: "modified" as const, labelKeys: ["x"] }, contested: removal, path: "action" },
    {
      name: "modify to the same decision (labels in another order)",
      choice: { outcome: "modified" as const, action: "remove", labelKeys: ["b", "a"] },
      contested: { action: "remove", labelKeys: ["a", "b"] },
      path: "labelIds",
    },
  ])("$name", ({ choice, contested, path }) => {
    const issue = outcomeIssue(choice, contested);
    if (path === null) expect(issue).toBeNull();
    else {
      expect(issue?.path).toBe(path);
      expect(issue!.message.length).toBeGreaterThan(15);
    }
  });

  it("an accepted overturn always reverses the direction, an accepted modification never does", () => {
    const action = fc.constantFrom("keep", "remove", "restrict");
    const keys = fc.subarray(["a", "b", "c"]);
    fc.assert(
      fc.property(
        fc.constantFrom("overturned" as const, "modified" as const),
        action,
        keys,
        action,
        keys,
        (outcome, newAction, newKeys, oldAction, oldKeys) => {
          const issue = outcomeIssue({ outcome, action: newAction, labelKeys: newKeys }, { action: oldAction, labelKeys: oldKeys });
          const reverses = (newAction === "keep") !== (oldAction === "keep");
          if (outcome === "overturned") expect(issue === null).toBe(reverses);
          else {
            const same = newAction === oldAction && [...newKeys].sort().join() === [...oldKeys].sort().join();
            expect(issue === null).toBe(!reverses && !same);
          }
        },
      ),
    );
  });
});
