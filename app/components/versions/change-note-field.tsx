import { FieldError, inputClass } from "~/components/ui/page.tsx";

/** The change note of a publication (label sets and routing rules alike): what changed and why. */
export function ChangeNoteField({ defaultValue, error }: { defaultValue: string; error: string | undefined }) {
  return (
    <div>
      <label htmlFor="change-note" className="block text-sm font-medium">
        Change note
      </label>
      <p id="change-note-hint" className="text-xs text-slate-600">
        What changed and why; leads and auditors read it in the history.
      </p>
      <textarea
        id="change-note"
        name="changeNote"
        rows={3}
        defaultValue={defaultValue}
        className={inputClass}
        aria-describedby="change-note-hint change-note-error"
        aria-invalid={error ? true : undefined}
      />
      <FieldError id="change-note-error" message={error} />
    </div>
  );
}
