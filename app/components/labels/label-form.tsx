import { getFormProps, parse, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { FieldError, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { SOR_CATEGORIES, SOR_GROUNDS, SOR_KEYWORDS } from "~/modules/audit/statement-of-reasons.ts";
import { checkLabelForm, DEFAULT_ACTIONS, GROUP_NAMES, labelInputFromForm, linesOf, SEVERITY_NAMES } from "~/modules/labels/format.ts";
import { LABEL_GROUPS } from "~/modules/labels/types.ts";

/** The values the form shows: a label's stored fields, or what the lead last submitted. */
export type LabelFormValues = {
  key: string;
  name: string;
  group: string;
  definition: string;
  cues: string;
  notWhen: string;
  positiveExamples: string;
  negativeExamples: string;
  severity: string;
  defaultAction: string;
  rationaleRequired: boolean;
  sorCategory: string;
  sorKeywords: string[];
  sorGround: string;
};

export function formValuesOf(label: {
  key: string;
  name: string;
  group: string;
  definition: string;
  cues: string[];
  notWhen: string;
  positiveExamples: string[];
  negativeExamples: string[];
  severity: number;
  defaultAction: string;
  rationaleRequired: boolean;
  sor: { category: string; keywords: string[]; ground: string } | null;
}): LabelFormValues {
  return {
    key: label.key,
    name: label.name,
    group: label.group,
    definition: label.definition,
    cues: label.cues.join("\n"),
    notWhen: label.notWhen,
    positiveExamples: label.positiveExamples.join("\n"),
    negativeExamples: label.negativeExamples.join("\n"),
    severity: String(label.severity),
    defaultAction: label.defaultAction,
    rationaleRequired: label.rationaleRequired,
    sorCategory: label.sor?.category ?? "",
    sorKeywords: label.sor?.keywords ?? [],
    sorGround: label.sor?.ground ?? "",
  };
}

export const emptyFormValues = (group: string): LabelFormValues => ({
  key: "",
  name: "",
  group,
  definition: "",
  cues: "",
  notWhen: "",
  positiveExamples: "",
  negativeExamples: "",
  severity: group === "violating" ? "2" : "0",
  defaultAction: group === "violating" ? "remove" : group === "process" ? "escalate" : "keep",
  rationaleRequired: group !== "allowed",
  sorCategory: group === "violating" ? "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY" : "",
  sorKeywords: [],
  sorGround: group === "violating" ? "DECISION_GROUND_INCOMPATIBLE_CONTENT" : "",
});

/** What the lead submitted, as the form shows it again after the server refused it. */
export function formValuesFromPayload(payload: Record<string, unknown>): LabelFormValues {
  const all = (name: string) => {
    const v = payload[name];
    return (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
  };
  const text = (name: string) => all(name)[0] ?? "";
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
    rationaleRequired: text("rationaleRequired") === "on",
    sorCategory: text("sorCategory"),
    sorKeywords: all("sorKeywords"),
    sorGround: text("sorGround"),
  };
}

function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      {children}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

const describedBy = (id: string, hint: boolean) => [hint ? `${id}-hint` : "", `${id}-error`].filter(Boolean).join(" ");

/**
 * One label's fields. Checks run in the browser as the lead types (the same rules the server
 * applies), and the server's answer to a submit lands next to the same fields, with or without
 * JavaScript.
 */
export function LabelForm({
  idPrefix,
  labelId,
  draftId,
  values: stored,
  lastResult,
  otherKeys,
  earlierGroups,
  lockedKey,
  cancelTo,
}: {
  idPrefix: string;
  labelId: string | null;
  draftId: string;
  values: LabelFormValues;
  /** The server's answer, when this form was the one it refused. */
  lastResult: SubmissionResult<string[]> | undefined;
  otherKeys: string[];
  earlierGroups: Record<string, string>;
  lockedKey?: string;
  cancelTo: string;
}) {
  const [form] = useForm({
    id: `label-form-${idPrefix}`,
    lastResult,
    shouldValidate: "onInput",
    onValidate: ({ formData }) =>
      parse(formData, {
        resolve: () => {
          const found = checkLabelForm(labelInputFromForm(formData), { otherKeys, earlierGroups, lockedKey });
          const error = Object.fromEntries(Object.entries(found).map(([field, message]) => [field, [message]]));
          return Object.keys(error).length ? { error } : { value: {} };
        },
      }),
  });
  const values = lastResult?.initialValue ? formValuesFromPayload(lastResult.initialValue) : stored;
  const fieldErrors = form.allErrors;
  const errors: Record<string, string | undefined> = Object.fromEntries(Object.entries(fieldErrors).map(([field, messages]) => [field, messages[0]]));
  errors.form = form.errors?.[0] ?? errors.form;
  const id = (name: string) => `${idPrefix}-${name}`;
  const invalid = (name: string) => (errors[name] ? true : undefined);
  const groupLocked = Boolean(lockedKey);

  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4" aria-label={labelId ? `Edit ${values.name}` : "New label"}>
      <input type="hidden" name="intent" value="save" />
      <input type="hidden" name="versionId" value={draftId} />
      {labelId ? <input type="hidden" name="labelId" value={labelId} /> : null}
      {errors.form ? <FieldError id={id("form-error")} message={errors.form} /> : null}
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id={id("name")} label="Name" error={errors.name}>
          <input
            id={id("name")}
            name="name"
            defaultValue={values.name}
            className={inputClass}
            aria-describedby={describedBy(id("name"), false)}
            aria-invalid={invalid("name")}
          />
        </Field>
        <Field
          id={id("key")}
          label="Key"
          hint={lockedKey ? "Fixed: earlier versions and their decisions use this key." : "Lower case and underscores; it never changes once published."}
          error={errors.key}
        >
          <input
            id={id("key")}
            name="key"
            defaultValue={values.key}
            readOnly={Boolean(lockedKey)}
            className={`${inputClass} font-mono ${lockedKey ? "bg-slate-100" : ""}`}
            aria-describedby={describedBy(id("key"), true)}
            aria-invalid={invalid("key")}
          />
        </Field>
        <Field id={id("group")} label="Group" hint={groupLocked ? "Fixed: a label that changes meaning gets a new key." : undefined} error={errors.group}>
          {groupLocked ? <input type="hidden" name="group" value={values.group} /> : null}
          <select
            id={id("group")}
            name={groupLocked ? undefined : "group"}
            defaultValue={values.group}
            disabled={groupLocked}
            className={inputClass}
            aria-describedby={describedBy(id("group"), groupLocked)}
            aria-invalid={invalid("group")}
          >
            {LABEL_GROUPS.map((g) => (
              <option key={g} value={g}>
                {GROUP_NAMES[g].title}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field id={id("definition")} label="Definition" hint="What the label covers, in one or two sentences." error={errors.definition}>
        <textarea
          id={id("definition")}
          name="definition"
          rows={3}
          defaultValue={values.definition}
          className={inputClass}
          aria-describedby={describedBy(id("definition"), true)}
          aria-invalid={invalid("definition")}
        />
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={id("cues")} label="Cues" hint="Signs in the item that point to this label; one per line." error={errors.cues}>
          <textarea
            id={id("cues")}
            name="cues"
            rows={4}
            defaultValue={values.cues}
            className={inputClass}
            aria-describedby={describedBy(id("cues"), true)}
            aria-invalid={invalid("cues")}
          />
        </Field>
        <Field id={id("notWhen")} label="Not when" hint="When this label does not apply even though it looks like it might." error={errors.notWhen}>
          <textarea
            id={id("notWhen")}
            name="notWhen"
            rows={4}
            defaultValue={values.notWhen}
            className={inputClass}
            aria-describedby={describedBy(id("notWhen"), true)}
            aria-invalid={invalid("notWhen")}
          />
        </Field>
        <Field id={id("positiveExamples")} label="Examples that fit" hint="Synthetic examples only; one per line." error={errors.positiveExamples}>
          <textarea
            id={id("positiveExamples")}
            name="positiveExamples"
            rows={3}
            defaultValue={values.positiveExamples}
            className={inputClass}
            aria-describedby={describedBy(id("positiveExamples"), true)}
            aria-invalid={invalid("positiveExamples")}
          />
        </Field>
        <Field
          id={id("negativeExamples")}
          label="Examples that do not fit"
          hint="Near misses that belong under another label; one per line."
          error={errors.negativeExamples}
        >
          <textarea
            id={id("negativeExamples")}
            name="negativeExamples"
            rows={3}
            defaultValue={values.negativeExamples}
            className={inputClass}
            aria-describedby={describedBy(id("negativeExamples"), true)}
            aria-invalid={invalid("negativeExamples")}
          />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id={id("severity")} label="Severity" hint="Feeds queue priority for flags of this kind." error={errors.severity}>
          <select
            id={id("severity")}
            name="severity"
            defaultValue={values.severity}
            className={inputClass}
            aria-describedby={describedBy(id("severity"), true)}
            aria-invalid={invalid("severity")}
          >
            {SEVERITY_NAMES.map((name, n) => (
              <option key={n} value={n}>
                {n} – {name}
              </option>
            ))}
          </select>
        </Field>
        <Field id={id("defaultAction")} label="Default action" error={errors.defaultAction}>
          <select
            id={id("defaultAction")}
            name="defaultAction"
            defaultValue={values.defaultAction}
            className={inputClass}
            aria-describedby={describedBy(id("defaultAction"), false)}
            aria-invalid={invalid("defaultAction")}
          >
            {DEFAULT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </Field>
        <div className="flex items-center gap-2 pt-6">
          <input id={id("rationaleRequired")} name="rationaleRequired" type="checkbox" defaultChecked={values.rationaleRequired} className="h-4 w-4" />
          <label htmlFor={id("rationaleRequired")} className="text-sm font-medium">
            Moderators must write a rationale
          </label>
        </div>
      </div>
      <fieldset className="rounded border border-slate-200 p-3">
        <legend className="px-1 text-sm font-medium">Statement of reasons (required for violating labels)</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id={id("sorCategory")} label="Category" error={errors.sorCategory}>
            <select
              id={id("sorCategory")}
              name="sorCategory"
              defaultValue={values.sorCategory}
              className={inputClass}
              aria-describedby={describedBy(id("sorCategory"), false)}
              aria-invalid={invalid("sorCategory")}
            >
              <option value="">None</option>
              {SOR_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {c.replace("STATEMENT_CATEGORY_", "")}
                </option>
              ))}
            </select>
          </Field>
          <Field id={id("sorGround")} label="Ground" error={errors.sorGround}>
            <select
              id={id("sorGround")}
              name="sorGround"
              defaultValue={values.sorGround}
              className={inputClass}
              aria-describedby={describedBy(id("sorGround"), false)}
              aria-invalid={invalid("sorGround")}
            >
              <option value="">None</option>
              {SOR_GROUNDS.map((g) => (
                <option key={g} value={g}>
                  {g === "DECISION_GROUND_INCOMPATIBLE_CONTENT" ? "Incompatible with terms of service" : "Illegal content (legal order)"}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <fieldset className="mt-3" aria-describedby={`${id("sorKeywords")}-error`}>
          <legend className="text-sm font-medium">Keywords</legend>
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
            {SOR_KEYWORDS.map((k) => (
              <label key={k} className="flex items-center gap-1 text-sm">
                <input type="checkbox" name="sorKeywords" value={k} defaultChecked={values.sorKeywords.includes(k)} className="h-4 w-4" />
                {k.replace("KEYWORD_", "").toLowerCase().replace(/_/g, " ")}
              </label>
            ))}
          </div>
          <FieldError id={`${id("sorKeywords")}-error`} message={errors.sorKeywords} />
        </fieldset>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={buttonClass}>
          {labelId ? "Save label" : "Add label"}
        </button>
        <Link to={cancelTo} className={secondaryButtonClass}>
          Cancel
        </Link>
      </div>
    </Form>
  );
}
