import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { liveLabelSets, labelsForDecision } from "~/modules/labels/live.server.ts";
import {
  discardDraft,
  exportLabelSet,
  importLabelSet,
  LabelSetError,
  moveDraftLabel,
  publishDraft,
  restoreDraftLabel,
  retireDraftLabel,
  saveDraftLabel,
  startDraft,
} from "~/modules/labels/editor.server.ts";
import { getVersion, labelsAppliedTogether, usageForVersion } from "~/modules/labels/sets.server.ts";
import { makeUser } from "../support/fixtures.ts";
import { insertDecision, leadActor } from "../support/labels.ts";

type User = Awaited<ReturnType<typeof makeUser>>;
let lead: User;
let otherLead: User;
let moderator: User;
let setId: string;
let v1Id: string;

beforeAll(async () => {
  lead = await makeUser("policy_lead");
  otherLead = await makeUser("policy_lead");
  moderator = await makeUser("moderator");
  const starter = await ensureStarterLabelSet(leadActor(lead));
  v1Id = starter.versionId;
  setId = (await db.labelSetVersion.findUniqueOrThrow({ where: { id: v1Id } })).labelSetId;
});

async function labelInDraft(versionId: string, key: string) {
  const version = await getVersion(versionId);
  const label = version!.labels.find((l) => l.key === key);
  if (!label) throw new Error(`no ${key} in ${versionId}`);
  return label;
}

function editable(label: Awaited<ReturnType<typeof labelInDraft>>) {
  const { id: _id, versionId: _v, position: _p, retired: _r, ...rest } = label;
  return rest;
}

async function liveCount() {
  return db.labelSetVersion.count({ where: { labelSetId: setId, status: "published" } });
}

async function expectLabelSetError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LabelSetError);
  expect((error as LabelSetError).code).toBe(code);
  return error as LabelSetError;
}

describe("versions of a label set", () => {
  it("editing a published set starts one draft copied from the live version, recorded in the audit log", async () => {
    const first = await startDraft(leadActor(lead), setId);
    const second = await startDraft(leadActor(otherLead), setId);
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    expect(first.number).toBe(2);
    const [live, draft] = await Promise.all([getVersion(v1Id), getVersion(first.versionId)]);
    expect(draft!.status).toBe("draft");
    expect(draft!.labels.map((l) => [l.key, l.definition])).toEqual(live!.labels.map((l) => [l.key, l.definition]));
    expect(new Set(draft!.labels.map((l) => l.id)).size).toBe(draft!.labels.length);
    expect(draft!.labels.some((l) => live!.labels.some((o) => o.id === l.id))).toBe(false);
    expect(await db.auditEvent.count({ where: { action: "label_set.draft_created", subjectId: setId } })).toBe(1);
    await discardDraft(leadActor(lead), first.versionId);
  });

  it("two leads starting a draft at the same moment share one draft", async () => {
    const results = await Promise.all([startDraft(leadActor(lead), setId), startDraft(leadActor(otherLead), setId), startDraft(leadActor(lead), setId)]);
    expect(new Set(results.map((r) => r.versionId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await db.labelSetVersion.count({ where: { labelSetId: setId, status: "draft" } })).toBe(1);
    await discardDraft(leadActor(lead), results[0].versionId);
  });

  it("a decision made under version 1 still shows version 1's definitions after version 2 changes them", async () => {
    const decision = await insertDecision(moderator, v1Id, ["ve_news_reporting", "ve_condemnation"]);
    const v1Text = (await labelInDraft(v1Id, "ve_news_reporting")).definition;

    const draft = await startDraft(leadActor(lead), setId);
    const news = await labelInDraft(draft.versionId, "ve_news_reporting");
    await saveDraftLabel(leadActor(lead), draft.versionId, news.id, {
      ...editable(news),
      definition: "Reports on events involving extremist groups, with attribution in the item itself.",
    });
    const published = await publishDraft(leadActor(lead), draft.versionId, "Tighten news reporting: the attribution must be in the item.");

    const live = (await liveLabelSets()).find((s) => s.setId === setId)!;
    expect(live.versionId).toBe(published.versionId);
    expect(live.labels.find((l) => l.key === "ve_news_reporting")!.definition).toMatch(/attribution in the item itself/);

    const labels = await labelsForDecision(decision.decisionId);
    expect(labels.map((l) => l.key)).toEqual(["ve_news_reporting", "ve_condemnation"]);
    const shown = labels.find((l) => l.key === "ve_news_reporting")!;
    expect(shown.definition).toBe(v1Text);
    expect(shown.versionNumber).toBe(1);
    expect(shown.setKey).toBe("violent_extremism");
    expect(shown.versionId).toBe(v1Id);

    expect((await db.labelSetVersion.findUniqueOrThrow({ where: { id: v1Id } })).status).toBe("retired");
    expect(await liveCount()).toBe(1);
  });

  it("publishing records who, when and the change note, freezes the version, and writes one audit event", async () => {
    const draft = await startDraft(leadActor(lead), setId);
    const label = await labelInDraft(draft.versionId, "ve_glorification");
    await saveDraftLabel(leadActor(lead), draft.versionId, label.id, { ...editable(label), notWhen: "The praise is quoted inside a condemning frame." });
    const before = await db.auditEvent.count({ where: { action: "label_set.published" } });
    const done = await publishDraft(leadActor(otherLead), draft.versionId, "Glorification: quoted praise inside condemnation is not glorification.");
    const version = await db.labelSetVersion.findUniqueOrThrow({ where: { id: done.versionId } });
    expect(version.status).toBe("published");
    expect(version.publishedById).toBe(otherLead.id);
    expect(version.publishedAt).toBeInstanceOf(Date);
    expect(version.changeNote).toMatch(/quoted praise/);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "label_set.published" }, orderBy: { seq: "desc" } });
    expect(await db.auditEvent.count({ where: { action: "label_set.published" } })).toBe(before + 1);
    expect(JSON.parse(event.payload)).toMatchObject({ versionId: done.versionId, retiredVersionId: done.retiredVersionId });
    expect(event.actorId).toBe(otherLead.id);

    const frozen = await labelInDraft(done.versionId, "ve_glorification");
    await expectLabelSetError(
      saveDraftLabel(leadActor(lead), done.versionId, frozen.id, { ...editable(frozen), name: "Changed after publication" }),
      "conflict",
    );
    expect((await labelInDraft(done.versionId, "ve_glorification")).name).toBe("Glorification");
  });

  it("two leads publishing the same draft at once: one wins, the other gets a conflict, and one version is live", async () => {
    const draft = await startDraft(leadActor(lead), setId);
    const label = await labelInDraft(draft.versionId, "ve_recruitment");
    await saveDraftLabel(leadActor(lead), draft.versionId, label.id, {
      ...editable(label),
      cues: [...label.cues, "a fictional Placeholder Cell contact handle"],
    });
    const results = await Promise.allSettled([
      publishDraft(leadActor(lead), draft.versionId, "Recruitment cue added (first lead)."),
      publishDraft(leadActor(otherLead), draft.versionId, "Recruitment cue added (second lead)."),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(LabelSetError);
    expect((lost[0].reason as LabelSetError).code).toBe("conflict");
    expect((lost[0].reason as LabelSetError).message).toMatch(/already published by .* it is frozen now/);
    expect(await liveCount()).toBe(1);
    expect((await db.labelSetVersion.findUniqueOrThrow({ where: { id: draft.versionId } })).status).toBe("published");
    const events = await db.auditEvent.findMany({ where: { action: "label_set.published", subjectId: setId } });
    expect(events.filter((e) => JSON.parse(e.payload).versionId === draft.versionId)).toHaveLength(1);
  });

  it("many rounds of racing publishes never leave two live versions", async () => {
    for (let round = 0; round < 4; round++) {
      const draft = await startDraft(leadActor(lead), setId);
      const results = await Promise.allSettled([
        publishDraft(leadActor(lead), draft.versionId, `Round ${round}, first lead.`),
        publishDraft(leadActor(otherLead), draft.versionId, `Round ${round}, second lead.`),
        publishDraft(leadActor(lead), draft.versionId, `Round ${round}, third attempt.`),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect((r.reason as LabelSetError).code).toBe("conflict");
      expect(await liveCount()).toBe(1);
    }
  });

  it("publication rules: unique keys, a statement-of-reasons mapping for violating labels, a key keeps its group", async () => {
    const draft = await startDraft(leadActor(lead), setId);
    const glorification = await labelInDraft(draft.versionId, "ve_glorification");

    const duplicate = await expectLabelSetError(
      saveDraftLabel(leadActor(lead), draft.versionId, null, { ...editable(glorification), name: "Copy" }),
      "invalid",
    );
    expect(duplicate.issues).toEqual([expect.objectContaining({ path: "key" })]);

    const regroup = await expectLabelSetError(
      saveDraftLabel(leadActor(lead), draft.versionId, glorification.id, { ...editable(glorification), group: "allowed", sor: null }),
      "invalid",
    );
    expect(regroup.issues.map((i) => i.path)).toEqual(["group"]);

    const rekey = await expectLabelSetError(
      saveDraftLabel(leadActor(lead), draft.versionId, glorification.id, { ...editable(glorification), key: "ve_praise" }),
      "invalid",
    );
    expect(rekey.issues.map((i) => i.path)).toEqual(["key"]);

    // A new violating label without a mapping may sit in the draft, but the draft cannot go live.
    await saveDraftLabel(leadActor(lead), draft.versionId, null, {
      ...editable(glorification),
      key: "ve_fundraising_events",
      name: "Fundraising events",
      sor: null,
    });
    const unpublishable = await expectLabelSetError(publishDraft(leadActor(lead), draft.versionId, "Add fundraising events."), "invalid");
    const index = (await getVersion(draft.versionId))!.labels.findIndex((l) => l.key === "ve_fundraising_events");
    expect(unpublishable.issues).toEqual([expect.objectContaining({ path: `labels.${index}.sor` })]);
    expect((await db.labelSetVersion.findUniqueOrThrow({ where: { id: draft.versionId } })).status).toBe("draft");

    const empty = await expectLabelSetError(publishDraft(leadActor(lead), draft.versionId, ""), "invalid");
    expect(empty.issues.map((i) => i.path)).toEqual(["changeNote"]);
    await discardDraft(leadActor(lead), draft.versionId);
  });

  it("removing a label from a draft retires it when earlier versions have it, and deletes it when only the draft had it", async () => {
    const draft = await startDraft(leadActor(lead), setId);
    const news = await labelInDraft(draft.versionId, "ve_news_reporting");
    const fresh = await saveDraftLabel(leadActor(lead), draft.versionId, null, { ...editable(news), key: "ve_satire", name: "Satire" });

    expect(await retireDraftLabel(leadActor(lead), draft.versionId, news.id)).toEqual({ outcome: "retired", key: "ve_news_reporting" });
    expect(await retireDraftLabel(leadActor(lead), draft.versionId, fresh.labelId)).toEqual({ outcome: "deleted", key: "ve_satire" });
    const after = await getVersion(draft.versionId);
    expect(after!.labels.find((l) => l.key === "ve_news_reporting")!.retired).toBe(true);
    expect(after!.labels.find((l) => l.key === "ve_satire")).toBeUndefined();
    expect(await db.auditEvent.count({ where: { action: "label_set.label_retired", subjectId: setId } })).toBe(1);

    const done = await publishDraft(leadActor(lead), draft.versionId, "Retire news reporting (test).");
    const live = (await liveLabelSets()).find((s) => s.setId === setId)!;
    expect(live.versionId).toBe(done.versionId);
    expect(live.labels.map((l) => l.key)).not.toContain("ve_news_reporting");
    // Version 1's row, which decisions cite, is still there.
    expect(await db.label.count({ where: { versionId: v1Id, key: "ve_news_reporting" } })).toBe(1);

    const next = await startDraft(leadActor(lead), setId);
    const retired = await labelInDraft(next.versionId, "ve_news_reporting");
    expect(retired.retired).toBe(true);
    await restoreDraftLabel(leadActor(lead), next.versionId, retired.id);
    await publishDraft(leadActor(lead), next.versionId, "Bring news reporting back.");
    expect((await liveLabelSets()).find((s) => s.setId === setId)!.labels.map((l) => l.key)).toContain("ve_news_reporting");
  });

  it("moving a label up and down reorders it within its group only", async () => {
    const draft = await startDraft(leadActor(lead), setId);
    const order = async () => (await getVersion(draft.versionId))!.labels.filter((l) => l.group === "allowed").map((l) => l.key);
    const before = await order();
    const second = await labelInDraft(draft.versionId, before[1]);
    await moveDraftLabel(leadActor(lead), draft.versionId, second.id, "up");
    expect(await order()).toEqual([before[1], before[0], ...before.slice(2)]);
    await moveDraftLabel(leadActor(lead), draft.versionId, second.id, "up");
    expect(await order()).toEqual([before[1], before[0], ...before.slice(2)]);
    await moveDraftLabel(leadActor(lead), draft.versionId, second.id, "down");
    expect(await order()).toEqual(before);
    await discardDraft(leadActor(lead), draft.versionId);
  });

  it("per-version usage counts how often each label of that version was applied", async () => {
    const liveVersion = (await liveLabelSets()).find((s) => s.setId === setId)!;
    await insertDecision(moderator, liveVersion.versionId, ["ve_analysis_research"]);
    await insertDecision(moderator, liveVersion.versionId, ["ve_analysis_research", "ve_condemnation"]);
    const usage = await usageForVersion(liveVersion.versionId);
    const byKey = Object.fromEntries(liveVersion.labels.map((l) => [l.key, usage[l.id] ?? 0]));
    expect(byKey.ve_analysis_research).toBe(2);
    expect(byKey.ve_condemnation).toBe(1);
    expect(byKey.ve_glorification).toBe(0);
    const together = await labelsAppliedTogether(liveVersion.versionId);
    const idOf = (key: string) => liveVersion.labels.find((l) => l.key === key)!.id;
    expect(together).toEqual([{ labelIds: [idOf("ve_analysis_research"), idOf("ve_condemnation")].sort(), count: 1 }]);
    const v1Usage = await usageForVersion(v1Id);
    expect(Object.values(v1Usage).reduce((a, b) => a + b, 0)).toBe(2);
  });
});

describe("import and export", () => {
  it("export writes the import format; importing it back makes a draft equal to the exported version", async () => {
    const { file } = await exportLabelSet(leadActor(lead), setId);
    expect(await db.auditEvent.count({ where: { action: "label_set.exported" } })).toBeGreaterThan(0);
    const renamed = { ...file, key: "violent_extremism_copy", name: "Violent extremism (copy)" };
    const result = await importLabelSet(leadActor(lead), JSON.parse(JSON.stringify(renamed)));
    expect(result).toMatchObject({ createdSet: true, number: 1 });
    const again = await exportLabelSet(leadActor(lead), result.setId, result.versionId);
    expect(again.file.labels).toEqual(file.labels);
    await publishDraft(leadActor(lead), result.versionId, "First version of the copy.");
    const copy = (await liveLabelSets()).find((s) => s.setKey === "violent_extremism_copy");
    expect(copy?.versionNumber).toBe(1);
    expect(copy?.labels.length).toBe(file.labels.filter((l) => !l.retired).length);
    expect(await db.auditEvent.count({ where: { action: "label_set.imported", subjectId: result.setId } })).toBe(1);
  });

  it("an invalid import is refused with field-level errors and imports nothing", async () => {
    const { file } = await exportLabelSet(leadActor(lead), setId);
    const bad = JSON.parse(JSON.stringify({ ...file, key: "broken_set" }));
    bad.labels[3].sor = { category: "STATEMENT_CATEGORY_NOT_A_CATEGORY", keywords: [], ground: "DECISION_GROUND_INCOMPATIBLE_CONTENT" };
    bad.labels[1].severity = 9;
    delete bad.labels[0].definition;
    const counts = async () => ({
      sets: await db.labelSet.count(),
      versions: await db.labelSetVersion.count(),
      labels: await db.label.count(),
      audit: await db.auditEvent.count(),
    });
    const before = await counts();
    const error = await expectLabelSetError(importLabelSet(leadActor(lead), bad), "invalid");
    expect(error.issues.map((i) => i.path).sort()).toEqual(["labels.0.definition", "labels.1.severity", "labels.3.sor.category"]);
    expect(await counts()).toEqual(before);

    const rules = JSON.parse(JSON.stringify({ ...file, key: "broken_rules" }));
    rules.labels[5].sor = null;
    rules.labels[2].key = rules.labels[0].key;
    const ruleError = await expectLabelSetError(importLabelSet(leadActor(lead), rules), "invalid");
    expect(ruleError.issues.map((i) => i.path).sort()).toEqual(["labels.2.key", "labels.5.sor"]);
    expect(await counts()).toEqual(before);
  });

  it("importing into an existing set replaces its draft and keeps labels of earlier versions as retired", async () => {
    const { file } = await exportLabelSet(leadActor(lead), setId);
    const trimmed = { ...file, labels: file.labels.filter((l) => l.key !== "ve_representation"), changeNote: "Imported revision." };
    const result = await importLabelSet(leadActor(lead), trimmed);
    expect(result.createdSet).toBe(false);
    const draft = await getVersion(result.versionId);
    expect(draft!.status).toBe("draft");
    expect(draft!.labels.find((l) => l.key === "ve_representation")!.retired).toBe(true);

    const regrouped = JSON.parse(JSON.stringify(file));
    const i = regrouped.labels.findIndex((l: { key: string }) => l.key === "ve_condemnation");
    regrouped.labels[i].group = "violating";
    regrouped.labels[i].sor = { category: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", keywords: [], ground: "DECISION_GROUND_INCOMPATIBLE_CONTENT" };
    const error = await expectLabelSetError(importLabelSet(leadActor(lead), regrouped), "invalid");
    expect(error.issues.map((x) => x.path)).toEqual([`labels.${i}.group`]);
    expect((await getVersion(result.versionId))!.labels.find((l) => l.key === "ve_representation")!.retired).toBe(true);
  });
});
