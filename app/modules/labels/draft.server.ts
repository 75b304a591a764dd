import type { Submission } from "@conform-to/react";
import { z } from "zod";
import type { Actor } from "~/modules/audit/writer.server.ts";
import type { Refusal } from "~/modules/http/forms.server.ts";
import { diffLabels } from "./diff.ts";
import {
  discardDraft,
  draftIssues,
  httpStatusOf,
  LabelSetError,
  moveDraftLabel,
  publishDraft,
  restoreDraftLabel,
  retireDraftLabel,
  saveDraftLabel,
  startDraft,
} from "./editor.server.ts";
import { formFieldOf, labelInputFromForm, type Issue } from "./format.ts";
import { earlierGroups, getLabelSet, getVersion } from "./sets.server.ts";

/**
 * The draft editor page: the set, its live version, its draft with the publication issues, which
 * keys earlier versions used (and in which group), and which labels are new or changed against
 * the live version. Null when the set does not exist.
 */
export async function draftEditor(setId: string) {
  const set = await getLabelSet(setId);
  if (!set) return null;
  const draftRow = set.versions.find((v) => v.status === "draft");
  const live = set.versions.find((v) => v.status === "published") ?? null;
  const head = { set: { id: set.id, name: set.name }, live };
  if (!draftRow)
    return { ...head, draft: null, issues: [] as Issue[], earlier: {} as Record<string, string>, changedKeys: {} as Record<string, "new" | "changed"> };
  const [draft, issues, earlier, liveVersion] = await Promise.all([
    getVersion(draftRow.id),
    draftIssues(draftRow.id),
    earlierGroups(set.id),
    live ? getVersion(live.id) : null,
  ]);
  const changedKeys: Record<string, "new" | "changed"> = {};
  for (const d of diffLabels(liveVersion?.labels ?? [], draft!.labels, { ignorePosition: true })) {
    if (d.kind === "added") changedKeys[d.key] = "new";
    if (d.kind === "changed") changedKeys[d.key] = "changed";
  }
  return { ...head, draft: { ...draft!, createdBy: draftRow.createdBy }, issues, earlier: Object.fromEntries(earlier), changedKeys };
}

/** Every form of the draft editor, told apart by `intent`. The label fields of "save" are read by the label format. */
export const DraftIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start") }),
  z.object({ intent: z.literal("save"), versionId: z.string().min(1), labelId: z.string().optional() }),
  z.object({ intent: z.literal("move"), versionId: z.string().min(1), labelId: z.string().min(1), direction: z.enum(["up", "down"]) }),
  z.object({ intent: z.literal("retire"), versionId: z.string().min(1), labelId: z.string().min(1) }),
  z.object({ intent: z.literal("restore"), versionId: z.string().min(1), labelId: z.string().min(1) }),
  z.object({ intent: z.literal("publish"), versionId: z.string().min(1), changeNote: z.string().default("") }),
  z.object({ intent: z.literal("discard"), versionId: z.string().min(1) }),
]);
export type DraftIntent = z.infer<typeof DraftIntent>;

export type DraftOutcome = { redirect: string } | { refused: Refusal };

const notFound = (message: string): DraftOutcome => ({ refused: { status: 404, code: "not_found", message } });

/** The submitted fields as the label format reads them (one value, or all values of a repeated name). */
function payloadReader(payload: Record<string, unknown>) {
  const all = (name: string) => {
    const v = payload[name];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
  return { get: (name: string) => all(name)[0], getAll: all };
}

/** A refusal from the label rules: each issue beside its field, the whole list in the error. */
function refusalOf(error: LabelSetError, intent: DraftIntent["intent"]): Refusal {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) (fieldErrors[formFieldOf(issue.path)] ??= []).push(issue.message);
  return {
    status: httpStatusOf(error),
    code: error.code,
    message: error.message,
    fieldErrors,
    formErrors: intent === "save" && error.issues.length === 0 ? [error.message] : undefined,
    issues: error.issues,
  };
}

/** Carries out one submission of the draft editor for the set `setId`. */
export async function handleDraftIntent(actor: Actor, setId: string, submission: Submission<unknown, string[], DraftIntent>): Promise<DraftOutcome> {
  if (submission.status !== "success") {
    return { refused: { status: 400, code: "invalid_form", message: "That request was incomplete; reload the page and try again." } };
  }
  const input = submission.value;
  const base = `/labels/${setId}/draft`;
  try {
    if (input.intent === "start") {
      if (!(await getLabelSet(setId))) return notFound("That label set does not exist.");
      await startDraft(actor, setId);
      return { redirect: base };
    }
    const version = await getVersion(input.versionId);
    if (!version || version.setId !== setId) return notFound("That draft does not exist in this label set.");
    switch (input.intent) {
      case "save": {
        const fields = payloadReader(submission.payload);
        const saved = await saveDraftLabel(actor, input.versionId, input.labelId || null, labelInputFromForm(fields));
        const key = String(fields.get("key") ?? "").trim();
        return { redirect: `${base}?saved=${encodeURIComponent(key)}#card-${saved.labelId}` };
      }
      case "move":
        await moveDraftLabel(actor, input.versionId, input.labelId, input.direction);
        return { redirect: `${base}#card-${input.labelId}` };
      case "retire": {
        const result = await retireDraftLabel(actor, input.versionId, input.labelId);
        return { redirect: `${base}?${result.outcome}=${encodeURIComponent(result.key)}` };
      }
      case "restore":
        await restoreDraftLabel(actor, input.versionId, input.labelId);
        return { redirect: `${base}#card-${input.labelId}` };
      case "publish": {
        const published = await publishDraft(actor, input.versionId, input.changeNote);
        return { redirect: `/labels/${setId}/versions/${published.versionId}?published=1` };
      }
      case "discard":
        await discardDraft(actor, input.versionId);
        return { redirect: `/labels/${setId}` };
    }
  } catch (error) {
    if (!(error instanceof LabelSetError)) throw error;
    return { refused: refusalOf(error, input.intent) };
  }
}
