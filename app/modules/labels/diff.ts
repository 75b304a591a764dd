import type { LabelView } from "./types.ts";

/** The label fields a lead compares between versions, in the order the diff shows them. */
export const DIFF_FIELDS = [
  { field: "name", title: "Name" },
  { field: "group", title: "Group" },
  { field: "definition", title: "Definition" },
  { field: "cues", title: "Cues" },
  { field: "notWhen", title: "Not when" },
  { field: "positiveExamples", title: "Examples that fit" },
  { field: "negativeExamples", title: "Examples that do not fit" },
  { field: "severity", title: "Severity" },
  { field: "defaultAction", title: "Default action" },
  { field: "rationaleRequired", title: "Rationale required" },
  { field: "sor", title: "Statement of reasons" },
  { field: "retired", title: "Retired" },
  { field: "position", title: "Position" },
] as const;

export type DiffField = (typeof DIFF_FIELDS)[number]["field"];
/** For list fields (cues, examples), which entries came and went. */
export type FieldChange = { field: DiffField; title: string; before: string; after: string; added?: string[]; removed?: string[] };
export type LabelDiff =
  | { kind: "added"; key: string; name: string; label: DiffableLabel }
  | { kind: "removed"; key: string; name: string; label: DiffableLabel }
  | { kind: "changed"; key: string; name: string; changes: FieldChange[] }
  | { kind: "unchanged"; key: string; name: string };

export type DiffableLabel = Pick<
  LabelView,
  | "key"
  | "name"
  | "group"
  | "definition"
  | "cues"
  | "notWhen"
  | "positiveExamples"
  | "negativeExamples"
  | "severity"
  | "defaultAction"
  | "rationaleRequired"
  | "sor"
  | "retired"
  | "position"
>;

/** A field as text, so before and after read the same way on screen and in tests. */
export function fieldText(label: DiffableLabel, field: DiffField): string {
  const value = label[field];
  if (field === "sor") {
    const sor = label.sor;
    return sor ? `${sor.category}; ${sor.keywords.join(", ") || "no keywords"}; ${sor.ground}` : "none";
  }
  if (Array.isArray(value)) return value.length ? value.join("\n") : "(none)";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (field === "position") return String((value as number) + 1);
  return String(value ?? "");
}

/**
 * Label-by-label, field-by-field difference between two versions, matched by key (a key keeps its
 * meaning across versions). Order follows the newer version, then labels only the older one has.
 */
export function diffLabels(before: DiffableLabel[], after: DiffableLabel[], options: { ignorePosition?: boolean } = {}): LabelDiff[] {
  const beforeByKey = new Map(before.map((l) => [l.key, l]));
  const afterKeys = new Set(after.map((l) => l.key));
  const out: LabelDiff[] = [];
  for (const label of [...after].sort((a, b) => a.position - b.position)) {
    const old = beforeByKey.get(label.key);
    if (!old) {
      out.push({ kind: "added", key: label.key, name: label.name, label });
      continue;
    }
    const changes: FieldChange[] = [];
    for (const { field, title } of DIFF_FIELDS) {
      if (field === "position" && options.ignorePosition) continue;
      const a = fieldText(old, field);
      const b = fieldText(label, field);
      if (a === b) continue;
      const change: FieldChange = { field, title, before: a, after: b };
      const was = old[field];
      const now = label[field];
      if (Array.isArray(was) && Array.isArray(now)) {
        change.added = now.filter((x) => !was.includes(x));
        change.removed = was.filter((x) => !now.includes(x));
      }
      changes.push(change);
    }
    out.push(changes.length ? { kind: "changed", key: label.key, name: label.name, changes } : { kind: "unchanged", key: label.key, name: label.name });
  }
  for (const label of [...before].sort((a, b) => a.position - b.position)) {
    if (!afterKeys.has(label.key)) out.push({ kind: "removed", key: label.key, name: label.name, label });
  }
  return out;
}

export function diffSummary(diff: LabelDiff[]) {
  return {
    added: diff.filter((d) => d.kind === "added").length,
    removed: diff.filter((d) => d.kind === "removed").length,
    changed: diff.filter((d) => d.kind === "changed").length,
    unchanged: diff.filter((d) => d.kind === "unchanged").length,
  };
}
