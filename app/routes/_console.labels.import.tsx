import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { Notice, PageHeader, buttonClass, inputClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { userActor } from "~/modules/auth/actor.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { importLabelSet, LabelSetError, httpStatusOf } from "~/modules/labels/editor.server.ts";
import type { Issue } from "~/modules/labels/format.ts";

export const access: Access = { kind: "user", capability: "labels:edit" };
export const meta: MetaFunction = () => [{ title: "Import a label set · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "labels:edit");
  return json({});
}

type Result = { message: string; issues: Issue[] };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "labels:edit");
  const form = await request.formData();
  const upload = form.get("file");
  const pasted = form.get("json");
  const text = upload && typeof upload === "object" && upload.size > 0 ? await upload.text() : typeof pasted === "string" ? pasted : "";
  if (!text.trim()) return json<Result>({ message: "Choose a JSON file or paste the set's JSON.", issues: [{ path: "json", message: "Nothing to import." }] }, { status: 400 });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return json<Result>({ message: "That is not valid JSON; nothing was imported.", issues: [{ path: "json", message: "The text could not be read as JSON." }] }, { status: 400 });
  }
  try {
    const result = await importLabelSet(userActor(user), data);
    return redirect(`/labels/${result.setId}/draft?imported=1`);
  } catch (error) {
    if (error instanceof LabelSetError) return json<Result>({ message: error.message, issues: error.issues }, { status: httpStatusOf(error) });
    throw error;
  }
}

export default function ImportLabelSet() {
  const result = useActionData<typeof action>();
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/labels" className="text-blue-800 hover:underline">Label sets</Link> /
      </p>
      <PageHeader
        title="Import a label set"
        description="A set in the export format becomes a draft you review and publish. A new key makes a new set; an existing key replaces that set's draft, and labels of earlier versions missing from the file are kept as retired."
      />
      {result ? <Notice tone="error">{result.message}</Notice> : null}
      {result?.issues.length ? (
        <section aria-labelledby="import-issues" className="mb-6 rounded border border-red-200 bg-red-50 p-4">
          <h2 id="import-issues" className="font-semibold text-red-900">Problems in the file ({result.issues.length})</h2>
          <ul className="mt-2 space-y-1 text-sm">
            {result.issues.map((issue, i) => (
              <li key={i}>
                <code className="rounded bg-white px-1 font-mono text-xs">{issue.path}</code> {issue.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="max-w-3xl space-y-4 rounded border border-slate-200 bg-white p-4">
        <div>
          <label htmlFor="import-file" className="block text-sm font-medium">JSON file</label>
          <input id="import-file" name="file" type="file" accept="application/json,.json" className="mt-1 block text-sm" />
        </div>
        <div>
          <label htmlFor="import-json" className="block text-sm font-medium">Or paste the JSON</label>
          <textarea id="import-json" name="json" rows={12} className={`${inputClass} font-mono text-xs`} aria-describedby="import-json-hint" />
          <p id="import-json-hint" className="mt-1 text-xs text-slate-600">The format is what “Export” writes: key, name, description, reasons, changeNote and labels.</p>
        </div>
        <button type="submit" className={buttonClass}>Import as a draft</button>
      </Form>
    </>
  );
}
