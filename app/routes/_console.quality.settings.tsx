import { getFormProps, useForm } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { lastResultOf, refusalMessage, textOf, validateWith } from "~/components/ui/form.ts";
import { buttonClass, FieldError, inputClass, Notice, PageHeader } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { QualitySettingsForm } from "~/modules/quality/settings-form.ts";
import { qualitySettings, saveQualitySettings } from "~/modules/quality/settings.server.ts";

export const access: Access = { kind: "user", capability: "quality:manage" };
export const meta: MetaFunction = () => [{ title: "Quality and care settings · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "quality:manage");
  return json({ settings: await qualitySettings(), notice: new URL(request.url).searchParams.get("notice") });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "quality:manage");
  const submission = await parseSubmission(request, QualitySettingsForm);
  if (submission.status !== "success") return refuseForm(submission, { status: 400, code: "invalid_form", message: "Check the highlighted fields." });
  await saveQualitySettings({ kind: "user", id: user.id, email: user.email, role: user.role }, submission.value);
  return redirect("/quality/settings?notice=saved");
}

export default function QualitySettingsRoute() {
  const { settings, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const lastResult = lastResultOf(actionData);
  const [form, fields] = useForm({ id: "quality-settings", lastResult, onValidate: validateWith(QualitySettingsForm), shouldValidate: "onSubmit" });
  const initial = (name: keyof typeof fields, current: string) => (lastResult ? textOf(fields[name].initialValue) : current);
  const refusal = refusalMessage(actionData);
  const field = (name: "calibrationPercent" | "shiftHours" | "highSeverityCap" | "highSeverityFrom", label: string, hint: string, current: string) => (
    <div>
      <label htmlFor={`settings-${name}`} className="block font-medium">
        {label} <span className="font-normal text-slate-600">({hint})</span>
      </label>
      <input
        id={`settings-${name}`}
        name={name}
        inputMode="decimal"
        defaultValue={initial(name, current)}
        className={inputClass}
        aria-describedby={`settings-${name}-error`}
        aria-invalid={fields[name].errors?.length ? true : undefined}
      />
      <FieldError id={`settings-${name}-error`} message={fields[name].errors?.[0]} />
    </div>
  );
  return (
    <>
      <PageHeader
        title="Quality and care settings"
        description="How often calibration items are served, and the limits that protect moderators during a shift."
      />
      {notice === "saved" ? <Notice tone="success">Settings saved.</Notice> : null}
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      <Form method="post" {...getFormProps(form)} className="max-w-2xl space-y-6 rounded border border-slate-200 bg-white p-4">
        <fieldset className="space-y-4">
          <legend className="text-lg font-semibold">Calibration</legend>
          {field(
            "calibrationPercent",
            "Calibration items served",
            "percent of Next item presses, 0 turns calibration off, at most 50",
            String(settings.calibrationPercent),
          )}
          <label className="flex items-center gap-2">
            <input type="checkbox" name="showExplanation" defaultChecked={settings.showExplanation} />
            Show the expected answer and its explanation right after a moderator answers
          </label>
        </fieldset>
        <fieldset className="space-y-4">
          <legend className="text-lg font-semibold">Moderator care</legend>
          {field("shiftHours", "Shift window", "hours; exposure is counted over the last this many hours", String(settings.shiftHours))}
          {field(
            "highSeverityFrom",
            "High severity from",
            "label severity 1 to 4; items labelled this severe or more count toward the cap",
            String(settings.highSeverityFrom),
          )}
          {field(
            "highSeverityCap",
            "High-severity items per shift",
            "empty for no cap; at the cap Next item offers only lower-severity work",
            settings.highSeverityCap === null ? "" : String(settings.highSeverityCap),
          )}
        </fieldset>
        <button type="submit" className={buttonClass}>
          Save settings
        </button>
      </Form>
    </>
  );
}
