import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { FieldError, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { CONTENT_TYPES } from "~/modules/intake/schema.ts";
import { SOURCE_NAMES, SOURCES } from "~/modules/items/sources.ts";
import { STAGE_NAMES, STAGES, type QueueTarget, type RoutingRule } from "~/modules/routing/rules.ts";

/** What the form shows: a rule's stored fields, or what the lead last submitted. */
export type RuleFormValues = {
  name: string;
  stage: string;
  queueId: string;
  sources: string[];
  reasons: string;
  languages: string;
  platforms: string;
  contentTypes: string[];
  labelSets: string[];
  copies: string;
};

export function ruleFormValues(rule: RoutingRule | null): RuleFormValues {
  const w = rule?.when ?? {};
  return {
    name: rule?.name ?? "",
    stage: rule?.stage ?? "review",
    queueId: rule?.queueId ?? "",
    sources: w.sources ?? [],
    reasons: (w.reasons ?? []).join(", "),
    languages: (w.languages ?? []).join(", "),
    platforms: (w.platforms ?? []).join(", "),
    contentTypes: w.contentTypes ?? [],
    labelSets: w.labelSets ?? [],
    copies: w.copies ?? "any",
  };
}

function submittedValues(payload: Record<string, unknown>): RuleFormValues {
  const all = (name: string) => {
    const v = payload[name];
    return (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
  };
  const text = (name: string) => all(name)[0] ?? "";
  return {
    name: text("name"),
    stage: text("stage"),
    queueId: text("queueId"),
    sources: all("sources"),
    reasons: text("reasons"),
    languages: text("languages"),
    platforms: text("platforms"),
    contentTypes: all("contentTypes"),
    labelSets: all("labelSets"),
    copies: text("copies") || "any",
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

function Choices({
  id,
  legend,
  hint,
  name,
  options,
  checked,
  error,
}: {
  id: string;
  legend: string;
  hint: string;
  name: string;
  options: { value: string; label: string }[];
  checked: string[];
  error?: string;
}) {
  return (
    <fieldset className="rounded border border-slate-200 p-3" aria-describedby={`${id}-hint ${id}-error`} aria-invalid={error ? true : undefined}>
      <legend className="px-1 text-sm font-medium">{legend}</legend>
      <p id={`${id}-hint`} className="text-xs text-slate-600">
        {hint}
      </p>
      {options.length === 0 ? <p className="mt-1 text-sm text-slate-600">None to choose from.</p> : null}
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {options.map((o) => (
          <label key={o.value} className="flex items-center gap-1 text-sm">
            <input type="checkbox" name={name} value={o.value} defaultChecked={checked.includes(o.value)} className="h-4 w-4" />
            {o.label}
          </label>
        ))}
      </div>
      <FieldError id={`${id}-error`} message={error} />
    </fieldset>
  );
}

const describedBy = (id: string, hint: boolean) => [hint ? `${id}-hint` : "", `${id}-error`].filter(Boolean).join(" ");

/**
 * One rule's fields. Works as a plain form post; the server's answer to a refused save lands beside
 * the same fields, with or without JavaScript.
 */
export function RuleForm({
  idPrefix,
  draftId,
  rule,
  lastResult,
  queues,
  labelSets,
  cancelTo,
}: {
  idPrefix: string;
  draftId: string;
  rule: RoutingRule | null;
  lastResult: SubmissionResult<string[]> | undefined;
  queues: QueueTarget[];
  labelSets: { key: string; name: string }[];
  cancelTo: string;
}) {
  const [form] = useForm({ id: `rule-form-${idPrefix}`, lastResult });
  const values = lastResult?.initialValue ? submittedValues(lastResult.initialValue) : ruleFormValues(rule);
  const errors: Record<string, string | undefined> = Object.fromEntries(Object.entries(form.allErrors).map(([field, messages]) => [field, messages[0]]));
  const formError = form.errors?.[0];
  const otherErrors = Object.entries(errors).filter(([field]) => !FORM_FIELDS.has(field) && field !== "");
  const id = (name: string) => `${idPrefix}-${name}`;
  const invalid = (name: string) => (errors[name] ? true : undefined);
  const liveQueues = queues.filter((q) => !q.deleted);
  const currentQueue = queues.find((q) => q.id === values.queueId);

  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4" aria-label={rule ? `Edit the rule ${rule.name}` : "New rule"}>
      <input type="hidden" name="intent" value="save" />
      <input type="hidden" name="versionId" value={draftId} />
      {rule ? <input type="hidden" name="ruleId" value={rule.id} /> : null}
      {formError ? <FieldError id={id("form-error")} message={formError} /> : null}
      {otherErrors.map(([field, message]) => (
        <FieldError key={field} id={id(`${field}-error`)} message={message} />
      ))}
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
        <Field id={id("stage")} label="Applies to" error={errors.stage}>
          <select
            id={id("stage")}
            name="stage"
            defaultValue={values.stage}
            className={inputClass}
            aria-describedby={describedBy(id("stage"), false)}
            aria-invalid={invalid("stage")}
          >
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {STAGE_NAMES[s]}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id={id("queueId")}
          label="Sends to queue"
          hint={currentQueue?.deleted ? `The queue “${currentQueue.name}” was deleted; choose another.` : undefined}
          error={errors.queueId}
        >
          <select
            id={id("queueId")}
            name="queueId"
            defaultValue={currentQueue?.deleted ? "" : values.queueId}
            className={inputClass}
            aria-describedby={describedBy(id("queueId"), Boolean(currentQueue?.deleted))}
            aria-invalid={invalid("queueId")}
          >
            <option value="">Choose a queue</option>
            {liveQueues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.open ? q.name : `${q.name} (closed)`}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <p className="text-sm text-slate-700">Conditions: every condition given must hold. Leave a condition empty to leave it out.</p>
      <Choices
        id={id("sources")}
        legend="Sources"
        hint="The item's strongest flag source."
        name="sources"
        options={SOURCES.map((s) => ({ value: s, label: SOURCE_NAMES[s] }))}
        checked={values.sources}
        error={errors.sources}
      />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id={id("reasons")} label="Reasons" hint="Flag reason keys, comma-separated; any one matches." error={errors.reasons}>
          <input
            id={id("reasons")}
            name="reasons"
            defaultValue={values.reasons}
            className={`${inputClass} font-mono`}
            aria-describedby={describedBy(id("reasons"), true)}
            aria-invalid={invalid("reasons")}
          />
        </Field>
        <Field id={id("languages")} label="Languages" hint="Codes such as en, deu; und for items without one." error={errors.languages}>
          <input
            id={id("languages")}
            name="languages"
            defaultValue={values.languages}
            className={`${inputClass} font-mono`}
            aria-describedby={describedBy(id("languages"), true)}
            aria-invalid={invalid("languages")}
          />
        </Field>
        <Field id={id("platforms")} label="Platforms" hint="Platform names as API keys carry them, comma-separated." error={errors.platforms}>
          <input
            id={id("platforms")}
            name="platforms"
            defaultValue={values.platforms}
            className={`${inputClass} font-mono`}
            aria-describedby={describedBy(id("platforms"), true)}
            aria-invalid={invalid("platforms")}
          />
        </Field>
      </div>
      <Choices
        id={id("contentTypes")}
        legend="Content types"
        hint="What kind of content the item is."
        name="contentTypes"
        options={CONTENT_TYPES.map((t) => ({ value: t, label: t }))}
        checked={values.contentTypes}
        error={errors.contentTypes}
      />
      <Choices
        id={id("labelSets")}
        legend="Label sets"
        hint="One of the item's reasons is covered by one of these label sets (their live versions)."
        name="labelSets"
        options={labelSets.map((s) => ({ value: s.key, label: s.name }))}
        checked={values.labelSets}
        error={errors.labelSets}
      />
      <fieldset className="rounded border border-slate-200 p-3" aria-describedby={`${id("copies")}-error`} aria-invalid={invalid("copies")}>
        <legend className="px-1 text-sm font-medium">Copies</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
          {[
            { value: "any", label: "Any item" },
            { value: "grouped", label: "Only items with copies" },
            { value: "alone", label: "Only items without copies" },
          ].map((o) => (
            <label key={o.value} className="flex items-center gap-1 text-sm">
              <input type="radio" name="copies" value={o.value} defaultChecked={values.copies === o.value} className="h-4 w-4" />
              {o.label}
            </label>
          ))}
        </div>
        <FieldError id={`${id("copies")}-error`} message={errors.copies} />
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={buttonClass}>
          {rule ? "Save rule" : "Add rule"}
        </button>
        <Link to={cancelTo} className={secondaryButtonClass}>
          Cancel
        </Link>
      </div>
    </Form>
  );
}

const FORM_FIELDS = new Set(["name", "stage", "queueId", "sources", "reasons", "languages", "platforms", "contentTypes", "labelSets", "copies"]);
