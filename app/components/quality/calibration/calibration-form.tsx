import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import type { z } from "zod";
import { textOf, validateWith } from "~/components/ui/form.ts";
import { FieldError, buttonClass, inputClass } from "~/components/ui/page.tsx";
import { TextField } from "~/components/ui/text-field.tsx";
import { ACTIONS } from "~/modules/decisions/actions.ts";
import { CONTENT_TYPES } from "~/modules/intake/schema.ts";
import { SOURCE_NAMES, SOURCES } from "~/modules/items/sources.ts";

export type FormLabelSet = {
  setId: string;
  name: string;
  versionNumber: number;
  reasons: string[];
  labels: { id: string; key: string; name: string; group: string }[];
};

/** What the form starts with: an item's saved values when editing, nothing when creating. */
export type CalibrationDefaults = {
  title?: string | null;
  body?: string;
  type?: string;
  language?: string | null;
  source?: string;
  reason?: string;
  expectedAction?: string;
  expectedLabelIds?: string[];
  explanation?: string;
};

type Props = {
  mode: "new" | "edit";
  schema: z.ZodTypeAny;
  lastResult?: SubmissionResult<string[]>;
  labelSets: FormLabelSet[];
  reasons: string[];
  defaults?: CalibrationDefaults;
};

/**
 * A calibration item's form: where it comes from (a new one copies an item or is written here), its
 * text and notice, and the expected action, labels and explanation. Works without JavaScript.
 */
export function CalibrationForm({ mode, schema, lastResult, labelSets, reasons, defaults = {} }: Props) {
  const [form, fields] = useForm({ id: `calibration-${mode}`, lastResult, onValidate: validateWith(schema), shouldValidate: "onSubmit" });
  const submitted = (name: string) => textOf((form.initialValue as Record<string, unknown> | undefined)?.[name]);
  const value = (name: string, fallback: string | null | undefined) => (lastResult ? submitted(name) : (fallback ?? ""));
  const checkedIds = lastResult
    ? [(form.initialValue as Record<string, unknown> | undefined)?.labelIds ?? []].flat().map(String)
    : (defaults.expectedLabelIds ?? []);
  const error = (name: string) => (fields as Record<string, { errors?: string[] }>)[name]?.errors?.[0];
  const textArea = (name: string, label: string, rows: number, fallback?: string) => (
    <div>
      <label htmlFor={`calibration-${name}`} className="block text-sm font-medium">
        {label}
      </label>
      <textarea
        id={`calibration-${name}`}
        name={name}
        rows={rows}
        defaultValue={value(name, fallback)}
        className={inputClass}
        aria-describedby={`calibration-${name}-error`}
        aria-invalid={error(name) ? true : undefined}
      />
      <FieldError id={`calibration-${name}-error`} message={error(name)} />
    </div>
  );
  const select = (name: string, label: string, options: [string, string][], fallback?: string) => (
    <div>
      <label htmlFor={`calibration-${name}`} className="block text-sm font-medium">
        {label}
      </label>
      <select
        id={`calibration-${name}`}
        name={name}
        defaultValue={value(name, fallback)}
        className={inputClass}
        aria-describedby={`calibration-${name}-error`}
        aria-invalid={error(name) ? true : undefined}
      >
        <option value="">Choose…</option>
        {options.map(([v, words]) => (
          <option key={v} value={v}>
            {words}
          </option>
        ))}
      </select>
      <FieldError id={`calibration-${name}-error`} message={error(name)} />
    </div>
  );
  const content = (
    <>
      <TextField id="calibration-title" label="Title (optional)" field={fields.title} fallback={defaults.title ?? ""} required={false} />
      {textArea("body", "Text moderators will review", 6, defaults.body)}
      {select(
        "type",
        "Content type",
        CONTENT_TYPES.map((t) => [t, t]),
        defaults.type ?? "text",
      )}
      <TextField id="calibration-language" label="Language (optional, e.g. en)" field={fields.language} fallback={defaults.language ?? ""} required={false} />
      {select(
        "source",
        "Where the notice comes from",
        SOURCES.map((s) => [s, SOURCE_NAMES[s]]),
        defaults.source ?? "user_report",
      )}
      {select(
        "reason",
        "Reason it is reported for",
        reasons.map((r) => [r, r]),
        defaults.reason,
      )}
    </>
  );
  return (
    <Form method="post" {...getFormProps(form)} className="grid max-w-3xl gap-4 rounded border border-slate-200 bg-white p-4">
      {form.errors?.length ? <p className="text-sm text-red-700">{form.errors[0]}</p> : null}
      {mode === "edit" ? <input type="hidden" name="intent" value="save" /> : null}
      {mode === "new" ? (
        <>
          <fieldset className="grid gap-3 rounded border border-slate-200 p-3">
            <legend className="px-1 text-sm font-semibold">Copy an item</legend>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="from" value="item" defaultChecked={value("from", "item") === "item"} /> From an item: its text, media, notice and reason
            </label>
            <TextField id="calibration-itemExternalId" label="The item's external id" field={fields.itemExternalId} required={false} />
            <TextField id="calibration-platform" label="Platform (only when two platforms use that id)" field={fields.platform} required={false} />
          </fieldset>
          <fieldset className="grid gap-3 rounded border border-slate-200 p-3">
            <legend className="px-1 text-sm font-semibold">…or write one</legend>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="from" value="text" defaultChecked={value("from", "item") === "text"} /> A text written here (fictional content only)
            </label>
            {content}
          </fieldset>
          <FieldError id="calibration-from-error" message={error("from")} />
        </>
      ) : (
        content
      )}
      <fieldset className="grid gap-2">
        <legend className="text-sm font-semibold">Expected action</legend>
        <div className="flex flex-wrap gap-4">
          {ACTIONS.map((a) => (
            <label key={a} className="flex items-center gap-2 text-sm">
              <input type="radio" name="action" value={a} defaultChecked={value("action", defaults.expectedAction) === a} /> {a}
            </label>
          ))}
        </div>
        <FieldError id="calibration-action-error" message={error("action")} />
      </fieldset>
      <fieldset className="grid gap-3" aria-describedby="calibration-labelIds-error">
        <legend className="text-sm font-semibold">Expected labels (from the live label set for the reason)</legend>
        {labelSets.map((set) => (
          <div key={set.setId} className="rounded border border-slate-200 p-3">
            <p className="text-sm font-medium">
              {set.name} · version {set.versionNumber}
              {set.reasons.length > 0 ? <span className="text-slate-600"> · reasons {set.reasons.join(", ")}</span> : null}
            </p>
            <div className="mt-2 grid gap-1 sm:grid-cols-2">
              {set.labels.map((l) => (
                <label key={l.id} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="labelIds" value={l.id} defaultChecked={checkedIds.includes(l.id)} />
                  {l.name} <span className="text-slate-600">({l.group})</span>
                </label>
              ))}
            </div>
          </div>
        ))}
        <FieldError id="calibration-labelIds-error" message={error("labelIds")} />
      </fieldset>
      {textArea("explanation", "Explanation moderators read after answering", 4, defaults.explanation)}
      <div>
        <button type="submit" className={buttonClass}>
          {mode === "new" ? "Make the calibration item" : "Save"}
        </button>
      </div>
    </Form>
  );
}
