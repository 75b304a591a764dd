import { Form } from "@remix-run/react";
import { ChangeNoteField } from "~/components/versions/change-note-field.tsx";
import { buttonClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Issue } from "~/modules/labels/format.ts";

/** Publishing the draft (with what still blocks it and the change note), and discarding it. */
export function PublishPanel({
  draft,
  issues,
  publishIssues,
  changeNote,
}: {
  draft: { id: string; number: number; labels: { id: string; name: string }[] };
  /** What the publication rules find in the draft now. */
  issues: Issue[];
  /** What the server said when publishing was last refused. */
  publishIssues: Issue[];
  changeNote: string;
}) {
  const noteError = publishIssues.find((x) => x.path === "changeNote")?.message;
  const blocking = [...issues, ...publishIssues.filter((p) => !issues.some((x) => x.path === p.path && x.message === p.message))].filter(
    (x) => x.path !== "changeNote",
  );
  return (
    <section aria-labelledby="publish" className="max-w-3xl rounded border border-slate-300 bg-white p-4">
      <h2 id="publish" className="text-lg font-semibold">
        Publish version {draft.number}
      </h2>
      {issues.length || publishIssues.length ? (
        <div role="alert" className="mt-2 rounded bg-red-50 p-3 text-sm text-red-900">
          <p className="font-medium">Fix these before publishing:</p>
          <ul className="mt-1 list-disc pl-5">
            {blocking.map((issue, n) => {
              const m = /^labels\.(\d+)\./.exec(issue.path);
              const label = m ? draft.labels[Number(m[1])] : undefined;
              return (
                <li key={n}>
                  {label ? (
                    <a href={`#card-${label.id}`} className="underline">
                      {label.name}
                    </a>
                  ) : null}
                  {label ? ": " : null}
                  {issue.message}
                </li>
              );
            })}
          </ul>
        </div>
      ) : (
        <p className="mt-2 text-sm text-green-800" role="status">
          The draft meets the publication rules.
        </p>
      )}
      <Form method="post" className="mt-4 space-y-3">
        <input type="hidden" name="intent" value="publish" />
        <input type="hidden" name="versionId" value={draft.id} />
        <ChangeNoteField defaultValue={changeNote} error={noteError} />
        <button type="submit" className={buttonClass}>
          Publish version {draft.number}
        </button>
      </Form>
      <Form method="post" className="mt-4 border-t border-slate-100 pt-3">
        <input type="hidden" name="intent" value="discard" />
        <input type="hidden" name="versionId" value={draft.id} />
        <button type="submit" className={secondaryButtonClass}>
          Discard this draft
        </button>
      </Form>
    </section>
  );
}
