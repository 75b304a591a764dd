import { z } from "zod";
import { LABEL_GROUPS } from "./types.ts";
import { ACTIONS } from "~/modules/decisions/actions.ts";
import { SOR_CATEGORIES, SOR_GROUNDS, SOR_KEYWORDS } from "~/modules/audit/statement-of-reasons.ts";

/**
 * The one JSON shape of a label set: what export writes, what import reads, and the format of the
 * starter file. Shared by server and browser so the draft editor validates as the server does.
 */

export const DEFAULT_ACTIONS = ACTIONS;

export const SEVERITY_MAX = 4;
export const SEVERITY_NAMES = ["none", "low", "medium", "high", "highest"] as const;

export const GROUP_NAMES: Record<(typeof LABEL_GROUPS)[number], { title: string; help: string }> = {
  allowed: { title: "Allowed", help: "The item stays up: reporting, analysis, condemnation, or nothing applies." },
  violating: { title: "Violating", help: "The item breaks the policy; each needs a statement-of-reasons mapping." },
  process: { title: "Process", help: "Routing labels such as escalation to a specialist." },
};

const keyPattern = /^[a-z][a-z0-9_]{1,63}$/;
const keyMessage = "Use 2–64 lower-case letters, digits or underscores, starting with a letter.";

const line = (max: number, what: string) => z.string().trim().min(1, `An empty ${what} is not allowed.`).max(max, `Keep each ${what} under ${max} characters.`);

export const SorMappingInput = z.object({
  category: z.enum(SOR_CATEGORIES, { errorMap: () => ({ message: "Choose a statement-of-reasons category from the DSA list." }) }),
  keywords: z
    .array(z.enum(SOR_KEYWORDS, { errorMap: () => ({ message: "Use a KEYWORD_* value from the DSA list." }) }))
    .max(6)
    .default([]),
  ground: z.enum(SOR_GROUNDS, { errorMap: () => ({ message: "Choose incompatible content (terms of service) or illegal content." }) }),
});

export const LabelInput = z.object({
  key: z.string().trim().regex(keyPattern, keyMessage),
  name: z.string().trim().min(1, "Give the label a name moderators recognise.").max(120, "Keep the name under 120 characters."),
  group: z.enum(LABEL_GROUPS, { errorMap: () => ({ message: "Choose allowed, violating or process." }) }),
  definition: z.string().trim().min(1, "A label needs a definition: what it covers.").max(2000, "Keep the definition under 2,000 characters."),
  cues: z.array(line(300, "cue")).max(20, "At most 20 cues.").default([]),
  notWhen: z.string().trim().max(2000, "Keep “not when” under 2,000 characters.").default(""),
  positiveExamples: z.array(line(1000, "example")).max(20, "At most 20 examples.").default([]),
  negativeExamples: z.array(line(1000, "example")).max(20, "At most 20 examples.").default([]),
  severity: z
    .number({ invalid_type_error: "Severity is a whole number from 0 to 4." })
    .int("Severity is a whole number from 0 to 4.")
    .min(0, "Severity is 0 to 4.")
    .max(SEVERITY_MAX, "Severity is 0 to 4."),
  defaultAction: z.enum(DEFAULT_ACTIONS, { errorMap: () => ({ message: "Choose keep, remove, restrict or escalate." }) }),
  rationaleRequired: z.boolean().default(false),
  sor: SorMappingInput.nullable().default(null),
  retired: z.boolean().optional().default(false),
});
export type LabelInput = z.infer<typeof LabelInput>;

export const LabelSetFile = z.object({
  key: z.string().trim().regex(keyPattern, keyMessage),
  name: z.string().trim().min(1, "Name the set.").max(120),
  description: z.string().trim().max(4000).default(""),
  reasons: z.array(z.string().trim().regex(keyPattern, keyMessage)).max(50).default([]),
  changeNote: z.string().trim().max(2000).default(""),
  labels: z.array(LabelInput).min(1, "A set needs at least one label.").max(200, "At most 200 labels in a set."),
});
export type LabelSetFile = z.infer<typeof LabelSetFile>;

export type Issue = { path: string; message: string };

/**
 * The publication rules that span labels: unique keys, a statement-of-reasons mapping for every
 * violating label, and a key keeping its group across versions (a label that changes meaning gets
 * a new key, so old decisions never appear to mean something else). `earlierGroups` maps each key
 * seen in the set's earlier versions to its group there.
 */
export function publicationIssues(labels: LabelInput[], earlierGroups: Map<string, string> = new Map(), prefix = "labels"): Issue[] {
  const issues: Issue[] = [];
  const firstIndex = new Map<string, number>();
  labels.forEach((label, i) => {
    const at = `${prefix}.${i}`;
    const seen = firstIndex.get(label.key);
    if (seen !== undefined)
      issues.push({
        path: `${at}.key`,
        message: `The key “${label.key}” is already used by label ${seen + 1} (${labels[seen].name}); keys are unique within a version.`,
      });
    else firstIndex.set(label.key, i);
    if (label.group === "violating" && !label.retired && !label.sor) {
      issues.push({ path: `${at}.sor`, message: `“${label.name}” is violating, so it needs a statement-of-reasons mapping (category, keywords, ground).` });
    }
    const earlier = earlierGroups.get(label.key);
    if (earlier && earlier !== label.group) {
      issues.push({ path: `${at}.group`, message: `“${label.key}” was ${earlier} in earlier versions; a label whose meaning changes needs a new key.` });
    }
  });
  if (labels.length > 0 && labels.every((l) => l.retired))
    issues.push({ path: prefix, message: "Every label is retired; a live version needs at least one label in use." });
  return issues;
}

/** Full validation of an import or draft: shape first (zod), then the rules across labels. */
export function validateLabelSetFile(input: unknown, earlierGroups?: Map<string, string>): { ok: true; data: LabelSetFile } | { ok: false; issues: Issue[] } {
  const parsed = LabelSetFile.safeParse(input);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(file)", message: i.message })) };
  }
  const issues = publicationIssues(parsed.data.labels, earlierGroups);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, data: parsed.data };
}

/** Textarea lines to a list: one cue or example per line, blank lines dropped. */
export function linesOf(text: string | undefined | null): string[] {
  return (text ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Form field names of the label editor, shared by the server action and the browser's live checks. */
export function labelInputFromForm(form: { get(name: string): unknown; getAll(name: string): unknown[] }): Record<string, unknown> {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const category = text("sorCategory").trim();
  const ground = text("sorGround").trim();
  const keywords = form.getAll("sorKeywords").filter((v): v is string => typeof v === "string" && v !== "");
  const severity = text("severity").trim();
  return {
    key: text("key"),
    name: text("name"),
    group: text("group"),
    definition: text("definition"),
    cues: linesOf(text("cues")),
    notWhen: text("notWhen"),
    positiveExamples: linesOf(text("positiveExamples")),
    negativeExamples: linesOf(text("negativeExamples")),
    severity: severity === "" ? Number.NaN : Number(severity),
    defaultAction: text("defaultAction"),
    rationaleRequired: form.get("rationaleRequired") === "on",
    sor: category || ground || keywords.length ? { category, keywords, ground } : null,
  };
}

/** Where an issue about a label belongs in the editor form: "sor.category" → "sorCategory", "cues.2" → "cues". */
export function formFieldOf(path: string): string {
  const [head, sub] = path.split(".");
  if (head === "sor") return sub === "keywords" ? "sorKeywords" : sub === "ground" ? "sorGround" : "sorCategory";
  return head || "form";
}

/** Issues keyed by form field, first message wins. */
export function issuesByField(issues: Issue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) out[formFieldOf(issue.path)] ??= issue.message;
  return out;
}

/**
 * The editor's live checks for one label: its own fields, plus the rules that need the rest of the
 * draft (another label's key, a key's group in earlier versions, the mapping a violating label needs).
 */
export function checkLabelForm(
  raw: Record<string, unknown>,
  context: { otherKeys: string[]; earlierGroups: Record<string, string>; lockedKey?: string },
): Record<string, string> {
  const parsed = LabelInput.safeParse(raw);
  const issues: Issue[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const key = typeof raw.key === "string" ? raw.key.trim() : "";
  if (key && context.otherKeys.includes(key)) issues.push({ path: "key", message: `Another label in this draft already uses the key “${key}”.` });
  if (context.lockedKey && key !== context.lockedKey)
    issues.push({ path: "key", message: `“${context.lockedKey}” is used by earlier versions, so its key stays.` });
  const earlier = context.earlierGroups[key];
  if (earlier && raw.group && earlier !== raw.group)
    issues.push({ path: "group", message: `“${key}” was ${earlier} in earlier versions; a label whose meaning changes needs a new key.` });
  if (raw.group === "violating" && raw.sor === null)
    issues.push({ path: "sor", message: "A violating label needs a statement-of-reasons mapping (category and ground)." });
  return issuesByField(issues);
}
