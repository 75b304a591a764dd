import { Link, useSearchParams } from "@remix-run/react";
import type { SerializeFrom } from "@remix-run/node";
import { lastResultOf, refusalMessage, textOf } from "~/components/ui/form.ts";
import { Notice, PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { draftEditor } from "~/modules/labels/draft.server.ts";
import { GROUP_NAMES, type Issue } from "~/modules/labels/format.ts";
import { LABEL_GROUPS, type LabelView } from "~/modules/labels/types.ts";
import { SetBreadcrumb } from "./set-breadcrumb.tsx";
import { DraftStart } from "./draft-start.tsx";
import { LabelCard } from "./label-card.tsx";
import { Badge, formatTime, groupBadgeClass, groupLabels } from "./label-details.tsx";
import { emptyFormValues, LabelForm } from "./label-form.tsx";
import { PublishPanel } from "./publish-panel.tsx";

export type DraftEditorData = SerializeFrom<NonNullable<Awaited<ReturnType<typeof draftEditor>>>>;

/** The issues the server sent with its refusal (the error shape's `issues`). */
function refusalIssues(data: unknown): Issue[] {
  if (typeof data !== "object" || data === null || !("error" in data)) return [];
  const issues = (data as { error: { issues?: Issue[] } }).error.issues;
  return Array.isArray(issues) ? issues : [];
}

/** The draft editor: the draft's labels by group, each editable, the publication rules, publish and discard. */
export function DraftEditor({ data, actionData }: { data: DraftEditorData; actionData: unknown }) {
  const { set, live, draft, issues, earlier, changedKeys } = data;
  const [search] = useSearchParams();
  const base = `/labels/${set.id}/draft`;
  const refusal = refusalMessage(actionData);
  const saved = lastResultOf(actionData, "save");
  if (!draft) return <DraftStart set={set} live={live} refusal={refusal} />;

  const labels = draft.labels as LabelView[];
  const editing = search.get("label");
  const adding = search.get("new");
  const savedLabelId = saved ? textOf(saved.initialValue?.labelId) || null : undefined;
  const savedGroup = saved ? textOf(saved.initialValue?.group) : undefined;
  const issuesByLabel = new Map<number, Issue[]>();
  for (const issue of issues) {
    const m = /^labels\.(\d+)\./.exec(issue.path);
    if (m) issuesByLabel.set(Number(m[1]), [...(issuesByLabel.get(Number(m[1])) ?? []), issue]);
  }
  const indexOf = new Map(labels.map((l, i) => [l.id, i]));
  const allKeys = labels.map((l) => l.key);
  const published = lastResultOf(actionData, "publish");

  return (
    <>
      <SetBreadcrumb set={set} />
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
      {search.get("retired") ? (
        <Notice tone="success">Retired “{search.get("retired")}”: earlier versions and their decisions still show it; this version will not offer it.</Notice>
      ) : null}
      {search.get("deleted") ? <Notice tone="success">Removed “{search.get("deleted")}” (it was new in this draft).</Notice> : null}
      {search.get("imported") ? <Notice tone="success">Imported into this draft. Review it, then publish.</Notice> : null}
      {refusal && !saved ? <Notice tone="error">{refusal}</Notice> : null}

      {groupLabels(labels).map((g) => (
        <section key={g.group} aria-labelledby={`group-${g.group}`} className="mb-8">
          <div className="mb-3 flex flex-wrap items-end justify-between gap-2">
            <div>
              <h2 id={`group-${g.group}`} className="text-lg font-semibold">
                {g.title} <span className="text-sm font-normal text-slate-600">({g.labels.length})</span>
              </h2>
              <p className="text-sm text-slate-600">{g.help}</p>
            </div>
            <Link to={`${base}?new=${g.group}#new-${g.group}`} className={secondaryButtonClass}>
              {g.group === "allowed" ? "Add an allowed label" : `Add a ${g.title.toLowerCase()} label`}
            </Link>
          </div>
          <ol className="space-y-3">
            {g.labels.map((l, i) => (
              <LabelCard
                key={l.id}
                label={l}
                draftId={draft.id}
                first={i === 0}
                last={i === g.labels.length - 1}
                issues={issuesByLabel.get(indexOf.get(l.id) ?? -1) ?? []}
                change={changedKeys[l.key]}
                editing={editing === l.id || savedLabelId === l.id}
                lastResult={savedLabelId === l.id ? saved : undefined}
                otherKeys={allKeys.filter((k) => k !== l.key)}
                earlier={earlier}
                base={base}
              />
            ))}
          </ol>
          {adding === g.group || (savedLabelId === null && savedGroup === g.group) ? (
            <div id={`new-${g.group}`} className="mt-3 rounded border border-blue-200 bg-white p-4">
              <h3 className="mb-3 font-semibold">New {g.title.toLowerCase()} label</h3>
              <LabelForm
                idPrefix={`new-${g.group}`}
                labelId={null}
                draftId={draft.id}
                values={emptyFormValues(g.group)}
                lastResult={savedLabelId === null && savedGroup === g.group ? saved : undefined}
                otherKeys={allKeys}
                earlierGroups={earlier}
                cancelTo={base}
              />
            </div>
          ) : null}
        </section>
      ))}

      <PublishPanel
        draft={{ id: draft.id, number: draft.number, labels }}
        issues={issues}
        publishIssues={published ? refusalIssues(actionData) : []}
        changeNote={published ? textOf(published.initialValue?.changeNote) : draft.changeNote}
      />
      <p className="mt-4 text-xs text-slate-500">
        Groups: {LABEL_GROUPS.map((g) => GROUP_NAMES[g].title).join(", ")}. <Badge className={groupBadgeClass.violating}>Violating</Badge> labels need a
        statement-of-reasons mapping.
      </p>
    </>
  );
}
