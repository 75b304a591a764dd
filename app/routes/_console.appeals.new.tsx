import { getFormProps, useForm } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { APPELLANT_ROLE_WORDS, CHANNEL_WORDS } from "~/components/appeals/words.ts";
import { lastResultOf, refusalMessage, textOf, validateWith } from "~/components/ui/form.ts";
import { FieldError, Notice, PageHeader, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { TextField } from "~/components/ui/text-field.tsx";
import { AppealError } from "~/modules/appeals/errors.ts";
import { recordAppeal, recordablePlatforms } from "~/modules/appeals/record.server.ts";
import { RecordAppealForm } from "~/modules/appeals/schema.ts";
import { APPELLANT_ROLES, RECORDED_CHANNELS } from "~/modules/appeals/standing.ts";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { invalidForm, parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";

export const access: Access = { kind: "user", capability: "appeals:manage" };
export const meta: MetaFunction = () => [{ title: "Record an appeal · Appeals · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "appeals:manage");
  return json({ platforms: await recordablePlatforms(), today: new Date().toISOString().slice(0, 16) });
}

// The intake's refusals name the API's fields; the form's are named after the same facts.
const FORM_FIELD: Record<string, string> = { "appellant.externalId": "appellantId", "appellant.role": "role", externalId: "reference" };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "appeals:manage");
  const submission = await parseSubmission(request, RecordAppealForm);
  if (submission.status !== "success") return invalidForm(submission);
  try {
    // A time typed without a zone is taken as UTC, the zone every time in the console is shown in.
    const receivedAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(submission.value.receivedAt) ? `${submission.value.receivedAt}:00Z` : submission.value.receivedAt;
    const received = await recordAppeal({ kind: "user", id: user.id, email: user.email, role: user.role }, { ...submission.value, receivedAt });
    return redirect(`/appeals/${received.appealId}?notice=${received.created ? "recorded" : "already-recorded"}`);
  } catch (e) {
    if (!(e instanceof AppealError)) throw e;
    return refuseForm(submission, {
      status: e.status,
      code: e.code,
      message: e.message,
      fieldErrors: { [FORM_FIELD[e.path ?? ""] ?? e.path ?? ""]: [e.message] },
    });
  }
}

export default function RecordAppeal() {
  const { platforms, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "record-appeal",
    lastResult: lastResultOf(actionData),
    onValidate: validateWith(RecordAppealForm),
    shouldValidate: "onSubmit",
  });
  const refusal = refusalMessage(actionData);
  const select = (name: "platform" | "role" | "channel", label: string, options: [string, string][]) => (
    <div>
      <label htmlFor={`record-${name}`} className="block text-sm font-medium">
        {label}
      </label>
      <select
        id={`record-${name}`}
        name={fields[name].name}
        defaultValue={textOf(fields[name].initialValue)}
        className={inputClass}
        aria-describedby={`record-${name}-error`}
        aria-invalid={fields[name].errors?.length ? true : undefined}
      >
        <option value="">Choose…</option>
        {options.map(([value, words]) => (
          <option key={value} value={value}>
            {words}
          </option>
        ))}
      </select>
      <FieldError id={`record-${name}-error`} message={fields[name].errors?.[0]} />
    </div>
  );
  return (
    <>
      <PageHeader
        title="Record an appeal"
        description="For an appeal that arrived by email, letter or phone. The same rules apply as to one from the platform: the window, who may appeal, one open appeal per person and decision."
        actions={
          <Link to="/appeals" className={secondaryButtonClass}>
            All appeals
          </Link>
        }
      />
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      <Form method="post" {...getFormProps(form)} className="grid max-w-2xl gap-4 rounded border border-slate-200 bg-white p-4">
        {form.errors?.length ? <p className="text-sm text-red-700">{form.errors[0]}</p> : null}
        {select(
          "platform",
          "Platform",
          platforms.map((p) => [p, p]),
        )}
        <TextField id="record-decisionId" label="Contested decision id (from the decisions feed)" field={fields.decisionId} required={false} />
        <TextField
          id="record-itemExternalId"
          label="…or the item's external id (its latest decision is contested)"
          field={fields.itemExternalId}
          required={false}
        />
        {select(
          "role",
          "Who is appealing",
          APPELLANT_ROLES.map((r) => [r, APPELLANT_ROLE_WORDS[r]]),
        )}
        <TextField id="record-appellantId" label="The appellant's id on the platform" field={fields.appellantId} />
        <div>
          <label htmlFor="record-statement" className="block text-sm font-medium">
            What the appellant contests, in their words
          </label>
          <textarea
            id="record-statement"
            name={fields.statement.name}
            rows={5}
            defaultValue={textOf(fields.statement.initialValue)}
            className={inputClass}
            aria-describedby="record-statement-error"
            aria-invalid={fields.statement.errors?.length ? true : undefined}
          />
          <FieldError id="record-statement-error" message={fields.statement.errors?.[0]} />
        </div>
        {select(
          "channel",
          "How it arrived",
          RECORDED_CHANNELS.map((c) => [c, CHANNEL_WORDS[c]]),
        )}
        <TextField id="record-receivedAt" label="Received at (UTC)" type="datetime-local" field={fields.receivedAt} fallback={today} />
        <TextField
          id="record-reference"
          label="Your reference (a letter's number; optional, makes a second entry of it find the first)"
          field={fields.reference}
          required={false}
        />
        <div>
          <button type="submit" className={buttonClass}>
            Record the appeal
          </button>
        </div>
      </Form>
    </>
  );
}
