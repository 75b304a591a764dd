// The routing draft page: what it shows, and each of its forms (told apart by `intent`) carried out.
import type { Submission } from "@conform-to/react";
import { z } from "zod";
import type { Actor } from "~/modules/audit/writer.server.ts";
import type { ApiIssue } from "~/modules/http/errors.server.ts";
import type { Refusal } from "~/modules/http/forms.server.ts";
import { diffRules } from "./diff.ts";
import {
  discardRoutingDraft,
  httpStatusOf,
  moveDraftRule,
  publishRoutingDraft,
  removeDraftRule,
  RoutingError,
  saveDraftNote,
  saveDraftRule,
  startRoutingDraft,
} from "./editor.server.ts";
import { publishWarnings } from "./rules.ts";
import { labelSetChoices, liveRoutingVersion, queueTargets, routingDraft } from "./versions.server.ts";

/**
 * The draft with the live version beside it, the queues and label sets a rule may name, the
 * warnings publishing would show, and which rules are new or changed against the live version.
 */
export async function draftEditor() {
  const [draft, live, queues, labelSets] = await Promise.all([routingDraft(), liveRoutingVersion(), queueTargets(), labelSetChoices()]);
  const changes: Record<string, "new" | "changed" | "moved"> = {};
  if (draft) {
    for (const d of diffRules(live?.rules ?? [], draft.rules)) {
      if (d.kind === "added") changes[d.rule.id] = "new";
      else if (d.kind === "changed") changes[d.after.id] = d.fields.length ? "changed" : "moved";
    }
  }
  return {
    draft,
    live: live ? { number: live.number } : null,
    queues: [...queues.values()],
    labelSets,
    warnings: draft ? publishWarnings(draft.rules, queues) : [],
    changes,
  };
}

/** Every form of the draft page. The rule fields of "save" are read from the payload by `ruleFromForm`. */
export const RoutingDraftIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start") }),
  z.object({ intent: z.literal("save"), versionId: z.string().min(1), ruleId: z.string().optional() }),
  z.object({ intent: z.literal("move"), versionId: z.string().min(1), ruleId: z.string().min(1), direction: z.enum(["up", "down"]) }),
  z.object({ intent: z.literal("remove"), versionId: z.string().min(1), ruleId: z.string().min(1) }),
  z.object({ intent: z.literal("note"), versionId: z.string().min(1), changeNote: z.string().default("") }),
  z.object({
    intent: z.literal("publish"),
    versionId: z.string().min(1),
    changeNote: z.string().default(""),
    acknowledgeWarnings: z.literal("on").optional(),
    // The warnings the page showed, so a tick never covers one that appeared later.
    seenWarnings: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : [v].flat())),
  }),
  z.object({ intent: z.literal("discard"), versionId: z.string().min(1) }),
]);
export type RoutingDraftIntent = z.infer<typeof RoutingDraftIntent>;

/** The names the rule form sends; anything else in a "save" is refused, so a typo never passes silently. */
export const RULE_FORM_FIELDS = [
  "intent",
  "versionId",
  "ruleId",
  "name",
  "stage",
  "queueId",
  "sources",
  "reasons",
  "languages",
  "platforms",
  "contentTypes",
  "labelSets",
  "copies",
] as const;
// The form library reserves these two names for its own buttons.
const RESERVED = new Set(["__intent__", "__state__"]);

function reader(payload: Record<string, unknown>) {
  const all = (name: string) => {
    const v = payload[name];
    return (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((x) => (typeof x === "string" ? x : ""));
  };
  return { all, text: (name: string) => all(name)[0] ?? "" };
}

/**
 * The rule the form describes, in the shape RoutingRule checks: a checkbox group with nothing ticked
 * or an empty comma-separated list leaves its condition out; "any" copies does too.
 */
export function ruleFromForm(payload: Record<string, unknown>) {
  const { all, text } = reader(payload);
  const uniq = (values: string[]) => [...new Set(values)];
  const ticked = (name: string) => {
    const values = uniq(all(name).filter((v) => v !== ""));
    return values.length ? values : undefined;
  };
  const commaList = (name: string) => {
    const values = uniq(
      text(name)
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean),
    );
    return values.length ? values : undefined;
  };
  const copies = text("copies");
  return {
    name: text("name"),
    stage: text("stage"),
    queueId: text("queueId"),
    when: Object.fromEntries(
      Object.entries({
        sources: ticked("sources"),
        reasons: commaList("reasons"),
        languages: commaList("languages"),
        platforms: commaList("platforms"),
        contentTypes: ticked("contentTypes"),
        labelSets: ticked("labelSets"),
        copies: copies === "" || copies === "any" ? undefined : copies,
      }).filter(([, v]) => v !== undefined),
    ),
  };
}

function unknownFields(payload: Record<string, unknown>): ApiIssue[] {
  const known = new Set<string>(RULE_FORM_FIELDS);
  return Object.keys(payload)
    .filter((k) => !known.has(k) && !RESERVED.has(k))
    .map((k) => ({ path: k, message: `The rule form has no field “${k}”; nothing was saved.` }));
}

export type DraftOutcome = { redirect: string } | { refused: Refusal };

function refusalOf(error: RoutingError): Refusal {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) (fieldErrors[issue.path] ??= []).push(issue.message);
  return {
    status: httpStatusOf(error),
    code: error.code,
    message: error.message,
    fieldErrors,
    formErrors: error.issues.length === 0 ? [error.message] : undefined,
    issues: error.issues,
  };
}

const BASE = "/routing/draft";

/** Carries out one submission of the draft page. */
export async function handleRoutingDraftIntent(actor: Actor, submission: Submission<unknown, string[], RoutingDraftIntent>): Promise<DraftOutcome> {
  if (submission.status !== "success") {
    return { refused: { status: 400, code: "invalid_form", message: "That request was incomplete; reload the page and try again." } };
  }
  const input = submission.value;
  try {
    switch (input.intent) {
      case "start":
        await startRoutingDraft(actor);
        return { redirect: BASE };
      case "save": {
        const extra = unknownFields(submission.payload);
        if (extra.length) throw new RoutingError("invalid", "The form sent fields a rule does not have; nothing was saved.", extra);
        const saved = await saveDraftRule(actor, input.versionId, input.ruleId || null, ruleFromForm(submission.payload));
        return { redirect: `${BASE}?${saved.changed ? "saved" : "unchanged"}=${encodeURIComponent(saved.ruleId)}#rule-${saved.ruleId}` };
      }
      case "move":
        await moveDraftRule(actor, input.versionId, input.ruleId, input.direction);
        return { redirect: `${BASE}#rule-${input.ruleId}` };
      case "remove": {
        const removed = await removeDraftRule(actor, input.versionId, input.ruleId);
        return { redirect: `${BASE}?removed=${encodeURIComponent(removed.name)}` };
      }
      case "note":
        await saveDraftNote(input.versionId, input.changeNote);
        return { redirect: `${BASE}?note=1#publish` };
      case "publish": {
        const published = await publishRoutingDraft(actor, input.versionId, {
          changeNote: input.changeNote,
          acknowledgedWarnings: input.acknowledgeWarnings === "on" ? input.seenWarnings : [],
        });
        return { redirect: `/routing/versions/${published.number}?published=1` };
      }
      case "discard":
        await discardRoutingDraft(actor, input.versionId);
        return { redirect: "/routing?discarded=1" };
    }
  } catch (error) {
    if (!(error instanceof RoutingError)) throw error;
    return { refused: refusalOf(error) };
  }
}
