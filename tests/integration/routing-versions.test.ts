import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { routingContext } from "~/modules/routing/live.server.ts";
import {
  discardRoutingDraft,
  moveDraftRule,
  publishRoutingDraft,
  removeDraftRule,
  RoutingError,
  saveDraftNote,
  saveDraftRule,
  startRoutingDraft,
} from "~/modules/routing/editor.server.ts";
import { diffRules } from "~/modules/routing/diff.ts";
import { publishWarnings } from "~/modules/routing/rules.ts";
import { liveRoutingVersion, queueTargets, routingDraft, routingHistory, routingVersionByNumber, selectableQueues } from "~/modules/routing/versions.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { makeUser } from "../support/fixtures.ts";
import { leadActor } from "../support/labels.ts";

type User = Awaited<ReturnType<typeof makeUser>>;
let lead: User;
let otherLead: User;

beforeAll(async () => {
  lead = await makeUser("policy_lead");
  otherLead = await makeUser("policy_lead");
  await ensureStarterLabelSet(leadActor(lead));
  const now = new Date();
  await db.queue.createMany({
    data: [
      { id: "queue-removal-orders", name: "Removal orders (fictional desk)" },
      { id: "queue-night", name: "Night shift", open: false },
      { id: "queue-retired", name: "Retired desk", deletedAt: now },
    ],
  });
});

const A = () => leadActor(lead);
const B = () => leadActor(otherLead);

async function expectRoutingError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RoutingError);
  expect((error as RoutingError).code).toBe(code);
  return error as RoutingError;
}

const generation = async () => Number((await db.routingState.findUniqueOrThrow({ where: { id: 1 } })).generation);
const liveCount = () => db.routingVersion.count({ where: { status: "published" } });
const draftRow = () => db.routingVersion.findFirst({ where: { status: "draft" } });
/** What the draft page would show the lead before publishing. */
const shownWarnings = async () => publishWarnings((await routingDraft())!.rules, await queueTargets());
const events = (action: string) => db.auditEvent.findMany({ where: { action }, orderBy: { seq: "asc" } });

const removalRule = { name: "Removal orders to their desk", stage: "review", queueId: "queue-removal-orders", when: { sources: ["removal_order"] } };

describe("routing drafts", () => {
  it("starting a draft copies the live rules (ids kept) and records it; starting again returns the same draft", async () => {
    const live = (await liveRoutingVersion())!;
    // Version 1 is the starter routing; version 2 added the appeal rule (migration 100).
    expect(live.number).toBe(2);
    const first = await startRoutingDraft(A());
    const again = await startRoutingDraft(B());
    expect(first).toMatchObject({ number: 3, created: true });
    expect(again).toEqual({ ...first, created: false });
    const draft = (await routingDraft())!;
    expect(draft.rules).toEqual(live.rules);
    expect(draft.createdBy).toBe(lead.email);
    const [event] = await events("routing.draft_created");
    expect(JSON.parse(event.payload)).toEqual({ versionId: first.versionId, number: 3, fromNumber: 2 });
    await discardRoutingDraft(A(), first.versionId);
    expect(await draftRow()).toBeNull();
    expect(JSON.parse((await events("routing.draft_discarded"))[0].payload)).toEqual({ versionId: first.versionId, number: 3 });
  });

  it("two leads starting a draft at the same moment share one draft", async () => {
    const results = await Promise.all([startRoutingDraft(A()), startRoutingDraft(B()), startRoutingDraft(A())]);
    expect(new Set(results.map((r) => r.versionId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await db.routingVersion.count({ where: { status: "draft" } })).toBe(1);
    await discardRoutingDraft(A(), results[0].versionId);
  });

  it("a bad rule is refused field by field and writes nothing: unknown source, unknown or deleted queue, unknown label set, unknown field", async () => {
    const { versionId } = await startRoutingDraft(A());
    const before = { rules: (await draftRow())!.rules, events: await db.auditEvent.count() };
    const cases: [unknown, string][] = [
      [{ ...removalRule, when: { sources: ["carrier_pigeon"] } }, "sources"],
      [{ ...removalRule, queueId: "queue-nowhere" }, "queueId"],
      [{ ...removalRule, queueId: "queue-retired" }, "queueId"],
      [{ ...removalRule, queueId: "" }, "queueId"],
      [{ ...removalRule, when: { labelSets: ["no_such_set"] } }, "labelSets"],
      [{ ...removalRule, when: { languages: ["english!"] } }, "languages"],
      [{ ...removalRule, when: { copies: "sometimes" } }, "copies"],
      [{ ...removalRule, name: "  " }, "name"],
      [{ ...removalRule, stage: "complaint" }, "stage"],
      [{ ...removalRule, priority: 3 }, "priority"],
    ];
    for (const [input, field] of cases) {
      const error = await expectRoutingError(saveDraftRule(A(), versionId, null, input), "invalid");
      expect(
        error.issues.map((i) => i.path),
        JSON.stringify(input),
      ).toContain(field);
    }
    expect({ rules: (await draftRow())!.rules, events: await db.auditEvent.count() }).toEqual(before);
    expect((await selectableQueues()).map((q) => q.id)).not.toContain("queue-retired");
    await discardRoutingDraft(A(), versionId);
  });

  it("adding, editing, moving and removing rules records each change with the fields that changed", async () => {
    const { versionId, number } = await startRoutingDraft(A());
    const added = await saveDraftRule(A(), versionId, null, removalRule);
    let rules = (await routingDraft())!.rules;
    expect(rules.map((r) => r.id)).toEqual(["rule-starter-escalations", "rule-starter-review", "rule-starter-appeals", added.ruleId]);

    await saveDraftRule(A(), versionId, added.ruleId, {
      ...removalRule,
      name: "Removal orders first",
      when: { sources: ["removal_order"], languages: ["DE", "en"] },
    });
    const unchanged = await saveDraftRule(A(), versionId, added.ruleId, {
      ...removalRule,
      name: "Removal orders first",
      when: { sources: ["removal_order"], languages: ["de", "en"] },
    });
    expect(unchanged.changed).toBe(false);
    await moveDraftRule(A(), versionId, added.ruleId, "up");
    await moveDraftRule(A(), versionId, added.ruleId, "up");
    await moveDraftRule(A(), versionId, added.ruleId, "up");
    await moveDraftRule(A(), versionId, added.ruleId, "up");
    rules = (await routingDraft())!.rules;
    expect(rules[0]).toMatchObject({ id: added.ruleId, name: "Removal orders first", when: { languages: ["de", "en"] } });

    const edits = (await events("routing.draft_edited")).map((e) => JSON.parse(e.payload));
    expect(edits).toEqual([
      { versionId, number, ruleId: added.ruleId, ruleName: "Removal orders to their desk", change: "rule_added" },
      { versionId, number, ruleId: added.ruleId, ruleName: "Removal orders first", change: "rule_edited", fields: ["name", "languages"] },
      { versionId, number, ruleId: added.ruleId, ruleName: "Removal orders first", change: "rule_moved", direction: "up" },
      { versionId, number, ruleId: added.ruleId, ruleName: "Removal orders first", change: "rule_moved", direction: "up" },
      { versionId, number, ruleId: added.ruleId, ruleName: "Removal orders first", change: "rule_moved", direction: "up" },
    ]);

    await removeDraftRule(A(), versionId, added.ruleId);
    expect((await routingDraft())!.rules.map((r) => r.id)).toEqual(["rule-starter-escalations", "rule-starter-review", "rule-starter-appeals"]);
    expect(JSON.parse((await events("routing.draft_edited")).at(-1)!.payload)).toMatchObject({ change: "rule_removed", ruleId: added.ruleId });
    await expectRoutingError(removeDraftRule(A(), versionId, added.ruleId), "not_found");
    await discardRoutingDraft(A(), versionId);
    await expectRoutingError(saveDraftRule(A(), versionId, null, removalRule), "conflict");
  });
});

describe("publishing routing", () => {
  it("needs a change note; warnings must be acknowledged but never block; a refused publish changes nothing", async () => {
    const { versionId } = await startRoutingDraft(A());
    await saveDraftRule(A(), versionId, null, { name: "Nights", stage: "review", queueId: "queue-night", when: { languages: ["fi"] } });
    const gen = await generation();
    const noNote = await expectRoutingError(publishRoutingDraft(A(), versionId, { changeNote: " ", acknowledgedWarnings: [] }), "invalid");
    expect(noNote.issues[0].path).toBe("changeNote");
    const note = "Finnish items to the night shift.";
    const nightWarning = 'Rule "Nights" points at the closed queue "Night shift": what it matches will be unrouted until it opens.';
    const unread = await expectRoutingError(publishRoutingDraft(A(), versionId, { changeNote: note, acknowledgedWarnings: [] }), "invalid");
    expect(unread.issues[0].path).toBe("acknowledgeWarnings");
    // A warning read earlier does not cover one that appeared since.
    const stale = await expectRoutingError(publishRoutingDraft(A(), versionId, { changeNote: note, acknowledgedWarnings: ["An older warning."] }), "invalid");
    expect(stale.message).toMatch(/New warnings appeared since the page was loaded/);
    expect(await generation()).toBe(gen);
    expect((await liveRoutingVersion())!.number).toBe(2);
    expect(await events("routing.published")).toHaveLength(0);

    await saveDraftNote(versionId, "Finnish items to the night shift.");
    expect((await routingDraft())!.changeNote).toBe("Finnish items to the night shift.");
    const done = await publishRoutingDraft(B(), versionId, { changeNote: note, acknowledgedWarnings: [nightWarning] });
    expect(done).toMatchObject({ retiredNumber: 2, warnings: [nightWarning] });
    expect(await generation()).toBe(gen + 1);
    const live = (await liveRoutingVersion())!;
    expect(live).toMatchObject({ id: versionId, status: "published", publishedBy: otherLead.email, changeNote: "Finnish items to the night shift." });
    expect(await routingVersionByNumber(2)).toMatchObject({ status: "retired", retiredAt: expect.any(Date) });
    expect((await routingContext()).version?.id).toBe(versionId);
    const [event] = await events("routing.published");
    expect(JSON.parse(event.payload)).toEqual({
      versionId,
      number: live.number,
      changeNote: "Finnish items to the night shift.",
      rules: 4,
      warnings: done.warnings,
      retiredNumber: 2,
    });
    expect(event.actorId).toBe(otherLead.id);

    const history = await routingHistory({ includeDraft: false });
    expect(history.map((v) => [v.number, v.status, v.ruleCount, v.previousNumber])).toEqual([
      [live.number, "published", 4, 2],
      [2, "retired", 3, 1],
      [1, "retired", 2, null],
    ]);
    const diff = diffRules((await routingVersionByNumber(2))!.rules, live.rules);
    expect(diff.map((d) => d.kind)).toEqual(["unchanged", "unchanged", "unchanged", "added"]);
  });

  it("two leads publishing the same draft at once: one wins, the other gets a conflict, and one version is live", async () => {
    for (let round = 0; round < 3; round++) {
      const { versionId, number } = await startRoutingDraft(A());
      const seen = await shownWarnings();
      const gen = await generation();
      const results = await Promise.allSettled([
        publishRoutingDraft(A(), versionId, { changeNote: `Round ${round}, first lead.`, acknowledgedWarnings: seen }),
        publishRoutingDraft(B(), versionId, { changeNote: `Round ${round}, second lead.`, acknowledgedWarnings: seen }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(RoutingError);
      expect((lost[0].reason as RoutingError).code).toBe("conflict");
      expect((lost[0].reason as RoutingError).message).toMatch(new RegExp(`already published as version ${number} by .*frozen now`));
      expect(await liveCount()).toBe(1);
      expect((await liveRoutingVersion())!.id).toBe(versionId);
      expect(await generation()).toBe(gen + 1);
      const published = (await events("routing.published")).filter((e) => JSON.parse(e.payload).versionId === versionId);
      expect(published).toHaveLength(1);
    }
  });

  it("a publish racing a discard: one of them happens, the other is a conflict", async () => {
    const { versionId } = await startRoutingDraft(A());
    const seen = await shownWarnings();
    const results = await Promise.allSettled([
      publishRoutingDraft(A(), versionId, { changeNote: "Publish against discard.", acknowledgedWarnings: seen }),
      discardRoutingDraft(B(), versionId),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    expect((lost.reason as RoutingError).code).toBe("conflict");
    expect(await liveCount()).toBe(1);
    expect(await db.routingVersion.count({ where: { status: "draft" } })).toBe(0);
  });
});
