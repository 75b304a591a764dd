import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { refusalMessage, textOf } from "~/components/ui/form.ts";
import { Notice, PageHeader, buttonClass, inputClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { userActor } from "~/modules/auth/actor.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { invalidForm, parseSubmission, refuseForm, type FormRefusal } from "~/modules/http/forms.server.ts";
import { ImportForm, importSubmitted } from "~/modules/labels/import.server.ts";

export const access: Access = { kind: "user", capability: "labels:edit" };
export const meta: MetaFunction = () => [{ title: "Import a label set · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "labels:edit");
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "labels:edit");
  const submission = await parseSubmission(request, ImportForm);
  if (submission.status !== "success") return invalidForm(submission, "The import form was not valid; choose a file or paste the JSON.");
  const outcome = await importSubmitted(userActor(user), submission.value);
  if ("redirect" in outcome) return redirect(outcome.redirect);
  return refuseForm(submission, outcome.refused);
}

export default function ImportLabelSet() {
  const result = useActionData<typeof action>() as FormRefusal | undefined;
  const message = refusalMessage(result);
  const issues = result?.error.issues ?? [];
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/labels" className="text-blue-800 hover:underline">
          Label sets
        </Link>{" "}
        /
      </p>
      <PageHeader
        title="Import a label set"
        description="A set in the export format becomes a draft you review and publish. A new key makes a new set; an existing key replaces that set's draft, and labels of earlier versions missing from the file are kept as retired."
      />
      {message ? <Notice tone="error">{message}</Notice> : null}
      {issues.length ? (
        <section aria-labelledby="import-issues" className="mb-6 rounded border border-red-200 bg-red-50 p-4">
          <h2 id="import-issues" className="font-semibold text-red-900">
            Problems in the file ({issues.length})
          </h2>
          <ul className="mt-2 space-y-1 text-sm">
            {issues.map((issue, i) => (
              <li key={i}>
                <code className="rounded bg-white px-1 font-mono text-xs">{issue.path}</code> {issue.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="max-w-3xl space-y-4 rounded border border-slate-200 bg-white p-4">
        <div>
          <label htmlFor="import-file" className="block text-sm font-medium">
            JSON file
          </label>
          <input id="import-file" name="file" type="file" accept="application/json,.json" className="mt-1 block text-sm" />
        </div>
        <div>
          <label htmlFor="import-json" className="block text-sm font-medium">
            Or paste the JSON
          </label>
          <textarea
            id="import-json"
            name="json"
            rows={12}
            defaultValue={textOf(result?.form.initialValue?.json)}
            className={`${inputClass} font-mono text-xs`}
            aria-describedby="import-json-hint"
          />
          <p id="import-json-hint" className="mt-1 text-xs text-slate-600">
            The format is what “Export” writes: key, name, description, reasons, changeNote and labels.
          </p>
        </div>
        <button type="submit" className={buttonClass}>
          Import as a draft
        </button>
      </Form>
    </>
  );
}
