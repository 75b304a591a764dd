import { Form } from "@remix-run/react";
import { ChangeNoteField } from "~/components/versions/change-note-field.tsx";
import { FieldError, buttonClass, secondaryButtonClass } from "~/components/ui/page.tsx";

/**
 * Publishing the draft: the warnings (which never block a publish, but must be acknowledged), the
 * change note, and discarding the draft.
 */
export function PublishPanel({
  draft,
  warnings,
  changeNote,
  errors,
}: {
  draft: { id: string; number: number };
  warnings: string[];
  changeNote: string;
  /** The server's messages for this panel's fields, when it refused a publish. */
  errors: { changeNote?: string; acknowledgeWarnings?: string };
}) {
  return (
    <section id="publish" aria-labelledby="publish-title" className="mt-8 max-w-3xl rounded border border-slate-300 bg-white p-4">
      <h2 id="publish-title" className="text-lg font-semibold">
        Publish version {draft.number}
      </h2>
      {warnings.length ? (
        <div id="publish-warnings" className="mt-2 rounded bg-amber-50 p-3 text-sm text-amber-950">
          <p className="font-medium">{warnings.length === 1 ? "One warning" : `${warnings.length} warnings`}: read before publishing. They do not stop you.</p>
          <ul className="mt-1 list-disc pl-5">
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="mt-2 text-sm text-green-800">
          No warnings: every flag source, escalations and appeals have a rule, and every rule points at an open queue.
        </p>
      )}
      <Form method="post" className="mt-4 space-y-3">
        <input type="hidden" name="versionId" value={draft.id} />
        <ChangeNoteField defaultValue={changeNote} error={errors.changeNote} />
        {warnings.map((w) => (
          <input key={w} type="hidden" name="seenWarnings" value={w} />
        ))}
        {warnings.length ? (
          <div>
            <div className="flex items-center gap-2">
              <input
                id="acknowledge-warnings"
                name="acknowledgeWarnings"
                type="checkbox"
                className="h-4 w-4"
                aria-describedby="publish-warnings acknowledge-warnings-error"
                aria-invalid={errors.acknowledgeWarnings ? true : undefined}
              />
              <label htmlFor="acknowledge-warnings" className="text-sm font-medium">
                I have read the warnings
              </label>
            </div>
            <FieldError id="acknowledge-warnings-error" message={errors.acknowledgeWarnings} />
          </div>
        ) : null}
        <div className="flex flex-wrap gap-3">
          <button type="submit" name="intent" value="publish" className={buttonClass}>
            Publish version {draft.number}
          </button>
          <button type="submit" name="intent" value="note" className={secondaryButtonClass}>
            Save the note without publishing
          </button>
        </div>
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
