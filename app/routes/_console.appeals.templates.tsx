import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { OUTCOME_WORDS } from "~/components/appeals/words.ts";
import { utc } from "~/components/audit/format.tsx";
import { lastResultOf, refusalMessage, textOf } from "~/components/ui/form.ts";
import { FieldError, Notice, PageHeader, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { ANSWER_PLACEHOLDERS, DISPUTE_SETTLEMENT_NOTICE } from "~/modules/appeals/answer.ts";
import { AppealError } from "~/modules/appeals/errors.ts";
import { TemplateForm } from "~/modules/appeals/intent.ts";
import { APPEAL_OUTCOMES } from "~/modules/appeals/standing.ts";
import { answerTemplates, updateAnswerTemplate } from "~/modules/appeals/templates.server.ts";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { invalidForm, parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";

export const access: Access = { kind: "user", capability: "appeals:manage" };
export const meta: MetaFunction = () => [{ title: "Answer templates · Appeals · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "appeals:manage");
  const templates = await answerTemplates();
  return json({
    templates: APPEAL_OUTCOMES.map((outcome) => ({ outcome, body: templates[outcome].body, updatedAt: templates[outcome].updatedAt })),
    placeholders: ANSWER_PLACEHOLDERS,
    notice: DISPUTE_SETTLEMENT_NOTICE,
    saved: new URL(request.url).searchParams.get("saved"),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "appeals:manage");
  const submission = await parseSubmission(request, TemplateForm);
  if (submission.status !== "success") return invalidForm(submission);
  const { outcome, body } = submission.value;
  try {
    await updateAnswerTemplate({ kind: "user", id: user.id, email: user.email, role: user.role }, outcome, body);
  } catch (e) {
    if (!(e instanceof AppealError)) throw e;
    return refuseForm(submission, { status: e.status, code: e.code, message: e.message, fieldErrors: { body: [e.message] } });
  }
  return redirect(`/appeals/templates?saved=${outcome}`);
}

export default function AnswerTemplates() {
  const { templates, placeholders, notice, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const result = lastResultOf(actionData);
  const refusedOutcome = textOf(result?.initialValue?.outcome);
  return (
    <>
      <PageHeader
        title="Answer templates"
        description="What an appellant reads, one wording per outcome. The reviewer's summary fills {summary}; no reviewer is ever named."
        actions={
          <Link to="/appeals" className={secondaryButtonClass}>
            All appeals
          </Link>
        }
      />
      {saved && OUTCOME_WORDS[saved] ? <Notice tone="success">Saved the answer for “{OUTCOME_WORDS[saved]}”.</Notice> : null}
      {refusalMessage(actionData) ? <Notice tone="error">{refusalMessage(actionData)}</Notice> : null}
      <section aria-labelledby="placeholders-heading" className="mb-6 rounded border border-slate-200 bg-white p-4 text-sm">
        <h2 id="placeholders-heading" className="mb-2 font-semibold">
          Placeholders
        </h2>
        <dl className="grid gap-1 sm:grid-cols-[10rem_1fr]">
          {Object.entries(placeholders).map(([name, meaning]) => (
            <div key={name} className="contents">
              <dt className="font-mono">{`{${name}}`}</dt>
              <dd>{meaning}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-3">
          Every answer must include <code>{"{summary}"}</code>. This notice is always added after it (DSA Art. 21), whatever the template says:
        </p>
        <p className="mt-1 rounded bg-slate-50 p-2">{notice}</p>
      </section>
      <div className="grid gap-6">
        {templates.map((t) => {
          const refused = refusedOutcome === t.outcome ? result : undefined;
          const error = refused?.error?.body?.[0] ?? refused?.error?.outcome?.[0];
          const id = `template-${t.outcome}`;
          return (
            <Form key={t.outcome} method="post" className="grid gap-2 rounded border border-slate-200 bg-white p-4" aria-labelledby={`${id}-heading`}>
              <h2 id={`${id}-heading`} className="text-lg font-semibold">
                {OUTCOME_WORDS[t.outcome]}
              </h2>
              <input type="hidden" name="outcome" value={t.outcome} />
              <label htmlFor={id} className="text-sm font-medium">
                The answer when the appeal is {t.outcome}
              </label>
              <textarea
                id={id}
                name="body"
                rows={6}
                defaultValue={refused ? textOf(refused.initialValue?.body) : t.body}
                className={inputClass}
                aria-describedby={`${id}-error`}
                aria-invalid={error ? true : undefined}
              />
              <FieldError id={`${id}-error`} message={error} />
              <p className="text-xs text-slate-600">Last changed {utc(t.updatedAt)}</p>
              <div>
                <button type="submit" className={buttonClass}>
                  Save<span className="sr-only"> the answer for {OUTCOME_WORDS[t.outcome]}</span>
                </button>
              </div>
            </Form>
          );
        })}
      </div>
    </>
  );
}
