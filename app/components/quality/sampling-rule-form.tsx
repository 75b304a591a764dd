import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, Link } from "@remix-run/react";
import { textOf, validateWith } from "~/components/ui/form.ts";
import { buttonClass, FieldError, inputClass } from "~/components/ui/page.tsx";
import type { SamplingRuleRow } from "~/modules/quality/sampling-rules.server.ts";
import { SamplingRuleForm as Schema } from "~/modules/quality/sampling.ts";

type Choice = { id: string; name: string };
type Rule = Omit<SamplingRuleRow, "createdAt" | "updatedAt">;

function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label} {hint ? <span className="font-normal text-slate-600">({hint})</span> : null}
      </label>
      {children}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

/** Creating a sampling rule, or changing the one being edited. */
export function SamplingRuleForm({
  rule,
  choices,
  lastResult,
}: {
  rule: Rule | null;
  choices: { queues: Choice[]; sets: Choice[]; people: (Choice & { email: string })[] };
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  // The form's one id serves conform (which refuses a submit from a form of another id) and the "#rule-form" edit links.
  const [form, fields] = useForm({ id: "rule-form", lastResult, onValidate: validateWith(Schema), shouldValidate: "onSubmit" });
  const initial = (name: keyof typeof fields, fallback: string) => {
    const v = textOf(fields[name].initialValue);
    return v !== "" || lastResult ? v : fallback;
  };
  const select = (name: "queueId" | "labelSetId" | "moderatorId", label: string, options: Choice[], current: string | null, any: string) => (
    <Field id={`rule-${name}`} label={label} error={fields[name].errors?.[0]}>
      <select id={`rule-${name}`} name={name} defaultValue={initial(name, current ?? "")} className={inputClass} aria-describedby={`rule-${name}-error`}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </Field>
  );
  const number = (name: "percent" | "minPerWeek" | "quotaKeep" | "quotaRemove" | "quotaRestrict", label: string, current: number, hint?: string) => (
    <Field id={`rule-${name}`} label={label} hint={hint} error={fields[name].errors?.[0]}>
      <input
        id={`rule-${name}`}
        name={name}
        inputMode="decimal"
        defaultValue={initial(name, String(current))}
        className={inputClass}
        aria-describedby={`rule-${name}-error`}
        aria-invalid={fields[name].errors?.length ? true : undefined}
      />
    </Field>
  );
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4 rounded border border-slate-200 bg-white p-4" aria-labelledby="rule-form-heading">
      <h2 id="rule-form-heading" className="text-lg font-semibold">
        {rule ? `Edit “${rule.name}”` : "New sampling rule"}
      </h2>
      {rule ? <input type="hidden" name="ruleId" value={rule.id} /> : null}
      {form.errors?.length ? <p className="text-sm text-red-700">{form.errors[0]}</p> : null}
      <Field id="rule-name" label="Name" error={fields.name.errors?.[0]}>
        <input id="rule-name" name="name" defaultValue={initial("name", rule?.name ?? "")} className={inputClass} aria-describedby="rule-name-error" />
      </Field>
      <div className="grid gap-4 md:grid-cols-3">
        {select("queueId", "Queue", choices.queues, rule?.queueId ?? null, "Any queue")}
        {select("labelSetId", "Label set", choices.sets, rule?.labelSetId ?? null, "Any label set")}
        {select("moderatorId", "Decisions by", choices.people, rule?.moderatorId ?? null, "Anyone")}
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        {number("percent", "Share of decisions sampled", rule?.percent ?? 5, "percent, 0 to 100")}
        {number("minPerWeek", "Minimum per moderator a week", rule?.minPerWeek ?? 0)}
      </div>
      <fieldset className="grid gap-4 md:grid-cols-3">
        <legend className="mb-1 text-sm font-medium">Minimum per moderator a week for each action (so that keeps are checked as well as removals)</legend>
        {number("quotaKeep", "Keep", rule?.actionQuotas.keep ?? 0)}
        {number("quotaRemove", "Remove", rule?.actionQuotas.remove ?? 0)}
        {number("quotaRestrict", "Restrict", rule?.actionQuotas.restrict ?? 0)}
      </fieldset>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="active" defaultChecked={rule ? rule.active : true} />
        Active
      </label>
      <div className="flex items-center gap-4">
        <button type="submit" className={buttonClass}>
          {rule ? "Save the rule" : "Create the rule"}
        </button>
        {rule ? (
          <Link to="/quality/sampling" className="text-blue-800 underline">
            Cancel
          </Link>
        ) : null}
      </div>
    </Form>
  );
}
