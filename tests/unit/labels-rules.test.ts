import { describe, expect, it } from "vitest";
import starter from "~/modules/labels/starter-violent-extremism.json" with { type: "json" };
import { diffLabels, diffSummary } from "~/modules/labels/diff.ts";
import { checkLabelForm, formFieldOf, labelInputFromForm, LabelSetFile, publicationIssues, validateLabelSetFile } from "~/modules/labels/format.ts";
import type { LabelView } from "~/modules/labels/types.ts";

const file = () => JSON.parse(JSON.stringify(starter));

function views(labels: ReturnType<typeof file>["labels"]): LabelView[] {
  return labels.map((l: LabelView, position: number) => ({ ...l, id: l.key, versionId: "v", position, retired: l.retired ?? false }));
}

describe("the label set file format", () => {
  it("the shipped starter set is a valid file that meets the publication rules", () => {
    expect(validateLabelSetFile(file())).toMatchObject({ ok: true });
  });

  it("reports shape problems with field-level paths", () => {
    const bad = file();
    bad.labels[3].sor = { category: "STATEMENT_CATEGORY_VIOLENCE_ISH", keywords: ["KEYWORD_NOPE"], ground: "DECISION_GROUND_INCOMPATIBLE_CONTENT" };
    bad.labels[0].group = "fine";
    bad.key = "Has Spaces";
    const result = validateLabelSetFile(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path).sort()).toEqual(["key", "labels.0.group", "labels.3.sor.category", "labels.3.sor.keywords.0"]);
  });

  it("refuses duplicate keys, violating labels without a mapping, and a key that changes group", () => {
    const labels = LabelSetFile.parse(file()).labels;
    labels[1].key = labels[0].key;
    labels[6].sor = null;
    const earlier = new Map([["ve_condemnation", "violating"]]);
    const issues = publicationIssues(labels, earlier);
    expect(issues.map((i) => i.path)).toEqual(["labels.1.key", "labels.2.group", "labels.6.sor"]);
    expect(issues[0].message).toContain("already used by label 1");
  });

  it("a retired violating label needs no mapping; a set of only retired labels cannot go live", () => {
    const labels = LabelSetFile.parse(file()).labels;
    labels[6] = { ...labels[6], sor: null, retired: true };
    expect(publicationIssues(labels)).toEqual([]);
    expect(publicationIssues(labels.map((l) => ({ ...l, retired: true }))).map((i) => i.path)).toEqual(["labels"]);
  });
});

describe("the editor's live checks", () => {
  const form = (fields: Record<string, string | string[]>) => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) data.append(k, one);
    return labelInputFromForm(data);
  };
  const base = {
    key: "ve_new",
    name: "New",
    group: "violating",
    definition: "Something.",
    severity: "2",
    defaultAction: "remove",
    sorCategory: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    sorGround: "DECISION_GROUND_INCOMPATIBLE_CONTENT",
  };

  it("turns form fields into a label: one cue per line, keywords from checkboxes", () => {
    const input = form({ ...base, cues: "first\n\n second ", sorKeywords: ["KEYWORD_TERRORIST_CONTENT"], rationaleRequired: "on" });
    expect(input).toMatchObject({ cues: ["first", "second"], severity: 2, rationaleRequired: true, sor: { keywords: ["KEYWORD_TERRORIST_CONTENT"] } });
    expect(checkLabelForm(input, { otherKeys: [], earlierGroups: {} })).toEqual({});
  });

  it("names the field each problem belongs to", () => {
    expect(checkLabelForm(form({ ...base, definition: "" }), { otherKeys: [], earlierGroups: {} })).toEqual({
      definition: "A label needs a definition: what it covers.",
    });
    expect(Object.keys(checkLabelForm(form({ ...base, sorCategory: "", sorGround: "" }), { otherKeys: [], earlierGroups: {} }))).toEqual(["sorCategory"]);
    expect(Object.keys(checkLabelForm(form(base), { otherKeys: ["ve_new"], earlierGroups: {} }))).toEqual(["key"]);
    expect(Object.keys(checkLabelForm(form(base), { otherKeys: [], earlierGroups: { ve_new: "allowed" } }))).toEqual(["group"]);
    expect(formFieldOf("sor.ground")).toBe("sorGround");
    expect(formFieldOf("cues.3")).toBe("cues");
  });
});

describe("comparing two versions", () => {
  it("lists added, removed and changed labels with each changed field before and after", () => {
    const before = views(file().labels);
    const after = views(file().labels.filter((l: { key: string }) => l.key !== "ve_representation"));
    after[0] = { ...after[0], notWhen: "Changed guidance." };
    after.push({ ...after[1], id: "x", key: "ve_satire", name: "Satire", position: 99 });
    const diff = diffLabels(before, after, { ignorePosition: true });
    expect(diffSummary(diff)).toEqual({ added: 1, removed: 1, changed: 1, unchanged: before.length - 2 });
    const changed = diff.find((d) => d.kind === "changed");
    expect(changed).toEqual({
      kind: "changed",
      key: "ve_news_reporting",
      name: "News reporting",
      changes: [{ field: "notWhen", title: "Not when", before: "It embeds unedited propaganda, links to it, or adds praise.", after: "Changed guidance." }],
    });
    expect(diff.find((d) => d.kind === "removed")?.key).toBe("ve_representation");
  });

  it("for cues and examples, names the entries added and removed", () => {
    const before = views(file().labels);
    const after = before.map((l) => (l.key === "ve_recruitment" ? { ...l, cues: [...l.cues.slice(1), "a fictional Placeholder Cell contact handle"] } : l));
    const changed = diffLabels(before, after).find((d) => d.kind === "changed");
    expect(changed?.kind === "changed" && changed.changes[0]).toMatchObject({
      field: "cues",
      added: ["a fictional Placeholder Cell contact handle"],
      removed: ["invitations"],
    });
  });

  it("shows retirement and statement-of-reasons changes as field changes", () => {
    const before = views(file().labels);
    const after = before.map((l) => (l.key === "ve_glorification" ? { ...l, retired: true, sor: { ...l.sor!, keywords: [] } } : l));
    const changed = diffLabels(before, after).find((d) => d.kind === "changed");
    expect(changed && changed.kind === "changed" ? changed.changes.map((c) => [c.field, c.after]) : []).toEqual([
      ["sor", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY; no keywords; DECISION_GROUND_INCOMPATIBLE_CONTENT"],
      ["retired", "yes"],
    ]);
  });
});
