import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FieldError, Notice, PageHeader, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { Badge, formatTime, groupBadgeClass, groupLabels } from "~/components/labels/label-details.tsx";
import { emptyFormValues, formValuesOf, LabelForm, type LabelFormValues } from "~/components/labels/label-form.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { userActor } from "~/modules/auth/actor.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { diffLabels } from "~/modules/labels/diff.ts";
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
} from "~/modules/labels/editor.server.ts";
import { GROUP_NAMES, issuesByField, labelInputFromForm, linesOf, type Issue } from "~/modules/labels/format.ts";
import { earlierGroups, getLabelSet, getVersion } from "~/modules/labels/sets.server.ts";
import { LABEL_GROUPS } from "~/modules/labels/types.ts";

export const access: Access = { kind: "user", capability: "labels:edit" };
export const meta: MetaFunction = () => [{ title: "Draft editor · Docket" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireCapability(request, "labels:edit");
  const set = await getLabelSet(params.setId ?? "");
  if (!set) throw notFound("That label set does not exist.");
  const draftRow = set.versions.find((v) => v.status === "draft");
  const live = set.versions.find((v) => v.status === "published") ?? null;
  if (!draftRow) return json({ set: { id: set.id, name: set.name }, live, draft: null, issues: [] as Issue[], earlier: {} as Record<string, string>, changedKeys: {} as Record<string, "new" | "changed"> });
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
  return json({ set: { id: set.id, name: set.name }, live, draft: { ...draft!, createdBy: draftRow.createdBy }, issues, earlier: Object.fromEntries(earlier), changedKeys });
}

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start") }),
  z.object({ intent: z.literal("save"), versionId: z.string().min(1), labelId: z.string().optional() }),
  z.object({ intent: z.literal("move"), versionId: z.string().min(1), labelId: z.string().min(1), direction: z.enum(["up", "down"]) }),
  z.object({ intent: z.literal("retire"), versionId: z.string().min(1), labelId: z.string().min(1) }),
  z.object({ intent: z.literal("restore"), versionId: z.string().min(1), labelId: z.string().min(1) }),
  z.object({ intent: z.literal("publish"), versionId: z.string().min(1), changeNote: z.string().default("") }),
  z.object({ intent: z.literal("discard"), versionId: z.string().min(1) }),
]);

type ActionResult = {
  intent: string;
  message: string;
  issues: Issue[];
  labelId?: string | null;
  values?: LabelFormValues;
  changeNote?: string;
};

function formValuesFromSubmission(form: FormData): LabelFormValues {
  const text = (name: string) => (typeof form.get(name) === "string" ? (form.get(name) as string) : "");
  return {
    key: text("key"),
    name: text("name"),
    group: text("group"),
    definition: text("definition"),
    cues: linesOf(text("cues")).join("\n"),
    notWhen: text("notWhen"),
    positiveExamples: linesOf(text("positiveExamples")).join("\n"),
    negativeExamples: linesOf(text("negativeExamples")).join("\n"),
    severity: text("severity"),
    defaultAction: text("defaultAction"),
    rationaleRequired: form.get("rationaleRequired") === "on",
    sorCategory: text("sorCategory"),
    sorKeywords: form.getAll("sorKeywords").filter((v): v is string => typeof v === "string"),
    sorGround: text("sorGround"),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCapability(request, "labels:edit");
  const actor = userActor(user);
  const setId = params.setId ?? "";
  const form = await request.formData();
  const parsed = Intent.safeParse(Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string")));
  if (!parsed.success) return json<ActionResult>({ intent: "unknown", message: "That request was incomplete; reload the page and try again.", issues: [] }, { status: 400 });
  const input = parsed.data;
  const base = `/labels/${setId}/draft`;
  try {
    if (input.intent === "start") {
      if (!(await getLabelSet(setId))) throw notFound("That label set does not exist.");
      await startDraft(actor, setId);
      return redirect(base);
    }
    const version = await getVersion(input.versionId);
    if (!version || version.setId !== setId) throw notFound("That draft does not exist in this label set.");
    switch (input.intent) {
      case "save": {
        const saved = await saveDraftLabel(actor, input.versionId, input.labelId || null, labelInputFromForm(form));
        const key = String(form.get("key") ?? "").trim();
        return redirect(`${base}?saved=${encodeURIComponent(key)}#card-${saved.labelId}`);
      }
      case "move":
        await moveDraftLabel(actor, input.versionId, input.labelId, input.direction);
        return redirect(`${base}#card-${input.labelId}`);
      case "retire": {
        const result = await retireDraftLabel(actor, input.versionId, input.labelId);
        return redirect(`${base}?${result.outcome}=${encodeURIComponent(result.key)}`);
      }
      case "restore":
        await restoreDraftLabel(actor, input.versionId, input.labelId);
        return redirect(`${base}#card-${input.labelId}`);
      case "publish": {
        const published = await publishDraft(actor, input.versionId, input.changeNote);
        return redirect(`/labels/${setId}/versions/${published.versionId}?published=1`);
      }
      case "discard":
        await discardDraft(actor, input.versionId);
        return redirect(`/labels/${setId}`);
    }
  } catch (error) {
    if (!(error instanceof LabelSetError)) throw error;
    const result: ActionResult = { intent: input.intent, message: error.message, issues: error.issues };
    if (input.intent === "save") {
      result.labelId = input.labelId || null;
      result.values = formValuesFromSubmission(form);
    }
    if (input.intent === "publish") result.changeNote = input.changeNote;
    return json(result, { status: httpStatusOf(error) });
  }
}

export default function DraftEditor() {
  const { set, live, draft, issues, earlier, changedKeys } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const [search] = useSearchParams();
  const editing = search.get("label");
  const adding = search.get("new");
  const base = `/labels/${set.id}/draft`;

  if (!draft) {
    return (
      <>
        <Breadcrumb set={set} />
        <PageHeader title={`${set.name}: no draft`} description="Changes happen in a draft copied from the live version. Nothing changes for moderators until you publish it." />
        {result?.message ? <Notice tone="error">{result.message}</Notice> : null}
        <Form method="post">
          <input type="hidden" name="intent" value="start" />
          <button type="submit" className={buttonClass}>Start a draft from {live ? `version ${live.number}` : "scratch"}</button>
        </Form>
      </>
    );
  }

  const issuesByLabel = new Map<number, Issue[]>();
  for (const issue of issues) {
    const m = /^labels\.(\d+)\./.exec(issue.path);
    if (m) issuesByLabel.set(Number(m[1]), [...(issuesByLabel.get(Number(m[1])) ?? []), issue]);
  }
  const indexOf = new Map(draft.labels.map((l, i) => [l.id, i]));
  const allKeys = draft.labels.map((l) => l.key);
  const saveFailed = result?.intent === "save";
  const publishIssues = result?.intent === "publish" ? result.issues : [];

  return (
    <>
      <Breadcrumb set={set} />
      <PageHeader
        title={`${set.name}: draft version ${draft.number}`}
        description={`Started ${formatTime(draft.createdAt)}${draft.createdBy ? ` by ${draft.createdBy}` : ""}. Moderators keep seeing ${live ? `version ${live.number}` : "no version"} until this draft is published.`}
        actions={
          live ? (
            <Link to={`/labels/${set.id}/diff?from=${live.id}&to=${draft.id}`} className={secondaryButtonClass}>
              Review changes against the live version
            </Link>
          ) : null
        }
      />
      {search.get("saved") ? <Notice tone="success">Saved “{search.get("saved")}” in the draft.</Notice> : null}
      {search.get("retired") ? <Notice tone="success">Retired “{search.get("retired")}”: earlier versions and their decisions still show it; this version will not offer it.</Notice> : null}
      {search.get("deleted") ? <Notice tone="success">Removed “{search.get("deleted")}” (it was new in this draft).</Notice> : null}
      {search.get("imported") ? <Notice tone="success">Imported into this draft. Review it, then publish.</Notice> : null}
      {result?.message && result.intent !== "save" ? <Notice tone="error">{result.message}</Notice> : null}

      {groupLabels(draft.labels).map((g) => (
        <section key={g.group} aria-labelledby={`group-${g.group}`} className="mb-8">
          <div className="mb-3 flex flex-wrap items-end justify-between gap-2">
            <div>
              <h2 id={`group-${g.group}`} className="text-lg font-semibold">{g.title} <span className="text-sm font-normal text-slate-600">({g.labels.length})</span></h2>
              <p className="text-sm text-slate-600">{g.help}</p>
            </div>
            <Link to={`${base}?new=${g.group}#new-${g.group}`} className={secondaryButtonClass}>{g.group === "allowed" ? "Add an allowed label" : `Add a ${g.title.toLowerCase()} label`}</Link>
          </div>
          <ol className="space-y-3">
            {g.labels.map((l, i) => {
              const labelIssues = issuesByLabel.get(indexOf.get(l.id) ?? -1) ?? [];
              const isEditing = editing === l.id || (saveFailed && result?.labelId === l.id);
              const serverErrors = saveFailed && result?.labelId === l.id ? { ...issuesByField(result.issues), ...(result.issues.length ? {} : { form: result.message }) } : {};
              return (
                <li key={l.id} id={`card-${l.id}`} className={`rounded border bg-white p-4 ${l.retired ? "border-dashed border-slate-300" : labelIssues.length ? "border-red-300" : "border-slate-200"}`}>
                  <div className="flex flex-wrap items-start gap-3">
                    <div className="min-w-0 flex-1">
                      <h3 className="flex flex-wrap items-baseline gap-2 font-semibold">
                        <span>{l.name}</span>
                        <code className="text-xs font-normal text-slate-600">{l.key}</code>
                        {l.retired ? <Badge className="bg-slate-200 text-slate-700">Retired</Badge> : null}
                        {changedKeys[l.key] === "new" ? <Badge className="bg-blue-100 text-blue-900">New</Badge> : null}
                        {changedKeys[l.key] === "changed" ? <Badge className="bg-amber-100 text-amber-900">Changed</Badge> : null}
                      </h3>
                      {!isEditing ? <p className="mt-1 text-sm text-slate-700">{l.definition}</p> : null}
                      {labelIssues.length ? (
                        <ul className="mt-2 text-sm text-red-700">
                          {labelIssues.map((issue, n) => <li key={n}>{issue.message}</li>)}
                        </ul>
                      ) : null}
                    </div>
                    <div className="flex flex-wrap gap-2">
                      {!isEditing ? <Link to={`${base}?label=${l.id}#card-${l.id}`} className={secondaryButtonClass} aria-label={`Edit ${l.name}`}>Edit</Link> : null}
                      <Form method="post">
                        <input type="hidden" name="intent" value="move" />
                        <input type="hidden" name="versionId" value={draft.id} />
                        <input type="hidden" name="labelId" value={l.id} />
                        <input type="hidden" name="direction" value="up" />
                        <button type="submit" disabled={i === 0} className={`${secondaryButtonClass} disabled:opacity-40`} aria-label={`Move ${l.name} up`}>↑ Up</button>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="intent" value="move" />
                        <input type="hidden" name="versionId" value={draft.id} />
                        <input type="hidden" name="labelId" value={l.id} />
                        <input type="hidden" name="direction" value="down" />
                        <button type="submit" disabled={i === g.labels.length - 1} className={`${secondaryButtonClass} disabled:opacity-40`} aria-label={`Move ${l.name} down`}>↓ Down</button>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="intent" value={l.retired ? "restore" : "retire"} />
                        <input type="hidden" name="versionId" value={draft.id} />
                        <input type="hidden" name="labelId" value={l.id} />
                        <button type="submit" className={secondaryButtonClass} aria-label={`${l.retired ? "Restore" : earlier[l.key] ? "Retire" : "Remove"} ${l.name}`}>
                          {l.retired ? "Restore" : earlier[l.key] ? "Retire" : "Remove"}
                        </button>
                      </Form>
                    </div>
                  </div>
                  {isEditing ? (
                    <div className="mt-4 border-t border-slate-100 pt-4">
                      <LabelFormFor
                        draftId={draft.id}
                        labelId={l.id}
                        values={saveFailed && result?.values ? result.values : formValuesOf(l)}
                        serverErrors={serverErrors}
                        otherKeys={allKeys.filter((k) => k !== l.key)}
                        earlier={earlier}
                        lockedKey={earlier[l.key] ? l.key : undefined}
                        cancelTo={`${base}#card-${l.id}`}
                      />
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ol>
          {adding === g.group || (saveFailed && !result?.labelId && result?.values?.group === g.group) ? (
            <div id={`new-${g.group}`} className="mt-3 rounded border border-blue-200 bg-white p-4">
              <h3 className="mb-3 font-semibold">New {g.title.toLowerCase()} label</h3>
              <LabelFormFor
                draftId={draft.id}
                labelId={null}
                values={saveFailed && result?.values ? result.values : emptyFormValues(g.group)}
                serverErrors={saveFailed ? issuesByField(result!.issues) : {}}
                otherKeys={allKeys}
                earlier={earlier}
                cancelTo={base}
              />
            </div>
          ) : null}
        </section>
      ))}

      <section aria-labelledby="publish" className="max-w-3xl rounded border border-slate-300 bg-white p-4">
        <h2 id="publish" className="text-lg font-semibold">Publish version {draft.number}</h2>
        {issues.length || publishIssues.length ? (
          <div role="alert" className="mt-2 rounded bg-red-50 p-3 text-sm text-red-900">
            <p className="font-medium">Fix these before publishing:</p>
            <ul className="mt-1 list-disc pl-5">
              {[...issues, ...publishIssues.filter((p) => !issues.some((x) => x.path === p.path && x.message === p.message))]
                .filter((x) => x.path !== "changeNote")
                .map((issue, n) => {
                  const m = /^labels\.(\d+)\./.exec(issue.path);
                  const label = m ? draft.labels[Number(m[1])] : undefined;
                  return (
                    <li key={n}>
                      {label ? <a href={`#card-${label.id}`} className="underline">{label.name}</a> : null}
                      {label ? ": " : null}
                      {issue.message}
                    </li>
                  );
                })}
            </ul>
          </div>
        ) : (
          <p className="mt-2 text-sm text-green-800" role="status">The draft meets the publication rules.</p>
        )}
        <Form method="post" className="mt-4 space-y-3">
          <input type="hidden" name="intent" value="publish" />
          <input type="hidden" name="versionId" value={draft.id} />
          <div>
            <label htmlFor="change-note" className="block text-sm font-medium">Change note</label>
            <p id="change-note-hint" className="text-xs text-slate-600">What changed and why; leads and auditors read it in the history.</p>
            <textarea
              id="change-note"
              name="changeNote"
              rows={3}
              defaultValue={result?.changeNote ?? draft.changeNote}
              className={inputClass}
              aria-describedby="change-note-hint change-note-error"
              aria-invalid={publishIssues.some((x) => x.path === "changeNote") ? true : undefined}
            />
            <FieldError id="change-note-error" message={publishIssues.find((x) => x.path === "changeNote")?.message} />
          </div>
          <button type="submit" className={buttonClass}>Publish version {draft.number}</button>
        </Form>
        <Form method="post" className="mt-4 border-t border-slate-100 pt-3">
          <input type="hidden" name="intent" value="discard" />
          <input type="hidden" name="versionId" value={draft.id} />
          <button type="submit" className={secondaryButtonClass}>Discard this draft</button>
        </Form>
      </section>
      <p className="mt-4 text-xs text-slate-500">Groups: {LABEL_GROUPS.map((g) => GROUP_NAMES[g].title).join(", ")}. <Badge className={groupBadgeClass.violating}>Violating</Badge> labels need a statement-of-reasons mapping.</p>
    </>
  );
}

function Breadcrumb({ set }: { set: { id: string; name: string } }) {
  return (
    <p className="mb-2 text-sm">
      <Link to="/labels" className="text-blue-800 hover:underline">Label sets</Link> /{" "}
      <Link to={`/labels/${set.id}`} className="text-blue-800 hover:underline">{set.name}</Link> /
    </p>
  );
}

function LabelFormFor(props: {
  draftId: string;
  labelId: string | null;
  values: LabelFormValues;
  serverErrors: Record<string, string>;
  otherKeys: string[];
  earlier: Record<string, string>;
  lockedKey?: string;
  cancelTo: string;
}) {
  return (
    <LabelForm
      idPrefix={props.labelId ? `l-${props.labelId.slice(0, 8)}` : `new-${props.values.group}`}
      labelId={props.labelId}
      draftId={props.draftId}
      values={props.values}
      serverErrors={props.serverErrors}
      otherKeys={props.otherKeys}
      earlierGroups={props.earlier}
      lockedKey={props.lockedKey}
      cancelTo={props.cancelTo}
    />
  );
}
